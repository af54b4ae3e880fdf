import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDb } from "../../src/db/client.ts";
import { digestJob, digestKey, isLateDigest, runDigestSweep } from "../../src/jobs/digest-sweep.ts";
import { Scheduler } from "../../src/jobs/scheduler.ts";
import { CHATS, type ClockFixture, createClockFixture, sh, TZ } from "./support.ts";

describe("the 补发 rule", () => {
  it("calls a digest late when it goes out more than half an hour after the chat's digest time", () => {
    const late = (time: string, at: string) => isLateDigest(time, "2026-11-23", sh(at), TZ);
    expect(late("18:00", "2026-11-23 18:30")).toBe(false);
    expect(late("18:00", "2026-11-23 18:31")).toBe(true);
    expect(late("19:00", "2026-11-23 19:20")).toBe(false);
    expect(late("19:00", "2026-11-24 09:00")).toBe(true);
    // A malformed digest time means 18:00.
    expect(late("6pm", "2026-11-23 18:29")).toBe(false);
    expect(late("6pm", "2026-11-23 18:45")).toBe(true);
  });
});

describe("digest sweep and scheduler", () => {
  let f: ClockFixture;
  const sweep = (at: string) => runDigestSweep(f.deps, sh(at));
  beforeEach(async () => {
    f = await createClockFixture();
    // Two grids of 东苑 with issues today, ranked with a minimum of one issue so the chart has bars.
    await f.t.db.chatBinding.update({ where: { chatId: CHATS.c1 }, data: { settings: { minRankedIssues: 1 } } });
    await f.addIssues([
      {
        number: 4001,
        grid: "G11",
        category: "DUI",
        status: "closed",
        reportedAt: sh("2026-11-23 09:00"),
        rectifiedAt: sh("2026-11-23 10:00"),
        closedAt: sh("2026-11-23 11:00"),
      },
      {
        number: 4002,
        grid: "G12",
        category: "DUI",
        status: "assigned",
        reportedAt: sh("2026-11-23 09:30"),
        deadline: sh("2026-11-24 09:30"),
      },
    ]);
  });
  afterEach(async () => {
    await f.close();
  });

  it("sends each work group its community digest at its time and the leader group the street digest at its own", async () => {
    expect(await sweep("2026-11-23 17:59")).toEqual([]);
    const at18 = await sweep("2026-11-23 18:00");
    expect(at18.map((n) => n.summary)).toEqual([
      "2026-11-23 日清日报 → 东苑社区工作群",
      "2026-11-23 日清日报 → 西苑社区工作群",
    ]);
    expect(await sweep("2026-11-23 18:20")).toEqual([]);
    expect((await sweep("2026-11-23 19:00")).map((n) => n.chatId)).toEqual([CHATS.leader]);
    expect(await sweep("2026-11-23 23:59")).toEqual([]);

    // 西苑's digest has no chart (too few issues to rank): it was queued first, to go out while 东苑's chart was drawn.
    const rows = await f.outbox("digest:");
    expect(rows.map((r) => [r.key, r.kind, r.target])).toEqual([
      [digestKey(CHATS.c2, "2026-11-23"), "send", CHATS.c2],
      [digestKey(CHATS.c1, "2026-11-23"), "send", CHATS.c1],
      [digestKey(CHATS.leader, "2026-11-23"), "send", CHATS.leader],
    ]);
    const [c2, c1, leader] = rows;
    expect(c2?.content).not.toContain("img_key");
    expect(c1?.content).toContain("日清日报 · 东苑社区 · 11月23日");
    expect(c1?.content).not.toContain("补发");
    // The chart was rendered, stored and uploaded once, and the card shows it.
    const image = await f.t.db.larkImage.findFirstOrThrow();
    expect(c1?.content).toContain(`"img_key":"${image.imageKey}"`);
    expect(leader?.content).toContain("日清日报 · 幸福街道 · 11月23日");
    expect(leader?.content).toContain("各社区今日综合指标排名");
  });

  it("sends a digest missed while the process was down when it starts again the same day, marked 补发", async () => {
    // Down from 17:00 to 18:45: the scheduler's first tick at start sends the 18:00 digests, late.
    const scheduler = new Scheduler({ deps: f.deps, clock: () => sh("2026-11-23 18:45") });
    scheduler.start();
    await scheduler.stop();
    const rows = await f.outbox("digest:");
    expect(rows.map((r) => r.target)).toEqual([CHATS.c2, CHATS.c1]);
    for (const row of rows) expect(row.content).toContain("11月23日（补发）");
    // Twenty minutes after its time is not late; a day later the missed day is not sent any more.
    expect((await sweep("2026-11-23 19:20")).map((n) => n.summary)).toEqual(["2026-11-23 日清日报 → 幸福街道领导群"]);
    expect(await sweep("2026-11-24 09:00")).toEqual([]);
  });

  it("tells the outbox of each digest as it is queued, and of what every sweep queued when the scheduler ran it", async () => {
    let told = 0;
    const deps = { ...f.deps, queued: () => void told++ };
    // Once per digest, before the sweep ends: the first is sent while the next is still being drawn.
    expect(await runDigestSweep(deps, sh("2026-11-23 18:00"))).toHaveLength(2);
    expect(told).toBe(2);
    // The leader group's digest as it was queued, then the sweep's end.
    const scheduler = new Scheduler({ deps, clock: () => sh("2026-11-23 19:00"), jobs: [digestJob] });
    await scheduler.tick();
    expect(told).toBe(4);
    expect((await f.outbox("digest:")).map((r) => r.target)).toEqual([CHATS.c2, CHATS.c1, CHATS.leader]);
  });

  it("uploads a chart it has not stored before without looking its image key up first", async () => {
    const published: (boolean | undefined)[] = [];
    const deps = {
      ...f.deps,
      publishPhotos: (photos: Parameters<typeof f.deps.publishPhotos>[0]) => {
        published.push(...photos.map((p) => p.firstSeen));
        return f.deps.publishPhotos(photos);
      },
    };
    await runDigestSweep(deps, sh("2026-11-23 18:00"));
    // 东苑's chart (西苑 has too few issues to rank).
    expect(published).toEqual([true]);
  });

  it("skips chats that opted out", async () => {
    await f.t.db.chatBinding.update({ where: { chatId: CHATS.c2 }, data: { settings: { digest: false } } });
    expect((await sweep("2026-11-23 20:00")).map((n) => n.chatId)).toEqual([CHATS.c1, CHATS.leader]);
  });

  it("posts once when two schedulers on two connections tick at the same instant", async () => {
    await f.addIssues([
      {
        number: 4003,
        grid: "G21",
        category: "DUI",
        status: "assigned",
        reportedAt: sh("2026-11-23 12:00"),
        deadline: sh("2026-11-23 19:00"),
      },
      {
        number: 4004,
        grid: "G11",
        category: "DUI",
        status: "assigned",
        reportedAt: sh("2026-11-23 14:00"),
        deadline: sh("2026-11-23 21:00"),
      },
      {
        number: 4005,
        grid: "G12",
        category: "DUI",
        status: "accepted",
        reportedAt: sh("2026-11-22 08:00"),
        deadline: sh("2026-11-22 13:00"),
      },
    ]);
    const other: Db = await openDb(f.t.url);
    try {
      const now = () => sh("2026-11-23 19:00");
      const a = new Scheduler({ deps: f.deps, clock: now });
      const b = new Scheduler({ deps: { ...f.deps, db: other }, clock: now });
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      const keys = (await f.outbox()).map((r) => r.key);
      expect(keys.sort()).toEqual(
        [
          digestKey(CHATS.c1, "2026-11-23"),
          digestKey(CHATS.c2, "2026-11-23"),
          digestKey(CHATS.leader, "2026-11-23"),
          `escalate:${CHATS.leader}:${sh("2026-11-23 14:00").toISOString()}`,
          `remind:${await idOf(4003)}:deadline`,
          `remind:${await idOf(4004)}:before`,
          // Monday: the street's 工作简报 of the week before, its card and its document (behaviour §15.5).
          `briefing:${CHATS.leader}:week:2026-11-16`,
          `briefing:${CHATS.leader}:week:2026-11-16:file`,
        ].sort(),
      );
    } finally {
      await other.$disconnect();
    }
  });

  async function idOf(number: number): Promise<number> {
    return (await f.t.db.issue.findUniqueOrThrow({ where: { number } })).id;
  }
});
