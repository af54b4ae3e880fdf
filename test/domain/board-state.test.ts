import { describe, expect, it } from "vitest";
import { boardState } from "../../src/domain/board-state.ts";

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
