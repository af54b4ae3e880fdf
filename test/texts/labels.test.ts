import { describe, expect, it } from "vitest";
import { CATEGORY_CLASSES, CATEGORY_KINDS, ROLES, UNIT_LEVELS } from "../../src/domain/types.ts";
import {
  CLASS_LABELS,
  KIND_LABELS,
  parseClass,
  parseKind,
  parseRole,
  parseUnitLevel,
  ROLE_LABELS,
  STATUS_COLORS,
  STATUS_LABELS,
  statusColor,
  UNIT_LEVEL_LABELS,
} from "../../src/texts/labels.ts";

describe("status labels and colours", () => {
  it("names each status as users know it", () => {
    expect(STATUS_LABELS).toEqual({
      reported: "待派单",
      assigned: "待接单",
      accepted: "整改中",
      rectified: "待验收",
      closed: "已销项",
      rejected: "不予受理",
      duplicate: "重复",
    });
  });

  it("colours each status", () => {
    expect(STATUS_COLORS.reported).toBe("orange");
    expect(STATUS_COLORS.assigned).toBe("blue");
    expect(STATUS_COLORS.closed).toBe("green");
    expect(STATUS_COLORS.rejected).toBe("grey");
  });

  it("turns an overdue issue red while it still waits for a fix", () => {
    expect(statusColor("accepted", true)).toBe("red");
    expect(statusColor("reported", true)).toBe("red");
    expect(statusColor("accepted", false)).toBe(STATUS_COLORS.accepted);
  });

  it("keeps the status colour once the fix is in or the issue is finished", () => {
    expect(statusColor("rectified", true)).toBe("violet");
    expect(statusColor("closed", true)).toBe("green");
    expect(statusColor("duplicate", true)).toBe("grey");
  });
});

describe("parsers", () => {
  it("read back every label and every code", () => {
    for (const role of ROLES) {
      expect(parseRole(ROLE_LABELS[role])).toBe(role);
      expect(parseRole(role)).toBe(role);
    }
    for (const kind of CATEGORY_KINDS) expect(parseKind(KIND_LABELS[kind])).toBe(kind);
    for (const cls of CATEGORY_CLASSES) expect(parseClass(CLASS_LABELS[cls])).toBe(cls);
    for (const level of UNIT_LEVELS) expect(parseUnitLevel(UNIT_LEVEL_LABELS[level])).toBe(level);
  });

  it("accept the synonyms found in import files", () => {
    expect(parseRole("书记")).toBe("secretary");
    expect(parseRole("主任")).toBe("secretary");
    expect(parseRole("社区（村）书记")).toBe("secretary");
    expect(parseRole("巡查员")).toBe("grid_worker");
    expect(parseRole("志愿者")).toBe("grid_worker");
    expect(parseRole("指挥中心")).toBe("dispatcher");
    expect(parseRole("物业")).toBe("responder");
    expect(parseKind("动态指标")).toBe("dynamic");
    expect(parseClass("执法类")).toBe("enforcement");
    expect(parseUnitLevel("村")).toBe("community");
    expect(parseUnitLevel("镇")).toBe("street");
    expect(parseUnitLevel("职能部门")).toBe("department");
  });

  it("tolerate spacing, full-width letters and traditional characters", () => {
    expect(parseRole(" 网格长 ")).toBe("grid_head");
    expect(parseRole("網格長")).toBe("grid_head");
    expect(parseRole("ＧＲＩＤ_ＨＥＡＤ")).toBe("grid_head");
    expect(parseUnitLevel("社區")).toBe("community");
  });

  it("return null for words they do not know", () => {
    expect(parseRole("厨师")).toBeNull();
    expect(parseRole("")).toBeNull();
    expect(parseKind("常态")).toBeNull();
    expect(parseClass("其他")).toBeNull();
    expect(parseUnitLevel("省")).toBeNull();
  });
});
