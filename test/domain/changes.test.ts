// behaviour §2.14
import { describe, expect, it } from "vitest";
import { changesBetween, changesOf, type FieldValues } from "../../src/domain/changes.ts";
import { changesText } from "../../src/texts/changes.ts";

const before: FieldValues = {
  status: "assigned",
  category: { id: 1, name: "堆物堆料" },
  grid: { id: 10, name: "幸福里第一网格" },
  point: { id: 100, name: "幸福路菜市场" },
  deadline: "2026-12-06T10:00:00.000Z",
  owner: { type: "person", id: 7, name: "郑晓红" },
};

describe("changesBetween", () => {
  it("keeps before and after of each field that moved, and nothing else", () => {
    const after: FieldValues = {
      ...before,
      category: { id: 2, name: "占道经营" },
      deadline: "2026-12-07T04:00:00.000Z",
    };
    expect(changesBetween(before, after)).toEqual({
      category: { from: { id: 1, name: "堆物堆料" }, to: { id: 2, name: "占道经营" } },
      deadline: { from: "2026-12-06T10:00:00.000Z", to: "2026-12-07T04:00:00.000Z" },
    });
  });

  it("tells a status, an owner handed to a department and a point removed; a rename is no change", () => {
    const after: FieldValues = {
      ...before,
      status: "accepted",
      grid: { id: 10, name: "幸福里一网格" },
      point: null,
      owner: { type: "unit", id: 7, name: "城管执法中队" },
    };
    expect(changesBetween(before, after)).toEqual({
      status: { from: "assigned", to: "accepted" },
      point: { from: { id: 100, name: "幸福路菜市场" }, to: null },
      owner: { from: before.owner, to: { type: "unit", id: 7, name: "城管执法中队" } },
    });
    expect(changesBetween(before, before)).toEqual({});
  });
});

describe("changesOf and changesText", () => {
  it("reads the changes an event recorded and words them in Chinese, the status left to its own columns", () => {
    const data = {
      photoIds: [1],
      changes: changesBetween(before, {
        ...before,
        status: "reported",
        category: null,
        deadline: null,
        owner: null,
      }),
    };
    const changes = changesOf(JSON.parse(JSON.stringify(data)));
    expect(changes.status).toEqual({ from: "assigned", to: "reported" });
    expect(changesText(changes, "Asia/Shanghai")).toBe(
      "类别：堆物堆料 → 类别待定；整改期限：12月6日 18:00 → 无；责任人：郑晓红 → 无",
    );
  });

  it("reads no changes from an event that recorded none or something else", () => {
    expect(changesOf({})).toEqual({});
    expect(changesOf(null)).toEqual({});
    expect(changesOf({ changes: { category: { from: 1, to: 2 } } })).toEqual({});
  });
});
