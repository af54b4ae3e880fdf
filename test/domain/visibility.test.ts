import { describe, expect, it } from "vitest";
import { boardState } from "../../src/domain/board-state.ts";
import type { UnitLevel } from "../../src/domain/types.ts";
import { type VisibilityUnit, visibleUnits, withinUnits } from "../../src/domain/visibility.ts";

// district 1 › street 2 › community 3 (grids 4, 5), community 6 (grid 7); departments 8 (command centre), 9 (城管).
const UNITS = new Map<number, VisibilityUnit>(
  (
    [
      [1, "district", null],
      [2, "street", 1],
      [3, "community", 2],
      [4, "grid", 3],
      [5, "grid", 3],
      [6, "community", 2],
      [7, "grid", 6],
      [8, "department", 2],
      [9, "department", 2],
    ] as [number, UnitLevel, number | null][]
  ).map(([id, level, parentId]) => [id, { id, level, parentId }]),
);

describe("who may see which units", () => {
  it("gives each duty its unit, and the command centre its street", () => {
    expect(
      visibleUnits(
        [
          { unitId: 4, role: "grid_head" },
          { unitId: 5, role: "grid_head" },
        ],
        false,
        UNITS,
      ),
    ).toEqual([4, 5]);
    expect(
      visibleUnits(
        [
          { unitId: 3, role: "secretary" },
          { unitId: 4, role: "grid_worker" },
        ],
        false,
        UNITS,
      ),
    ).toEqual([3]);
    expect(visibleUnits([{ unitId: 2, role: "leader" }], false, UNITS)).toEqual([2]);
    expect(visibleUnits([{ unitId: 8, role: "dispatcher" }], false, UNITS)).toEqual([2]);
    expect(visibleUnits([{ unitId: 9, role: "responder" }], false, UNITS)).toEqual([9]);
    expect(visibleUnits([], false, UNITS)).toEqual([]);
    expect(visibleUnits([], true, UNITS)).toEqual([1]);
  });

  it("cuts a request down to what is allowed", () => {
    expect(withinUnits([3], [2], UNITS)).toEqual([3]);
    expect(withinUnits([2], [4, 5], UNITS)).toEqual([4, 5]);
    expect(withinUnits([6], [3], UNITS)).toEqual([]);
    expect(withinUnits([3, 4], [2], UNITS)).toEqual([3]);
  });
});

describe("the board's colours", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  it("follow the status and the one overdue rule", () => {
    expect(boardState({ status: "assigned", deadline: hoursAgo(-2) }, now)).toBe("new");
    expect(boardState({ status: "accepted", deadline: hoursAgo(-2) }, now)).toBe("in_progress");
    expect(boardState({ status: "rectified", deadline: hoursAgo(30) }, now)).toBe("awaiting_check");
    expect(boardState({ status: "accepted", deadline: hoursAgo(2) }, now)).toBe("overdue");
    expect(boardState({ status: "reported", deadline: hoursAgo(24) }, now)).toBe("on_books");
    expect(boardState({ status: "closed", deadline: hoursAgo(30) }, now)).toBeNull();
  });
});
