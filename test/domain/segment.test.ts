import { describe, expect, it } from "vitest";
import { addWords, segment } from "../../src/domain/segment.ts";

describe("segment", () => {
  it("cuts everyday report text into words that join back to it", () => {
    expect(segment("堆了好多纸箱")).toEqual(["堆", "了", "好多", "纸箱"]);
    const text = "幸福路菜市场门口，三轮车乱停乱放！";
    expect(segment(text).join("")).toBe(text);
    expect(segment("")).toEqual([]);
  });

  it("keeps added words whole from then on", () => {
    expect(segment("门口有人私装车位锁")).not.toContain("车位锁");
    addWords(["车位锁", "私装"]);
    expect(segment("门口有人私装车位锁")).toEqual(["门口", "有人", "私装", "车位锁"]);
  });
});
