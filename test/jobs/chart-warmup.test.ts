import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDigestSweep } from "../../src/jobs/digest-sweep.ts";
import { type ClockFixture, createClockFixture, sh } from "./support.ts";

// A file of its own: the chart thread, once started, is kept for the whole process.
describe("the chart thread before the digest time", () => {
  let f: ClockFixture;
  beforeEach(async () => {
    f = await createClockFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it("is started a few minutes before a digest time, once, so the first digests do not wait for it", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const started = () => lines.filter((line) => line.includes("chart thread started before the digest time")).length;
    const deps = { ...f.deps, log };
    // Hours before: nothing.
    expect(await runDigestSweep(deps, sh("2026-11-23 15:00"))).toEqual([]);
    expect(started()).toBe(0);
    // Three minutes before the work groups' 18:00.
    expect(await runDigestSweep(deps, sh("2026-11-23 17:57"))).toEqual([]);
    expect(started()).toBe(1);
    // Already running: not again, and the digests at their time use it.
    expect(await runDigestSweep(deps, sh("2026-11-23 17:58"))).toEqual([]);
    expect((await runDigestSweep(deps, sh("2026-11-23 18:00"))).length).toBe(2);
    expect(started()).toBe(1);
    expect(lines.filter((line) => line.includes('"level":40') || line.includes('"level":50'))).toEqual([]);
  });
});
