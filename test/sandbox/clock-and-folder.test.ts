import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config/env.ts";
import { sandboxFiles } from "../../src/sandbox/sandbox-files.ts";
import { nextLocalTime, startOfWorkday, VirtualClock } from "../../src/sandbox/virtual-clock.ts";

const SHANGHAI = "Asia/Shanghai";

describe("the virtual clock", () => {
  it("starts where it is told, runs at real speed and only jumps forward", () => {
    vi.useFakeTimers({ now: 1_000, toFake: ["Date"] });
    const clock = new VirtualClock(new Date("2026-11-23T01:00:00Z"));
    expect(clock.now().toISOString()).toBe("2026-11-23T01:00:00.000Z");
    vi.setSystemTime(6_000);
    expect(clock.now().toISOString()).toBe("2026-11-23T01:00:05.000Z");
    clock.advance(60 * 60_000);
    expect(clock.now().toISOString()).toBe("2026-11-23T02:00:05.000Z");
    clock.advanceTo(new Date("2026-11-23T00:00:00Z"));
    expect(clock.now().toISOString()).toBe("2026-11-23T02:00:05.000Z");
    expect(() => clock.advance(-1)).toThrow(RangeError);
    vi.useRealTimers();
  });

  it("begins the sandbox's day at 09:00 local time, whatever the hour it is started", () => {
    for (const started of ["2026-11-22T16:30:00Z", "2026-11-23T00:10:00Z", "2026-11-23T11:27:00Z"]) {
      // 00:30, 08:10 and 19:27 on 23 November in Shanghai.
      expect(startOfWorkday(new Date(started), SHANGHAI).toISOString()).toBe("2026-11-23T01:00:00.000Z");
    }
    expect(startOfWorkday(new Date("2026-11-23T11:27:00Z"), "Europe/Berlin").toISOString()).toBe(
      "2026-11-23T08:00:00.000Z",
    );
  });

  it("finds the next local wall-clock time, today or tomorrow", () => {
    const morning = new Date("2026-11-23T01:00:00Z"); // 09:00 in Shanghai
    expect(nextLocalTime(morning, "18:00", SHANGHAI).toISOString()).toBe("2026-11-23T10:00:00.000Z");
    expect(nextLocalTime(morning, "08:00", SHANGHAI).toISOString()).toBe("2026-11-24T00:00:00.000Z");
    expect(nextLocalTime(new Date("2026-11-23T10:00:00Z"), "18:00", SHANGHAI).toISOString()).toBe(
      "2026-11-24T10:00:00.000Z",
    );
    expect(() => nextLocalTime(morning, "25:00", SHANGHAI)).toThrow(RangeError);
  });
});

describe("the sandbox folder", () => {
  it("keeps its database inside <DATA_DIR>/sandbox", () => {
    const files = sandboxFiles(loadConfig({ DATA_DIR: "/tmp/riqing-x" }));
    expect(files).toEqual({ dir: "/tmp/riqing-x/sandbox", databaseUrl: "file:/tmp/riqing-x/sandbox/riqing.db" });
  });

  it("refuses a DATABASE_URL it would wipe outside that folder", () => {
    const config = loadConfig({ DATA_DIR: "/tmp/riqing-x", DATABASE_URL: "file:/tmp/riqing-x/riqing.db" });
    expect(() => sandboxFiles(config)).toThrow(
      /DATABASE_URL（file:\/tmp\/riqing-x\/riqing.db）必须位于 \/tmp\/riqing-x\/sandbox/,
    );
  });
});
