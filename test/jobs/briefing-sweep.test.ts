// behaviour §15.1, §15.2, §15.5
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { briefingJob, runBriefingSweep } from "../../src/jobs/briefing-sweep.ts";
import { JOBS } from "../../src/jobs/registry.ts";
import { BRIEFING_FIGURES } from "../../src/texts/briefing.ts";
import { readDocx } from "../support/docx.ts";
import { CHATS, type ClockFixture, createClockFixture, sh } from "./support.ts";

describe("the weekly and monthly 工作简报", () => {
  let f: ClockFixture;
  beforeEach(async () => {
    f = await createClockFixture();
    await f.addIssues([
      {
        number: 1,
        grid: "G11",
        category: "DUI",
        status: "closed",
        reportedAt: sh("2026-11-24 09:00"),
        deadline: sh("2026-11-25 09:00"),
        rectifiedAt: sh("2026-11-24 12:00"),
        closedAt: sh("2026-11-24 15:00"),
      },
      {
        number: 2,
        grid: "G21",
        category: "TING",
        status: "assigned",
        reportedAt: sh("2026-11-26 09:00"),
        deadline: sh("2026-11-27 09:00"),
      },
    ]);
  });
  afterEach(async () => {
    await f.close();
  });

  it("is scheduled with the other sweeps", () => {
    expect(JOBS).toContain(briefingJob);
  });

  it("goes to the street's leader group on Monday at 09:00 as a card and a .docx, once, also with two instances", async () => {
    expect(await runBriefingSweep(f.deps, sh("2026-11-30 08:59"))).toEqual([]);
    // A second instance: its own connection to the same database, sweeping at the same minute.
    const other = await openDb(f.t.url);
    try {
      const notices = (
        await Promise.all([
          runBriefingSweep(f.deps, sh("2026-11-30 09:00")),
          runBriefingSweep({ ...f.deps, db: other }, sh("2026-11-30 09:00")),
        ])
      ).flat();
      expect(notices.map((n) => n.chatId)).toEqual([CHATS.leader]);
    } finally {
      await other.$disconnect();
    }
    expect(await runBriefingSweep(f.deps, sh("2026-11-30 10:00"))).toEqual([]);

    const rows = await f.outbox("briefing:");
    expect(rows.map((r) => [r.key, r.chatId, r.msgType])).toEqual([
      [`briefing:${CHATS.leader}:week:2026-11-23`, CHATS.leader, "interactive"],
      [`briefing:${CHATS.leader}:week:2026-11-23:file`, CHATS.leader, "file"],
    ]);
    const card = rows[0]?.content ?? "";
    expect(card).toContain("创文工作简报 第1期 · 幸福街道 · 2026年第48周（11月23日—11月29日）");
    // Nothing was recorded the week before, so there is no 环比 to give.
    expect(card).toContain(`**${BRIEFING_FIGURES.found}**\\n2（上周 —）`);
    const posted = JSON.parse(rows[1]?.content ?? "{}") as { file_key?: string };
    const file = f.uploaded[Number(posted.file_key?.replace("file_v3_", "")) - 1];
    expect(file?.fileName).toBe("幸福街道创文工作简报第1期.docx");
    const doc = await readDocx(file?.data as Buffer);
    expect(doc.tables[0]?.find((r) => r[0] === BRIEFING_FIGURES.found)?.[1]).toBe("2");
  });

  it("numbers the month's briefing after the week's, and leaves out what a group's settings turn off", async () => {
    await runBriefingSweep(f.deps, sh("2026-11-30 09:00"));
    await f.t.db.chatBinding.update({
      where: { chatId: CHATS.leader },
      data: { settings: { briefing: { weekly: false, time: "08:30" } } },
    });
    // 7 December is a Monday too, but weekly briefings are off now; 1 December brings November's at 08:30.
    const notices = [
      ...(await runBriefingSweep(f.deps, sh("2026-12-01 08:30"))),
      ...(await runBriefingSweep(f.deps, sh("2026-12-07 09:00"))),
    ];
    expect(notices.map((n) => n.key)).toEqual([`briefing:${CHATS.leader}:month:2026-11-01`]);
    expect(notices[0]?.summary).toContain("第2期");
  });

  it("in a dry run says what it would send, and sends and numbers nothing", async () => {
    const notices = await runBriefingSweep(f.deps, sh("2026-11-30 09:00"), { dryRun: true });
    expect(notices.map((n) => n.summary)).toEqual([
      "创文工作简报 第1期 幸福街道 2026年第48周（11月23日—11月29日） → 幸福街道领导群",
    ]);
    expect(await f.outbox("briefing:")).toEqual([]);
    expect(await f.t.db.briefing.count()).toBe(0);
  });

  it("tells the clock when the next one falls due, and none once it is sent", async () => {
    expect(await briefingJob.nextDueAt(f.deps, sh("2026-11-29 12:00"), null)).toEqual(sh("2026-11-30 09:00"));
    expect(await briefingJob.nextDueAt(f.deps, sh("2026-11-29 12:00"), sh("2026-11-30 08:00"))).toBeNull();
    await runBriefingSweep(f.deps, sh("2026-11-30 09:00"));
    expect(await briefingJob.nextDueAt(f.deps, sh("2026-11-30 09:00"), null)).toEqual(sh("2026-12-01 09:00"));
  });
});
