import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeIngestOrg } from "../../bench/ingest/org.ts";
import { nextMessage, startChild, waitForExit } from "../../bench/lib/child.ts";
import { pick, seeded } from "../../bench/lib/rng.ts";
import { reportText } from "../../bench/lib/texts.ts";
import { type Db, openDb } from "../../src/db/client.ts";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { importOrg } from "../../src/org/import-org.ts";
import { until } from "../lark/outbound-support.ts";
import { APP_ID, APP_SECRET } from "../support/bot.ts";
import type { InstanceConfig } from "../support/instance.ts";
import { createPostgresDatabase, testPostgres } from "../support/postgres.ts";

const INSTANCES = 3;
const CHATS = 20;
const REPORTS = 1_000;
const REDELIVERED = 0.2;
/** The instance killed, and after how many reports. */
const KILLED = 1;
const KILL_AFTER = 400;
/** 18:00:30 in Shanghai: every work group's digest is due as the instances start. */
const CLOCK_START = Date.parse("2026-11-23T10:00:30Z");

describe.skipIf(!testPostgres())("several instances on one PostgreSQL database", () => {
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let emu: LarkEmulator;
  let db: Db;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "riqing-instances-"));
    database = await createPostgresDatabase(testPostgres() as string);
    db = await openDb(database.url);
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(children.map((child) => waitForExit(child, 10_000)));
    await db.$disconnect();
    await emu?.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("three instances behind the long connection, 1,000 reports with redeliveries, one killed mid-run: each report filed and answered once, in order per chat, no rate-limit answer, each digest once", async () => {
    const random = seeded(16);
    const realStart = Date.now();
    emu = await LarkEmulator.start({
      appId: APP_ID,
      appSecret: APP_SECRET,
      now: () => CLOCK_START + (Date.now() - realStart),
      callLogLimit: 10_000,
    });
    // An event whose instance died unacknowledged goes to another one soon (Lark waits 15 s and longer); three
    // instances and the test share two cores, so an acknowledgement may take a few seconds.
    emu.deliverTo({ mode: "ws", timeoutMs: 10_000, retryDelaysMs: [200, 400, 800, 1_600, 3_200, 6_400] });
    const org = writeIngestOrg(join(dir, "org.yaml"), CHATS, random);
    expect((await importOrg(db, join(dir, "org.yaml"))).ok).toBe(true);
    for (const p of org.people) emu.addUser({ openId: p.openId, name: p.name });
    for (const c of [...org.chats, org.leaderChat]) emu.addChat({ chatId: c.chatId, name: c.name, members: c.members });

    for (let i = 0; i < INSTANCES; i++) {
      const config: InstanceConfig = {
        clockStart: CLOCK_START,
        realStart,
        env: {
          LARK_APP_ID: APP_ID,
          LARK_APP_SECRET: APP_SECRET,
          LARK_DOMAIN: emu.baseUrl,
          LARK_EVENT_MODE: "ws",
          DATABASE_URL: database.url,
          DATA_DIR: join(dir, `instance-${i}`),
          PORT: "0",
          LOG_LEVEL: "silent",
        },
      };
      mkdirSync(config.env.DATA_DIR as string);
      children.push(
        startChild(join(import.meta.dirname, "../support/instance.ts"), [], {
          env: { RIQING_INSTANCE: JSON.stringify(config) },
        }),
      );
    }
    await Promise.all(
      children.map((child) =>
        nextMessage(child, (m) => ((m as { type?: string }).type === "ready" ? true : undefined), 120_000),
      ),
    );
    await until(() => emu.wsClientCount === INSTANCES, "every instance to connect");
    const acknowledged = (eventId: string) =>
      emu
        .events()
        .find((e) => e.eventId === eventId)
        ?.attempts.some((a) => a.ok) ?? false;

    // Each chat's reports go out one after another (each acknowledged before the next); the chats side by side.
    const sent = new Map<string, string[]>(org.chats.map((c) => [c.chatId, []]));
    let total = 0;
    let killed = false;
    await Promise.all(
      org.chats.map(async (chat) => {
        for (let n = 0; n < REPORTS / CHATS; n++) {
          const reporter = pick(random, chat.reporters);
          const text = reportText(random, pick(random, reporter.places));
          const message = await emu.userSends({ chatId: chat.chatId, from: reporter.openId, text });
          sent.get(chat.chatId)?.push(message.messageId);
          // Sent to the instance being killed, it comes again later: the next report waits until this one is in.
          if (!message.delivery?.ok) await until(() => acknowledged(message.eventId ?? ""), "a redelivery", 30_000);
          if (message.eventId && random() < REDELIVERED) await emu.redeliver(message.eventId);
          if (++total >= KILL_AFTER && !killed) {
            killed = true;
            children[KILLED]?.kill("SIGKILL");
          }
        }
      }),
    );
    expect(killed).toBe(true);

    const state = async () => ({
      issues: await db.issue.count(),
      inbox: await db.inboundEvent.count({ where: { status: "pending" } }),
      outbox: await db.outboxMessage.count({ where: { status: "pending" } }),
    });
    const done = { issues: REPORTS, inbox: 0, outbox: 0 };
    await until(async () => JSON.stringify(await state()) === JSON.stringify(done), "the work", 480_000).catch(
      () => {},
    );
    expect(await state()).toEqual(done);

    // 0 lost, 0 duplicated: one issue per report message, one card per report, none failed.
    const issues = await db.issue.findMany({ select: { sourceMessageId: true } });
    expect(new Set(issues.map((i) => i.sourceMessageId))).toEqual(new Set([...sent.values()].flat()));
    expect(await db.inboundEvent.count({ where: { status: "failed" } })).toBe(0);
    expect(await db.outboxMessage.count({ where: { status: "failed" } })).toBe(0);
    for (const chat of org.chats) {
      const reports = sent.get(chat.chatId) ?? [];
      const cards = emu
        .messages(chat.chatId)
        .filter((m) => m.sender.type === "app" && m.msgType === "interactive" && reports.includes(m.parentId ?? ""));
      // Per-chat order: the cards came out in the order the reports went in.
      expect(cards.map((m) => m.parentId)).toEqual(reports);
      // Each digest once: the day's 日清日报 in each work group and in the leader group.
      const digests = emu
        .messages(chat.chatId)
        .filter((m) => m.sender.type === "app" && !m.parentId && JSON.stringify(m.content).includes("日清日报"));
      expect(digests).toHaveLength(1);
    }
    expect(
      emu
        .messages(org.leaderChat.chatId)
        .filter((m) => m.sender.type === "app" && JSON.stringify(m.content).includes("日清日报")),
    ).toHaveLength(1);
    // Lark's limits are per app: the instances paced together and were never told to slow down.
    const limited = emu.calls.filter((c) => c.status === 429 || c.code === 230020 || c.code === 99991400);
    expect(limited).toEqual([]);
    emu.assertClean();
  }, 900_000);
});
