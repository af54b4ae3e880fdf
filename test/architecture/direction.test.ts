import { describe, expect, it } from "vitest";
import { circles, importsOf, sourceFiles } from "./import-graph.ts";

/**
 * The rooms of src/ from the top floor down (ARCHITECTURE.md draws the same). A file may import from its own room and
 * from rooms on lower floors, never upwards and never sideways into a room on its own floor.
 */
const FLOORS: readonly (readonly string[])[] = [
  ["cli"],
  ["sandbox"],
  ["app"],
  ["board", "api"],
  ["http"],
  ["ops"],
  ["features", "jobs"],
  ["commands"],
  ["presenters"],
  ["reports", "org"],
  ["lark"],
  ["db"],
  ["texts"],
  ["access"],
  ["domain"],
  ["config", "log"],
];

/** A room that stands apart: it imports nothing of the bot's, and only the sandbox (and tests) import it. */
const APART = "emulator";
const APART_USERS = new Set(["sandbox"]);

function roomOf(path: string): string {
  const [, first = ""] = path.split("/");
  return first.replace(/\.ts$/, "");
}

function floorOf(room: string): number {
  const floor = FLOORS.findIndex((rooms) => rooms.includes(room));
  if (floor < 0) throw new Error(`room ${room} is on no floor: add it to FLOORS (and to ARCHITECTURE.md)`);
  return floor;
}

describe("the direction of imports in src/", () => {
  const edges = importsOf(sourceFiles("src")).filter(
    (e) => e.to.startsWith("src/") && !e.to.startsWith("src/generated/"),
  );

  it("has no circle of imports", () => {
    expect(circles(edges)).toEqual([]);
  });

  it("imports only downwards, from room to room, as the floors say", () => {
    const wrong: string[] = [];
    for (const { from, to } of edges) {
      const a = roomOf(from);
      const b = roomOf(to);
      if (a === b) continue;
      if (a === APART || b === APART) {
        if (a === APART || !APART_USERS.has(a)) wrong.push(`${from} → ${to} (${APART} stands apart)`);
        continue;
      }
      const up = floorOf(a);
      const down = floorOf(b);
      if (down < up) wrong.push(`${from} → ${to} (upwards: ${a} imports ${b})`);
      else if (down === up) wrong.push(`${from} → ${to} (sideways: ${a} and ${b} share a floor)`);
    }
    expect(wrong).toEqual([]);
  });
});
