import { describe, expect, it } from "vitest";
import { parseMobile, parsePurpose, parseTimeOfDay, parseYesNo, splitList } from "../../src/org/org-values.ts";

describe("org file values", () => {
  it("reads yes/no words", () => {
    for (const yes of ["是", "Y", "yes", "TRUE", "1", "√"]) expect(parseYesNo(yes)).toBe(true);
    for (const no of ["否", "n", "No", "false", "0", "×"]) expect(parseYesNo(no)).toBe(false);
    expect(parseYesNo("也许")).toBeNull();
  });

  it("splits lists on Chinese and Latin separators", () => {
    expect(splitList("菜市场、幸福菜场，菜场, 市场;集市")).toEqual(["菜市场", "幸福菜场", "菜场", "市场", "集市"]);
    expect(splitList(" 、 ")).toEqual([]);
  });

  it("reads times of day as zero-padded HH:mm", () => {
    expect(parseTimeOfDay("18:00")).toBe("18:00");
    expect(parseTimeOfDay("9:30")).toBe("09:30");
    expect(parseTimeOfDay("18：00")).toBe("18:00");
    for (const bad of ["25:00", "18:60", "1800", "晚上六点"]) expect(parseTimeOfDay(bad)).toBeNull();
  });

  it("reads mainland mobile numbers", () => {
    expect(parseMobile("139 0000 0001")).toBe("13900000001");
    expect(parseMobile("+86 139-0000-0001")).toBe("13900000001");
    expect(parseMobile("1234")).toBeNull();
    expect(parseMobile("12900000001")).toBeNull();
  });

  it("reads chat purposes in Chinese or English", () => {
    expect(parsePurpose("工作群")).toBe("work");
    expect(parsePurpose("领导")).toBe("leader");
    expect(parsePurpose("部门群")).toBe("department");
    expect(parsePurpose("随手拍")).toBe("patrol");
    expect(parsePurpose("patrol")).toBe("patrol");
    expect(parsePurpose("聊天群")).toBeNull();
  });
});
