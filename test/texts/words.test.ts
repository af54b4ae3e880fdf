import { describe, expect, it } from "vitest";
import { hasUrgentWord, startsWithReportWord, stripReportWord } from "../../src/texts/words.ts";

describe("hasUrgentWord", () => {
  it.each(["紧急！消防通道被堵", "加急处理", "急，井盖缺失", "【急】路灯倒了", "緊急情況"])(
    "sees urgency in %s",
    (text) => {
      expect(hasUrgentWord(text)).toBe(true);
    },
  );

  it.each(["急救箱过期", "3号楼下有人飞线充电", "不着急的问题"])("sees none in %s", (text) => {
    expect(hasUrgentWord(text)).toBe(false);
  });
});

describe("startsWithReportWord", () => {
  it.each([
    "上报 幸福路堆物",
    "报告：东风路有小广告",
    "#问题 乱停车",
    "＃问题 乱停车",
    "问题：井盖缺失",
    "问题:井盖缺失",
    "  上报",
  ])("recognises %s", (text) => {
    expect(startsWithReportWord(text)).toBe(true);
  });

  it.each(["幸福路上报刊亭破损", "问题不大", "今天巡查无问题", "上 报"])("does not treat %s as a report", (text) => {
    expect(startsWithReportWord(text)).toBe(false);
  });
});

describe("stripReportWord", () => {
  it.each([
    ["上报 幸福路菜市场门口堆物", "幸福路菜市场门口堆物"],
    ["报告：东风路有小广告", "东风路有小广告"],
    ["＃问题 乱停车", "乱停车"],
    ["問題：井蓋缺失", "井蓋缺失"],
    ["幸福路上报刊亭破损", "幸福路上报刊亭破损"],
  ])("makes %s read %s", (text, stripped) => {
    expect(stripReportWord(text)).toBe(stripped);
  });
});
