import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snoozeReminders } from "../../src/commands/snooze-reminders.ts";
import { claimAllWhile } from "../../src/jobs/claims.ts";
import { reminderKey, runReminderSweep } from "../../src/jobs/reminder-sweep.ts";
import { cardFits } from "../../src/lark/card-limits.ts";
import { CHATS, type ClockFixture, createClockFixture, dueIssue, PEOPLE, sh } from "./support.ts";

/** Outbox key (and notice key) of a leader group's escalation card at a slot (Shanghai time). */
function slotMessage(chatId: string, slot: string): string {
  return `escalate:${chatId}:${sh(slot).toISOString()}`;
}

describe("reminder sweep", () => {
  let f: ClockFixture;
  const sweep = (at: string) => runReminderSweep(f.deps, sh(at));
  beforeEach(async () => {
    f = await createClockFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it("fires each rung once: 2 h before in the thread, at the deadline with the secretary, 24 h later to the leaders at their next slot", async () => {
    const ids = await f.addIssues([dueIssue(3001, "2026-11-23 15:00")]);
    const id = ids.get(3001) as number;

    expect(await sweep("2026-11-23 12:59")).toEqual([]);
    expect((await sweep("2026-11-23 13:00")).map((n) => n.key)).toEqual([reminderKey(id, "before")]);
    expect(await sweep("2026-11-23 13:00")).toEqual([]);
    expect(await sweep("2026-11-23 14:59")).toEqual([]);
    expect((await sweep("2026-11-23 15:00")).map((n) => n.key)).toEqual([reminderKey(id, "deadline")]);
    // Due for escalation at 15:00 on the 24th, after that day's 14:00 slot: it goes at 09:00 on the 25th.
    expect(await sweep("2026-11-24 15:00")).toEqual([]);
    expect(await sweep("2026-11-25 08:59")).toEqual([]);
    const escalated = await sweep("2026-11-25 09:00");
    expect(escalated).toEqual([
      {
        key: slotMessage(CHATS.leader, "2026-11-25 09:00"),
        chatId: CHATS.leader,
        summary: "超期上报 1 件（#3001）→ 幸福街道领导群",
      },
    ]);
    expect(await sweep("2026-11-25 14:00")).toEqual([]);
    expect(await sweep("2026-11-26 09:00")).toEqual([]);

    const [before, atDeadline, escalation, ...rest] = await f.outbox();
    expect(rest).toEqual([]);
    expect(before).toMatchObject({ kind: "reply", chatId: CHATS.c1, target: "om_src_3001", replyInThread: true });
    // Every rung names the assignee (here also the grid head) and the community's secretary.
    const everyone = `责任人 <at id=${PEOPLE.gridHead}></at> · 社区书记 <at id=${PEOPLE.secretary}></at>`;
    expect(before?.content).toContain("⏰ #3001 距整改期限还有 2 小时（今天 15:00 前）");
    expect(before?.content).toContain(everyone);
    expect(before?.content).toContain("延后提醒 1 小时");
    expect(atDeadline).toMatchObject({ kind: "reply", target: "om_src_3001", replyInThread: true });
    expect(atDeadline?.content).toContain("⏰ #3001 已到整改期限（今天 15:00）");
    expect(atDeadline?.content).toContain(everyone);
    expect(escalation).toMatchObject({ kind: "send", chatId: CHATS.leader, target: CHATS.leader });
    expect(escalation?.content).toContain("超期未整改问题 1 件");
    expect(escalation?.content).toContain(
      `#3001 堆物堆料 · 东苑社区 东苑一网格 G11号路口 · **已超期 1 天 18 小时（期限 11月23日 15:00）** · ${everyone}`,
    );
  });

  it("lists every escalated issue, in as many cards as Lark's size limit takes", async () => {
    const many = Array.from({ length: 300 }, (_, i) => dueIssue(4000 + i, "2026-11-22 08:00"));
    await f.addIssues(many);
    await sweep("2026-11-23 09:00");
    const cards = await f.outbox("escalate:");
    expect(cards.length).toBeGreaterThan(1);
    expect(cards.map((r) => r.key)).toEqual(
      cards.map((_, i) => `${slotMessage(CHATS.leader, "2026-11-23 09:00")}${i === 0 ? "" : `:p${i + 1}`}`),
    );
    for (const [i, row] of cards.entries()) {
      expect(cardFits(row.content)).toBe(true);
      expect(row.content).toContain(`超期未整改问题 300 件（${i + 1}/${cards.length}）`);
    }
    const listed = cards.flatMap((r) => [...r.content.matchAll(/#(\d{4}) /g)].map((m) => Number(m[1])));
    expect(listed).toEqual(many.map((s) => s.number));
  });

  it("reminds a deadline inside the quiet hours an hour before they begin; other rungs due in them wait until 08:00", async () => {
    const ids = await f.addIssues([dueIssue(3002, "2026-11-23 23:00"), dueIssue(3003, "2026-11-24 09:00")]);
    expect(await sweep("2026-11-23 19:59")).toEqual([]);
    // 2 h before 23:00 is in the quiet hours, and so is the deadline: it is reminded at 20:00 instead.
    expect((await sweep("2026-11-23 20:00")).map((n) => n.key)).toEqual([
      reminderKey(ids.get(3002) as number, "before"),
    ]);
    for (const at of ["2026-11-23 20:59", "2026-11-23 21:00", "2026-11-23 23:00", "2026-11-24 07:59"]) {
      expect(await sweep(at)).toEqual([]);
    }
    const morning = await sweep("2026-11-24 08:00");
    // 2 h before 09:00 is in the quiet hours but the deadline is not: that reminder waits until 08:00.
    expect(morning.map((n) => n.key)).toEqual([
      reminderKey(ids.get(3002) as number, "deadline"),
      reminderKey(ids.get(3003) as number, "before"),
    ]);
    const rows = await f.outbox();
    expect(rows[0]?.content).toContain("⏰ #3002 距整改期限还有 3 小时（今天 23:00 前）");
    expect(rows[1]?.content).toContain("⏰ #3002 已超期 9 小时（期限 昨天 23:00）");
    expect(rows[2]?.content).toContain("⏰ #3003 距整改期限还有 1 小时（今天 09:00 前）");
    expect(await sweep("2026-11-24 08:01")).toEqual([]);
  });

  it("puts reminders off when snoozed, reminds again when the snooze runs out, and holds the deadline rung meanwhile", async () => {
    const id = (await f.addIssues([dueIssue(3004, "2026-11-23 15:00")])).get(3004) as number;
    await sweep("2026-11-23 13:00");
    await snoozeReminders(f.t.db, id, {
      until: sh("2026-11-23 14:00"),
      by: "李四",
      at: new Date(sh("2026-11-23 14:00").getTime() - 3_600_000),
    });
    expect(await sweep("2026-11-23 13:59")).toEqual([]);
    const again = await sweep("2026-11-23 14:00");
    expect(again.map((n) => n.key)).toEqual([reminderKey(id, "again", sh("2026-11-23 14:00").getTime())]);
    expect((await f.outbox()).at(-1)?.content).toContain("⏰ #3004 再次提醒：距整改期限还有 1 小时（今天 15:00 前）");
    expect(await sweep("2026-11-23 14:01")).toEqual([]);

    // Snoozed over the deadline: the deadline rung waits for the snooze and stands for its reminder too.
    await snoozeReminders(f.t.db, id, {
      until: sh("2026-11-23 15:30"),
      by: "李四",
      at: new Date(sh("2026-11-23 15:30").getTime() - 3_600_000),
    });
    expect(await sweep("2026-11-23 15:00")).toEqual([]);
    expect((await sweep("2026-11-23 15:30")).map((n) => n.key)).toEqual([reminderKey(id, "deadline")]);
    expect(await sweep("2026-11-23 15:31")).toEqual([]);
    expect((await f.outbox()).map((r) => r.key)).toEqual([
      reminderKey(id, "before"),
      reminderKey(id, "again", sh("2026-11-23 14:00").getTime()),
      reminderKey(id, "deadline"),
    ]);
  });

  it("drops reminders that became moot: rectified, closed or rejected issues are not nagged", async () => {
    await f.addIssues([
      dueIssue(3005, "2026-11-23 15:00", { status: "rectified", rectifiedAt: sh("2026-11-23 12:00") }),
      dueIssue(3006, "2026-11-23 15:00", { status: "closed", closedAt: sh("2026-11-23 12:00") }),
      dueIssue(3007, "2026-11-23 15:00", { status: "rejected" }),
    ]);
    for (const at of ["2026-11-23 13:00", "2026-11-23 15:00", "2026-11-24 15:00"]) expect(await sweep(at)).toEqual([]);
    expect(await f.outbox()).toEqual([]);
    expect(await f.t.db.jobRun.count()).toBe(0);
  });

  it("takes a claim back when the issue was finished between the look and the claim", async () => {
    const id = (await f.addIssues([dueIssue(3008, "2026-11-23 15:00", { status: "closed" })])).get(3008) as number;
    const work = [{ keys: ["remind:x"], issueId: id }];
    const claimed = await f.t.db.$transaction((tx) => claimAllWhile(tx, work, "reminder", ["assigned"]));
    expect(claimed).toEqual([]);
    expect(await f.t.db.jobRun.count()).toBe(0);
  });

  it("claims a batch in one go, and one at a time when another instance took a key meanwhile: the rest go, the moot give back", async () => {
    const ids = await f.addIssues([
      dueIssue(3031, "2026-11-23 15:00"),
      dueIssue(3032, "2026-11-23 15:00"),
      dueIssue(3033, "2026-11-23 15:00", { status: "closed" }),
    ]);
    const work = [3031, 3032, 3033].map((n) => {
      const issueId = ids.get(n) as number;
      return { keys: [`remind:${issueId}:deadline`, `remind:${issueId}:again:1`], issueId };
    });
    const [first, second] = work;
    // No key taken: one insert claims the open ones' keys; the closed one's are given back.
    const all = await f.t.db.$transaction((tx) => claimAllWhile(tx, work, "reminder", ["assigned"]));
    expect(all.map((w) => w.issueId)).toEqual([first?.issueId, second?.issueId]);
    expect((await f.t.db.jobRun.findMany({ orderBy: { key: "asc" } })).map((r) => r.key)).toEqual(
      [...(first?.keys ?? []), ...(second?.keys ?? [])].sort(),
    );
    // Another instance holds the first one's own key: its other key is given back, the second goes.
    await f.t.db.jobRun.deleteMany();
    await f.t.db.jobRun.create({ data: { key: first?.keys[0] ?? "", kind: "reminder", data: {} } });
    const rest = await f.t.db.$transaction((tx) => claimAllWhile(tx, work, "reminder", ["assigned"]));
    expect(rest.map((w) => w.issueId)).toEqual([second?.issueId]);
    expect((await f.t.db.jobRun.findMany({ orderBy: { key: "asc" } })).map((r) => r.key)).toEqual(
      [first?.keys[0] ?? "", ...(second?.keys ?? [])].sort(),
    );
  });

  it("escalates at the leader group's slots: the scheduler's per-minute sweeps over a day send one card per slot and group", async () => {
    // 西苑 gets a leader group of its own, with its own slots: 西苑's issues go there, 东苑's to the street's.
    await f.t.db.chatBinding.create({
      data: {
        chatId: "oc_c2leader",
        name: "西苑社区领导群",
        unitId: f.org.units.C2 as number,
        purpose: "leader",
        settings: { escalationTimes: ["16:30", "10:00"] },
      },
    });
    const ids = await f.addIssues([
      dueIssue(3011, "2026-11-22 08:00"), // due 23 08:00 → street 09:00
      dueIssue(3012, "2026-11-22 09:00", { grid: "G12" }), // due 09:00 exactly → street 09:00
      { ...dueIssue(3013, "2026-11-22 09:00"), deadline: new Date(sh("2026-11-22 09:00").getTime() + 30_000) }, // → 14:00
      dueIssue(3014, "2026-11-22 10:00"), // due 10:00, closed at 12:00 → never
      dueIssue(3015, "2026-11-22 13:59", { status: "accepted" }), // → street 14:00
      dueIssue(3016, "2026-11-22 17:00"), // due 17:00 → street 09:00 the next day
      dueIssue(3021, "2026-11-22 07:00", { grid: "G21" }), // → 西苑 10:00
      dueIssue(3022, "2026-11-22 11:00", { grid: "G22" }), // → 西苑 16:30
      dueIssue(3023, "2026-11-22 16:30", { grid: "G23" }), // → 西苑 16:30
    ]);
    const sentAt: Record<string, string[]> = {};
    for (let minute = 0; minute < 24 * 60; minute++) {
      const hhmm = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
      if (hhmm === "12:00") {
        await f.t.db.issue.update({ where: { id: ids.get(3014) as number }, data: { status: "closed" } });
      }
      // As the scheduler runs them: every minute, each reading what the index puts at or before it.
      for (const n of await runReminderSweep(f.deps, sh(`2026-11-23 ${hhmm}`))) {
        if (n.key.startsWith("escalate:")) sentAt[hhmm] = [...(sentAt[hhmm] ?? []), n.summary];
      }
    }
    expect(sentAt).toEqual({
      "09:00": ["超期上报 2 件（#3011、#3012）→ 幸福街道领导群"],
      "10:00": ["超期上报 1 件（#3021）→ 西苑社区领导群"],
      "14:00": ["超期上报 2 件（#3013、#3015）→ 幸福街道领导群"],
      "16:30": ["超期上报 2 件（#3022、#3023）→ 西苑社区领导群"],
    });
    const cards = await f.outbox("escalate:");
    expect(cards.map((r) => r.key)).toEqual([
      slotMessage(CHATS.leader, "2026-11-23 09:00"),
      slotMessage("oc_c2leader", "2026-11-23 10:00"),
      slotMessage(CHATS.leader, "2026-11-23 14:00"),
      slotMessage("oc_c2leader", "2026-11-23 16:30"),
    ]);
    expect(cards[2]?.content).toContain("超期未整改问题 2 件");
    expect(cards[2]?.content).not.toContain("#3014");
    expect(cards[2]?.content).not.toContain("#3011");
    expect((await sweep("2026-11-24 09:00")).map((n) => n.summary)).toEqual(["超期上报 1 件（#3016）→ 幸福街道领导群"]);
  }, 120_000); // 1,441 sweeps

  it("holds an issue due just after a slot for the next one, and sends a slot missed while down at the first sweep after", async () => {
    const ids = await f.addIssues([
      dueIssue(3031, "2026-11-22 08:30"),
      { ...dueIssue(3032, "2026-11-22 09:00"), deadline: new Date(sh("2026-11-22 09:00").getTime() + 30_000) },
      dueIssue(3033, "2026-11-22 10:00"),
      dueIssue(3034, "2026-11-22 08:00", { status: "rectified" }),
    ]);
    // Down from before 09:00 until 11:37: the first sweep sends the 09:00 slot; what came due since waits for 14:00.
    expect((await sweep("2026-11-23 11:37")).filter((n) => n.key.startsWith("escalate:"))).toEqual([
      {
        key: slotMessage(CHATS.leader, "2026-11-23 09:00"),
        chatId: CHATS.leader,
        summary: "超期上报 1 件（#3031）→ 幸福街道领导群",
      },
    ]);
    // Sent back for rework (驳回重改) after the 09:00 card went out: it was due by 09:00, but that slot has had its card.
    await f.t.db.issue.update({ where: { id: ids.get(3034) as number }, data: { status: "accepted" } });
    for (const at of ["2026-11-23 11:38", "2026-11-23 13:59"]) {
      expect((await sweep(at)).filter((n) => n.key.startsWith("escalate:"))).toEqual([]);
    }
    expect((await sweep("2026-11-23 14:00")).map((n) => n.summary)).toEqual([
      "超期上报 3 件（#3034、#3032、#3033）→ 幸福街道领导群",
    ]);
  });

  it("takes a leader group's slots from its settings, and the default 09:00 and 14:00 for a bad value", async () => {
    await f.addIssues([dueIssue(3041, "2026-11-22 07:00")]);
    await f.t.db.chatBinding.update({
      where: { chatId: CHATS.leader },
      data: { settings: { escalationTimes: ["08:00", "25:00"] } },
    });
    expect(await sweep("2026-11-23 08:00")).toEqual([]);
    expect((await sweep("2026-11-23 09:00")).map((n) => n.key)).toEqual([
      slotMessage(CHATS.leader, "2026-11-23 09:00"),
    ]);
  });

  describe("the index: each sweep reads only the issues due (what the scheduler runs every minute)", () => {
    const indexOf = async (id: number) =>
      (await f.t.db.issue.findUniqueOrThrow({ where: { id } })).nextReminderAt?.toISOString() ?? null;

    it("sends a rung due when the issue came in at the next sweep, and sets each issue's next time", async () => {
      const ids = await f.addIssues([dueIssue(3031, "2026-11-23 15:00"), dueIssue(3032, "2026-11-23 10:00")]);
      const [a, b] = [ids.get(3031) as number, ids.get(3032) as number];
      expect((await sweep("2026-11-23 13:00")).map((n) => n.key)).toEqual([
        reminderKey(b, "deadline"),
        reminderKey(a, "before"),
      ]);
      // 3031: its deadline rung; 3032: its escalation, due at 10:00 the next day, at the street's 14:00 slot.
      expect(await indexOf(a)).toBe(sh("2026-11-23 15:00").toISOString());
      expect(await indexOf(b)).toBe(sh("2026-11-24 14:00").toISOString());
      expect(await sweep("2026-11-23 13:01")).toEqual([]);
      // Closed: nothing ahead.
      await f.t.db.issue.update({ where: { id: a }, data: { status: "closed", closedAt: sh("2026-11-23 13:30") } });
      expect(await indexOf(a)).toBeNull();
    });

    it("looks again at an issue whose deadline changed, even when its rung time has passed", async () => {
      const id = (await f.addIssues([dueIssue(3033, "2026-11-24 13:30")])).get(3033) as number;
      expect(await sweep("2026-11-23 12:00")).toEqual([]);
      expect(await indexOf(id)).toBe(sh("2026-11-24 11:30").toISOString());
      // The deadline was brought forward at 12:58: the 11:30 before-deadline rung is due now.
      await f.t.db.issue.update({ where: { id }, data: { deadline: sh("2026-11-23 13:30") } });
      expect((await sweep("2026-11-23 13:00")).map((n) => n.key)).toEqual([reminderKey(id, "before")]);
    });

    it("sends the reminder of a snooze that ran out since", async () => {
      const id = (await f.addIssues([dueIssue(3034, "2026-11-23 18:00")])).get(3034) as number;
      await snoozeReminders(f.t.db, id, {
        until: sh("2026-11-23 13:10"),
        by: "李四",
        at: sh("2026-11-23 12:10"),
      });
      expect(await sweep("2026-11-23 13:05")).toEqual([]);
      expect((await sweep("2026-11-23 13:10")).map((n) => n.key)).toEqual([
        reminderKey(id, "again", sh("2026-11-23 13:10").getTime()),
      ]);
    });

    it("sends at 08:00 a rung that came due in the last minute before the quiet hours", async () => {
      const id = (
        await f.addIssues([
          { ...dueIssue(3037, "2026-11-23 20:59"), deadline: new Date(sh("2026-11-23 20:59").getTime() + 30_000) },
        ])
      ).get(3037) as number;
      expect((await sweep("2026-11-23 20:59")).map((n) => n.key)).toEqual([reminderKey(id, "before")]);
      expect(await sweep("2026-11-23 21:00")).toEqual([]);
      expect((await sweep("2026-11-24 08:00")).map((n) => n.key)).toEqual([reminderKey(id, "deadline")]);
    });

    it("sends at 08:00 what a change during the quiet hours made due (a fix sent back at 22:00)", async () => {
      const id = (await f.addIssues([dueIssue(3038, "2026-11-23 15:00", { status: "accepted" })])).get(3038) as number;
      await f.t.db.issueEvent.create({
        data: {
          issueId: id,
          type: "refused",
          at: sh("2026-11-23 22:00"),
          fromStatus: "rectified",
          toStatus: "accepted",
          data: {},
        },
      });
      expect((await sweep("2026-11-24 08:00")).map((n) => n.key)).toEqual([reminderKey(id, "deadline")]);
    });

    it("sends at 08:00 what the quiet hours held, and at a slot the escalations due by it", async () => {
      const ids = await f.addIssues([dueIssue(3035, "2026-11-23 23:00"), dueIssue(3036, "2026-11-23 06:00")]);
      expect((await sweep("2026-11-24 08:00")).map((n) => n.key)).toEqual([
        reminderKey(ids.get(3035) as number, "deadline"),
      ]);
      expect(await sweep("2026-11-24 08:59")).toEqual([]);
      expect((await sweep("2026-11-24 09:00")).map((n) => n.summary)).toEqual([
        "超期上报 1 件（#3036）→ 幸福街道领导群",
      ]);
    });
  });

  it("follows the chat's ladder settings and reports without sending in a dry run", async () => {
    await f.t.db.chatBinding.update({
      where: { chatId: CHATS.c1 },
      data: { settings: { reminders: { beforeHours: 4, quietHours: "", categories: { TING: { enabled: false } } } } },
    });
    await f.addIssues([dueIssue(3021, "2026-11-24 02:00"), dueIssue(3022, "2026-11-24 02:00", { category: "TING" })]);
    const dry = await runReminderSweep(f.deps, sh("2026-11-23 22:00"), { dryRun: true });
    expect(dry.map((n) => n.summary)).toEqual(["#3021 到期前提醒 → 东苑社区工作群"]);
    expect(await f.outbox()).toEqual([]);
    expect(await sweep("2026-11-23 22:00")).toEqual(dry);
    expect(await sweep("2026-11-24 02:00")).toHaveLength(1);
  });
});
