import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { intBetween, seeded } from "../../bench/lib/rng.ts";
import { actOnIssue, type IssueActionInput } from "../../src/commands/act-on-issue.ts";
import { snoozeReminders } from "../../src/commands/snooze-reminders.ts";
import { transaction } from "../../src/db/transaction.ts";
import { jobContext, type SweepNotice } from "../../src/jobs/job.ts";
import { runLookbackSweep } from "../../src/jobs/lookback-sweep.ts";
import { runReminderSweep } from "../../src/jobs/reminder-sweep.ts";
import type { IssueSeed } from "../reports/stats-fixture.ts";
import { CHATS, type ClockFixture, createClockFixture, HOUR, PEOPLE, sh } from "./support.ts";

const MINUTE = 60_000;
const START = sh("2026-11-23 00:00");
const EPOCH = new Date(0).toISOString();

/** Settings that make a week show every rung: an early reminder, quiet hours, a short look-back. */
const C2_SETTINGS = { lookbackDays: 2, reminders: { beforeHours: 5, quietHours: "22:00-07:30" } };

async function sweepAll(f: ClockFixture, at: Date): Promise<SweepNotice[]> {
  return [...(await runReminderSweep(f.deps, at)), ...(await runLookbackSweep(f.deps, at))];
}

const keysOf = (notices: readonly SweepNotice[]) => notices.map((n) => n.key).sort();

describe("the sweeps' index", () => {
  let indexed: ClockFixture;
  let full: ClockFixture;
  beforeEach(async () => {
    [indexed, full] = await Promise.all([createClockFixture(), createClockFixture()]);
    for (const f of [indexed, full]) {
      await f.t.db.chatBinding.update({ where: { chatId: CHATS.c2 }, data: { settings: C2_SETTINGS } });
    }
  });
  afterEach(async () => {
    await Promise.all([indexed.close(), full.close()]);
  });

  it("finds at every sweep of a simulated week what a full scan finds, while issues change in every way", async () => {
    const random = seeded(17);
    const grids = ["G11", "G12", "G21", "G22", "G23"];
    const seeds: IssueSeed[] = [];
    for (let i = 0; i < 40; i++) {
      const reportedAt = new Date(START.getTime() - intBetween(random, 0, 4 * 24 * 60) * MINUTE);
      const status =
        (["reported", "assigned", "accepted", "accepted", "rectified", "closed"] as const)[intBetween(random, 0, 5)] ??
        "accepted";
      seeds.push({
        number: 7001 + i,
        grid: grids[intBetween(random, 0, grids.length - 1)] ?? "G11",
        category: (["DUI", "TING", "XCL"] as const)[intBetween(random, 0, 2)] ?? "DUI",
        status,
        reportedAt,
        deadline: random() < 0.1 ? null : new Date(reportedAt.getTime() + intBetween(random, 60, 6 * 24 * 60) * MINUTE),
        ...(status === "closed" && { closedAt: new Date(reportedAt.getTime() + intBetween(random, 60, 600) * MINUTE) }),
        ...(status === "rectified" && { rectifiedAt: reportedAt }),
      });
    }
    const ids = await indexed.addIssues(seeds);
    await full.addIssues(seeds);

    /** One change, made the same way to both databases. */
    const change = async (f: ClockFixture, id: number, kind: number, at: Date, amount: number) => {
      const db = f.t.db;
      const issue = await db.issue.findUniqueOrThrow({ where: { id } });
      switch (kind) {
        case 0:
          await db.issue.update({ where: { id }, data: { status: "accepted", acceptedAt: at } });
          break;
        case 1:
          await db.issue.update({ where: { id }, data: { status: "rectified", rectifiedAt: at } });
          break;
        case 2:
          await db.issue.update({ where: { id }, data: { status: "closed", closedAt: at } });
          break;
        case 3:
          await db.issue.update({
            where: { id },
            data: {
              deadline: new Date((issue.deadline ?? at).getTime() + amount * 10 * MINUTE),
              extensionCount: issue.extensionCount + 1,
            },
          });
          break;
        case 4:
          await db.issue.update({
            where: { id },
            data: { parkKind: "parked", parkedAt: at, parkedUntil: new Date(at.getTime() + amount * 20 * MINUTE) },
          });
          break;
        case 5:
          await snoozeReminders(db, id, { until: new Date(at.getTime() + amount * 3 * MINUTE), by: "李四", at });
          break;
        case 6:
          await db.chatBinding.update({
            where: { chatId: CHATS.c1 },
            data: { settings: { reminders: { beforeHours: amount % 6, escalateAfterHours: 1 + (amount % 30) } } },
          });
          break;
      }
    };

    const sent: SweepNotice[] = [];
    for (let at = START; at.getTime() < START.getTime() + 7 * 24 * HOUR; ) {
      if (random() < 0.5) {
        const id = ids.get(7001 + intBetween(random, 0, seeds.length - 1)) as number;
        const kind = random() < 0.03 ? 6 : intBetween(random, 0, 5);
        const amount = intBetween(random, 1, 100);
        for (const f of [indexed, full]) await change(f, id, kind, at, amount);
      }
      // The full scan: every issue put before the sweeps, as the sweeps read them before the index.
      await full.t.db.issue.updateMany({ data: { nextReminderAt: new Date(0) } });
      await full.t.db.issue.updateMany({ where: { status: "closed" }, data: { nextLookbackAt: at } });
      const found = await sweepAll(indexed, at);
      expect({ at: at.toISOString(), keys: keysOf(found) }).toEqual({
        at: at.toISOString(),
        keys: keysOf(await sweepAll(full, at)),
      });
      sent.push(...found);
      at = new Date(at.getTime() + intBetween(random, 5, 155) * MINUTE);
    }
    expect((await indexed.outbox()).map((m) => m.key)).toEqual((await full.outbox()).map((m) => m.key));
    // The week went through every kind of work the sweeps do.
    const kinds = new Set(sent.map((n) => n.key.replace(/^remind:\d+:(\w+).*$/, "$1").replace(/:.*$/, "")));
    expect([...kinds].sort()).toEqual(["again", "before", "deadline", "escalate", "lookback", "unpark"]);
  }, 240_000);

  it("puts an issue before the sweeps again at each change of its life, and sets its next time when swept", async () => {
    const f = indexed;
    const db = f.t.db;
    const reportedAt = sh("2026-11-23 09:00");
    const id = (
      await f.addIssues([
        {
          number: 7101,
          grid: "G11",
          category: "DUI",
          status: "assigned",
          reportedAt,
          deadline: sh("2026-11-24 09:00"),
          assignee: f.org.people[1] as number,
        },
      ])
    ).get(7101) as number;
    const index = async () => {
      const row = await db.issue.findUniqueOrThrow({ where: { id } });
      return {
        reminder: row.nextReminderAt?.toISOString() ?? null,
        lookback: row.nextLookbackAt?.toISOString() ?? null,
      };
    };
    const act = async (at: string, input: Omit<IssueActionInput, "issueId" | "actorOpenId">) => {
      const result = await transaction(db, (tx) =>
        // Riqing's own hand: who may act is not what this test is about.
        actOnIssue(
          tx,
          { issueId: id, actorOpenId: PEOPLE.gridHead, bySystem: true, ...input },
          jobContext(f.deps, sh(at)),
        ),
      );
      expect(result).toMatchObject({ ok: true });
    };
    // Filed: before the sweeps; swept: its before-deadline rung at 07:00 waits for the quiet hours' end.
    expect(await index()).toEqual({ reminder: EPOCH, lookback: null });
    await runReminderSweep(f.deps, sh("2026-11-23 09:01"));
    expect(await index()).toEqual({ reminder: sh("2026-11-24 08:00").toISOString(), lookback: null });

    await act("2026-11-23 10:00", { action: "accept" });
    expect((await index()).reminder).toBe(EPOCH);
    await runReminderSweep(f.deps, sh("2026-11-23 10:01"));
    expect((await index()).reminder).toBe(sh("2026-11-24 08:00").toISOString());

    // 延期 to the 26th: the ladder runs again for the new deadline.
    await act("2026-11-23 11:00", {
      action: "request_extension",
      date: { ok: true, value: "2026-11-26" },
      reason: "材料",
    });
    await act("2026-11-23 11:05", { action: "approve_extension" });
    expect((await index()).reminder).toBe(EPOCH);
    await runReminderSweep(f.deps, sh("2026-11-23 11:06"));
    const extended = await db.issue.findUniqueOrThrow({ where: { id } });
    expect(extended.extensionCount).toBe(1);
    expect((await index()).reminder).not.toBe(EPOCH);
    expect(new Date((await index()).reminder ?? 0).getTime()).toBeLessThan(extended.deadline?.getTime() ?? 0);

    // 挂账: no rungs while it waits (its return goes by parkedUntil); back on its day, before the sweeps again.
    await act("2026-11-23 12:00", {
      action: "park",
      parkKind: "parked",
      date: { ok: true, value: "2026-11-28" },
      reason: "等资金",
    });
    expect((await index()).reminder).toBe(EPOCH);
    await runReminderSweep(f.deps, sh("2026-11-23 12:01"));
    expect((await index()).reminder).toBeNull();
    await act("2026-11-23 13:00", { action: "unpark" });
    expect((await index()).reminder).toBe(EPOCH);
    await runReminderSweep(f.deps, sh("2026-11-23 13:01"));
    expect((await index()).reminder).not.toBeNull();

    // 整改 leaves the ladder; 返工 (refused by the verifier) brings it back; 销项 leaves it for the look-back.
    await db.issue.update({ where: { id }, data: { status: "rectified", rectifiedAt: sh("2026-11-23 14:00") } });
    expect(await index()).toEqual({ reminder: null, lookback: null });
    await act("2026-11-23 15:00", { action: "refuse", reason: "没扫干净" });
    expect((await index()).reminder).toBe(EPOCH);
    await db.issue.update({ where: { id }, data: { status: "rectified", rectifiedAt: sh("2026-11-23 16:00") } });
    await act("2026-11-23 17:00", { action: "verify" });
    expect(await index()).toEqual({ reminder: null, lookback: sh("2026-11-23 17:00").toISOString() });
    await runLookbackSweep(f.deps, sh("2026-11-23 17:01"));
    // 东苑 asks seven days after the close.
    expect((await index()).lookback).toBe(sh("2026-11-30 17:00").toISOString());

    // A snooze puts it before the reminder sweep without changing the issue.
    const before = await db.issue.findUniqueOrThrow({ where: { id } });
    await db.issue.update({ where: { id }, data: { status: "accepted" } });
    await runReminderSweep(f.deps, sh("2026-11-23 17:30"));
    const updatedAt = (await db.issue.findUniqueOrThrow({ where: { id } })).updatedAt;
    expect(updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    await snoozeReminders(db, id, { until: sh("2026-11-23 19:00"), by: "李四", at: sh("2026-11-23 17:45") });
    const snoozed = await db.issue.findUniqueOrThrow({ where: { id } });
    expect(snoozed.nextReminderAt?.toISOString()).toBe(sh("2026-11-23 17:45").toISOString());
    expect(snoozed.updatedAt).toEqual(updatedAt);
  });
});
