import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snoozeReminders } from "../../src/commands/snooze-reminders.ts";
import type { SweepNotice } from "../../src/jobs/job.ts";
import { nextDueAt } from "../../src/jobs/next-due-at.ts";
import { JOBS } from "../../src/jobs/registry.ts";
import { CHATS, type ClockFixture, createClockFixture, dueIssue, sh } from "./support.ts";

/** Settings turning off a chat's digest and 工作简报, so only the reminders are due. */
const QUIET = { digest: false, briefing: { weekly: false, monthly: false } };

describe("nextDueAt: when the next sweep would send something", () => {
  let f: ClockFixture;
  const next = async (at: string) => (await nextDueAt(f.deps, sh(at)))?.toISOString() ?? null;
  /** Every sweep at `at`, as the scheduler runs them. */
  const sweepAll = async (at: Date): Promise<SweepNotice[]> => {
    const notices: SweepNotice[] = [];
    for (const job of JOBS) notices.push(...(await job.run(f.deps, at)));
    return notices;
  };
  beforeEach(async () => {
    f = await createClockFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it("finds each chat's digest time on a day whose digest was not sent, and nothing once every chat opted out", async () => {
    expect(await next("2026-11-23 09:00")).toBe(sh("2026-11-23 18:00").toISOString());
    await sweepAll(sh("2026-11-23 18:00"));
    // The work groups' digests went out; the leader group's is at 19:00.
    expect(await next("2026-11-23 18:00")).toBe(sh("2026-11-23 19:00").toISOString());
    // Not sent at 19:00 (the process was down): the next one it finds is tomorrow's, as today's is already due.
    expect(await next("2026-11-23 19:30")).toBe(sh("2026-11-24 18:00").toISOString());
    await f.t.db.chatBinding.updateMany({ data: { settings: QUIET } });
    expect(await next("2026-11-23 09:00")).toBeNull();
  });

  it("finds the rungs of the ladder: before the deadline held by the quiet hours, at the deadline, and the slot", async () => {
    await f.t.db.chatBinding.updateMany({ data: { settings: QUIET } });
    await f.addIssues([dueIssue(6001, "2026-11-24 09:00")]);
    const steps: string[] = [];
    for (let at: Date | null = sh("2026-11-23 09:00"); at; at = await nextDueAt(f.deps, at)) {
      if (steps.length > 0) expect((await sweepAll(at)).length).toBeGreaterThan(0);
      steps.push(at.toISOString());
    }
    expect(steps).toEqual(
      [
        "2026-11-23 09:00",
        "2026-11-24 08:00", // 2 h before is 07:00, in the quiet hours
        "2026-11-24 09:00", // at the deadline
        "2026-11-25 09:00", // due for escalation at 09:00, the street's first slot that day
      ].map((t) => sh(t).toISOString()),
    );
    // Before, at the deadline, the redraw of its card once the deadline passed, its escalation and the slot's card.
    expect(await f.t.db.jobRun.count()).toBe(5);
  });

  it("finds a snooze running out, held by the quiet hours when it ends in them", async () => {
    const id = (await f.addIssues([dueIssue(6002, "2026-11-23 22:00")])).get(6002) as number;
    // The before-deadline reminder at 20:00, and the evening digests, late.
    await sweepAll(sh("2026-11-23 20:00"));
    await snoozeReminders(f.t.db, id, {
      until: sh("2026-11-23 20:45"),
      by: "李四",
      at: new Date(sh("2026-11-23 20:45").getTime() - 3_600_000),
    });
    expect(await next("2026-11-23 20:00")).toBe(sh("2026-11-23 20:45").toISOString());
    // Put off into the quiet hours: the snooze's reminder and the deadline rung both wait for 08:00.
    await snoozeReminders(f.t.db, id, {
      until: sh("2026-11-23 21:30"),
      by: "李四",
      at: new Date(sh("2026-11-23 21:30").getTime() - 3_600_000),
    });
    expect(await next("2026-11-23 20:00")).toBe(sh("2026-11-24 08:00").toISOString());
    expect((await sweepAll(sh("2026-11-24 08:00"))).map((n) => n.summary)).toEqual(["#6002 到期提醒 → 东苑社区工作群"]);
  });

  it("puts an escalation due just after a slot, or whose slot had its card already, at the next slot", async () => {
    await f.t.db.chatBinding.updateMany({ where: { purpose: "work" }, data: { settings: QUIET } });
    const ids = await f.addIssues([
      dueIssue(6003, "2026-11-22 08:00"),
      dueIssue(6004, "2026-11-22 07:00", { status: "rectified" }),
      { ...dueIssue(6005, "2026-11-22 09:00"), deadline: new Date(sh("2026-11-22 09:00").getTime() + 30_000) },
    ]);
    expect(await next("2026-11-23 08:59")).toBe(sh("2026-11-23 09:00").toISOString());
    expect((await sweepAll(sh("2026-11-23 09:00"))).map((n) => n.summary)).toContain(
      "超期上报 1 件（#6003）→ 幸福街道领导群",
    );
    // 驳回重改 after the 09:00 card: due since 07:00, it waits for 14:00 with #6005, which came due at 09:00:30.
    await f.t.db.issue.update({ where: { id: ids.get(6004) as number }, data: { status: "accepted" } });
    expect(await next("2026-11-23 09:30")).toBe(sh("2026-11-23 14:00").toISOString());
    expect((await sweepAll(sh("2026-11-23 14:00"))).map((n) => n.summary)).toContain(
      "超期上报 2 件（#6004、#6005）→ 幸福街道领导群",
    );
    expect(await next("2026-11-23 14:00")).toBe(sh("2026-11-23 19:00").toISOString());
  });

  it("finds a look-back on its day, held by the quiet hours, and reads without claiming or sending", async () => {
    await f.t.db.chatBinding.updateMany({ data: { settings: QUIET } });
    await f.addIssues([
      {
        number: 6006,
        grid: "G11",
        category: "DUI",
        status: "closed",
        reportedAt: sh("2026-11-23 08:00"),
        rectifiedAt: sh("2026-11-23 20:00"),
        closedAt: sh("2026-11-23 22:00"),
      },
    ]);
    expect(await next("2026-11-23 22:00")).toBe(sh("2026-12-01 08:00").toISOString());
    expect(await f.t.db.jobRun.count()).toBe(0);
    expect(await f.outbox()).toEqual([]);
    expect((await sweepAll(sh("2026-12-01 08:00"))).map((n) => n.chatId)).toEqual([CHATS.c1]);
    expect(await next("2026-12-01 08:00")).toBeNull();
  });
});
