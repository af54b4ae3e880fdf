import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDigestCli, runRemindCli } from "../../src/cli/job-verbs.ts";
import { type Config, loadConfig } from "../../src/config/env.ts";
import { digestKey, runDigestSweep } from "../../src/jobs/digest-sweep.ts";
import { CHATS, type ClockFixture, createClockFixture, sh } from "../jobs/support.ts";

describe("riqing digest and riqing remind", () => {
  let f: ClockFixture;
  let config: Config;
  let out: string[];
  let err: string[];
  const io = { log: (t: string) => out.push(t), error: (t: string) => err.push(t) };
  beforeEach(async () => {
    f = await createClockFixture();
    config = loadConfig({ DATABASE_URL: f.t.url, DATA_DIR: f.t.dir, LOG_LEVEL: "silent" });
    out = [];
    err = [];
    await f.t.db.chatBinding.update({ where: { chatId: CHATS.c1 }, data: { settings: { minRankedIssues: 1 } } });
    await f.addIssues([
      {
        number: 5001,
        grid: "G11",
        category: "DUI",
        status: "assigned",
        reportedAt: sh("2026-11-23 09:00"),
        deadline: sh("2026-11-23 15:00"),
      },
      {
        number: 5002,
        grid: "G12",
        category: "DUI",
        status: "closed",
        reportedAt: sh("2026-11-23 09:00"),
        rectifiedAt: sh("2026-11-23 10:00"),
        closedAt: sh("2026-11-23 11:00"),
      },
    ]);
  });
  afterEach(async () => {
    await f.close();
  });

  it("prints a digest and writes its chart in a dry run, sending nothing", async () => {
    const chart = join(f.t.dir, "chart.png");
    const code = await runDigestCli(
      ["--date", "2026-11-23", "--chat", CHATS.c1, "--dry-run", "--out", chart],
      config,
      io,
    );
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("日清日报 · 东苑社区 · 11月23日");
    expect(text).toContain("今日发现：2 件（动态 2 · 静态 0）");
    expect(text).toContain("🚩 第 1 名 东苑二网格 100 分（按期处置 0/0 · 结案 1/1 · 返工 0）");
    expect(text).toContain(`排名图已写入 ${chart}`);
    expect(readFileSync(chart).subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(await f.outbox()).toEqual([]);
  });

  it("sends the day's digest once at or after its time, through the scheduler's claim, and refuses bad arguments", async () => {
    const at = (local: string) => () => sh(local);
    expect(await runDigestCli(["--chat", CHATS.c1], config, io, at("2026-11-23 18:10"))).toBe(0);
    expect(await runDigestCli(["--date", "2026-11-23", "--chat", CHATS.c1], config, io, at("2026-11-23 18:20"))).toBe(
      0,
    );
    expect(out.filter((l) => l.startsWith("已加入发送队列"))).toHaveLength(1);
    expect(out.filter((l) => l.startsWith("这一天的日报已经发过"))).toHaveLength(1);
    expect((await f.outbox()).map((r) => r.key)).toEqual([digestKey(CHATS.c1, "2026-11-23")]);
    expect((await f.outbox())[0]?.content).toContain('日清日报 · 东苑社区 · 11月23日"');
    // The scheduler's sweep finds it sent and sends only the other work group's.
    const swept = await runDigestSweep(f.deps, sh("2026-11-23 18:21"));
    expect(swept.map((n) => n.chatId)).toEqual([CHATS.c2]);
    // Long after its time the street digest goes out marked 补发, in the printout and in the card.
    out = [];
    expect(await runDigestCli(["--chat", CHATS.leader], config, io, at("2026-11-23 20:00"))).toBe(0);
    expect(out[1]).toMatch(/^日清日报 · 幸福街道 · 11月23日（补发）/);
    expect((await f.outbox(`digest:${CHATS.leader}`))[0]?.content).toContain("11月23日（补发）");

    expect(await runDigestCli(["--date", "2026-02-30"], config, io)).toBe(2);
    expect(await runDigestCli(["--chat", CHATS.c1Patrol], config, io)).toBe(1);
    expect(await runDigestCli(["--bogus"], config, io)).toBe(2);
    expect(err.join("\n")).toContain("日期“2026-02-30”无效");
    expect(err.join("\n")).toContain(`群 ${CHATS.c1Patrol} 没有绑定为工作群或领导群`);
    expect(err.join("\n")).toContain("--force");
  });

  it("before the digest time sends only with --force, as an early copy that leaves the day's digest to the evening", async () => {
    const early = () => sh("2026-11-23 17:05");
    expect(await runDigestCli(["--chat", CHATS.c1], config, io, early)).toBe(1);
    expect(err).toEqual([
      "还没到这份日报的发送时间（11-23 18:00），没有发送：到时日清服务会自动发送。" +
        "如需现在发送截至目前的日报，请加 --force（不算当天的日报，到时照常发送）。",
    ]);
    expect(out[1]).toMatch(/^日清日报 · 东苑社区 · 11月23日（截至 17:05）/);
    expect(await f.outbox()).toEqual([]);

    expect(await runDigestCli(["--chat", CHATS.c1, "--force"], config, io, early)).toBe(0);
    expect(out).toContain("已加入发送队列：截至目前的日报，标题注明“截至”；当天的日报仍在 11-23 18:00 发送。");
    const [copy, ...none] = await f.outbox();
    expect(none).toEqual([]);
    expect(copy?.key).toBe(`digest-early:${CHATS.c1}:2026-11-23:${sh("2026-11-23 17:05").getTime()}`);
    expect(copy?.content).toContain("日清日报 · 东苑社区 · 11月23日（截至 17:05）");
    expect(await f.t.db.jobRun.count()).toBe(0);

    // The evening digest still goes out, once.
    const evening = await runDigestSweep(f.deps, sh("2026-11-23 18:00"));
    expect(evening.map((n) => n.key)).toContain(digestKey(CHATS.c1, "2026-11-23"));
    const daily = await f.outbox(`digest:${CHATS.c1}`);
    expect(daily).toHaveLength(1);
    expect(daily[0]?.content).toContain('日清日报 · 东苑社区 · 11月23日"');
  });

  it("runs one reminder sweep as of --now, dry or for real", async () => {
    expect(await runRemindCli(["--now", "2026-11-23T13:00:00+08:00", "--dry-run"], config, io)).toBe(0);
    expect(out).toEqual(["将发送：#5001 到期前提醒 → 东苑社区工作群"]);
    expect(await f.outbox()).toEqual([]);
    expect(await runRemindCli(["--now", "2026-11-23T13:00:00+08:00"], config, io)).toBe(0);
    expect(await runRemindCli(["--now", "2026-11-23T13:00:00+08:00"], config, io)).toBe(0);
    expect(out.slice(1)).toEqual(["已加入发送队列：#5001 到期前提醒 → 东苑社区工作群", "此刻没有到期的提醒。"]);
    expect(await runRemindCli(["--now", "yesterday"], config, io)).toBe(2);
  });
});
