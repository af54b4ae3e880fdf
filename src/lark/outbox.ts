/**
 * The durable outbox (behaviour §11): every message to Lark is first written to OutboxMessage inside the
 * transaction that decided to send it, then delivered by `OutboxSender`.
 *
 * Delivery guarantees:
 * - Per lane (a chat, or the target of a message without a chat) rows go out in id order and one at a time; lanes
 *   run in parallel. A row waiting to be retried holds its lane back, so a reply never overtakes its card.
 * - Each row is claimed by pushing its `nextAttemptAt` one lease ahead, so two senders (or two processes) never
 *   send it at once, and a row whose sender crashed becomes due again when the lease runs out.
 * - Sends and replies carry Lark's `uuid`, derived from the row's key, so a resend after a timeout or a crash
 *   does not post twice (Lark de-duplicates within an hour).
 * - Transient failures are retried with exponential backoff and jitter; rate limits wait in the client's pacer
 *   until Lark's reset. Permanent failures mark the row failed with the reason and never block other chats.
 * - A card patched many times sends only its latest pending version: older pending patches of the same message
 *   are marked superseded when their turn comes.
 * - Nobody Lark said it does not know is @-mentioned: such mentions become plain names. A message refused for a
 *   mention anyway goes once more with every mention as a plain name, and the ids are checked (`onMentionRefused`).
 */
import { createHash } from "node:crypto";
import type { Db, Tx } from "../db/client.ts";
import { type OutboxMessage, Prisma } from "../generated/prisma/client.ts";
import type { Logger } from "../log.ts";
import { backoffMs } from "./backoff.ts";
import type { LarkClient } from "./client.ts";
import { isMentionRefusal, LarkApiError } from "./errors.ts";
import { mentionedIds, withoutMentions } from "./mentions.ts";
import { type Clock, systemClock } from "./pacer.ts";

/** What an outbox row does. */
export type OutboxKind = "send" | "reply" | "patch";

/** Reference to the message an earlier outbox row produced, for replying to or patching a card not yet sent. */
export interface OutboxRef {
  outboxKey: string;
}

/** Input of `enqueue`. */
export interface OutboxInput {
  /** Idempotency key, unique per message (and per version for patches: `card:ISSUE:v3`). */
  key: string;
  kind: OutboxKind;
  /**
   * The chat the message lands in: orders and paces messages per chat. For a send to a chat it defaults to the
   * target; for a reply or patch of an outbox reference, to the referenced row's chat.
   */
  chatId?: string | null;
  /**
   * send: a chat_id (`oc_…`) or a user's open_id (`ou_…`); reply and patch: a message id (`om_…`) or a reference
   * to an earlier row, resolved to its message id when this row is sent.
   */
  target: string | OutboxRef;
  /** Lark msg_type: text, post, image, file, interactive. Patches are always interactive. */
  msgType: string;
  /** Message content; objects are JSON-encoded here. */
  content: string | Record<string, unknown>;
  replyInThread?: boolean;
}

/** Database handle `enqueue` accepts: a transaction (usual) or the client itself. */
export type OutboxWriter = Pick<Tx, "outboxMessage" | "$executeRaw"> | Pick<Db, "outboxMessage" | "$executeRaw">;

const REF_PREFIX = "outbox:";

/**
 * Writes an outbox row inside the caller's transaction. Idempotent: a second enqueue with the same key changes
 * nothing (the first content wins). Whoever runs the work tells the instance's sender once it has committed
 * (`OutboxSender.notify`: the inbox after each event, the scheduler after each sweep); otherwise the sender finds
 * the row at its next poll. One statement (two for a reply or patch of an outbox reference without a chat).
 */
export async function enqueue(tx: OutboxWriter, input: OutboxInput): Promise<void> {
  const target = typeof input.target === "string" ? input.target : `${REF_PREFIX}${input.target.outboxKey}`;
  let chatId = input.chatId ?? null;
  if (chatId === null && input.kind === "send" && target.startsWith("oc_")) chatId = target;
  if (chatId === null && typeof input.target !== "string") {
    const ref = await tx.outboxMessage.findUnique({ where: { key: input.target.outboxKey }, select: { chatId: true } });
    chatId = ref?.chatId ?? null;
  }
  if (input.kind === "send") receiveIdType(target);
  const msgType = input.kind === "patch" ? "interactive" : input.msgType;
  const content = typeof input.content === "string" ? input.content : JSON.stringify(input.content);
  const now = new Date();
  // A raw statement: the same on SQLite and PostgreSQL, and compiled far more cheaply than an upsert (which also reads
  // the row before and after).
  await tx.$executeRaw`INSERT INTO "OutboxMessage" ("key", "kind", "chatId", "target", "msgType", "content", "replyInThread", "nextAttemptAt", "createdAt")
    VALUES (${input.key}, ${input.kind}, ${chatId}, ${target}, ${msgType}, ${content}, ${input.replyInThread ?? false}, ${now}, ${now})
    ON CONFLICT ("key") DO NOTHING`;
}

/** Lark's `uuid` for a row: deterministic from the key, 42 characters (Lark allows 50). */
export function uuidForKey(key: string): string {
  return `rq${createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
}

/** The message id an outbox row produced, once it was sent. */
export async function sentMessageId(db: Pick<Db, "outboxMessage">, key: string): Promise<string | undefined> {
  const row = await db.outboxMessage.findUnique({ where: { key }, select: { status: true, messageId: true } });
  return row?.status === "sent" ? (row.messageId ?? undefined) : undefined;
}

function receiveIdType(target: string): "chat_id" | "open_id" {
  if (target.startsWith("oc_")) return "chat_id";
  if (target.startsWith("ou_")) return "open_id";
  throw new Error(`outbox: a send needs a chat_id (oc_…) or open_id (ou_…) target, got ${target}`);
}

/** The calls the sender needs; `LarkClient` in production, a fake in unit tests. */
export type OutboxClient = Pick<LarkClient, "send" | "reply" | "patchCard">;

/** Outcome of one delivery attempt, for metrics. */
export interface OutboxResult {
  kind: OutboxKind;
  outcome: "sent" | "retry" | "failed" | "superseded";
  /** "0" on success; Lark's code, or the failure kind when Lark gave none (timeout, network). */
  code: string;
}

/** Metrics hooks; the lead wires them to prom-client (a depth gauge and a results counter). */
export interface OutboxMetrics {
  /** Pending rows, measured on every pass. */
  depth(pending: number): void;
  result(result: OutboxResult): void;
}

/** Announced after a row was sent; the bot stores a card's message id on its issue from here. */
export interface OutboxSent {
  id: number;
  key: string;
  kind: OutboxKind;
  chatId: string | null;
  messageId: string | null;
}

/** Announced after a row failed for good. */
export interface OutboxFailed {
  id: number;
  key: string;
  kind: OutboxKind;
  chatId: string | null;
  code: number | null;
  reason: string;
}

/** Options of `OutboxSender`. */
export interface OutboxSenderOptions {
  db: Db;
  client: OutboxClient;
  logger: Logger;
  /** Timestamps (nextAttemptAt, sentAt). Waiting uses real timers. */
  clock?: Clock;
  metrics?: OutboxMetrics;
  /** Told of each row sent; it records, and what it might queue is looked for only at the next pass. */
  onSent?: (sent: OutboxSent) => void | Promise<void>;
  onFailed?: (failed: OutboxFailed) => void | Promise<void>;
  /**
   * Called with the open_ids of a message Lark refused for a mention, before it goes once more without mentions:
   * the bot asks Lark which of them it knows and records the answer, so they are not mentioned again.
   */
  onMentionRefused?: (openIds: string[]) => void | Promise<void>;
  /** How often to look for rows written by other processes or due for a retry. Default 2 000 ms. */
  pollIntervalMs?: number;
  /** Lanes sending at once. Default 16 (the pacer keeps the rate within Lark's limits anyway). */
  maxConcurrency?: number;
  /** Tries before a row fails for good. Default 12 (about an hour of backoff). */
  maxAttempts?: number;
  /** First retry delay; doubles each try up to `backoffMaxMs`. Defaults 2 000 ms and 10 minutes. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * How long a claimed row is reserved for its sender; must exceed one call's timeout (15 s). Default 30 s: a row
   * claimed by an instance that died goes out from another one that soon. Should a long wait in the pacer outlast it,
   * the row's second sender is de-duplicated by Lark through the row's uuid.
   */
  leaseMs?: number;
}

type OutboxRow = OutboxMessage;

/** Least time between passes while notifications keep coming. */
const PASS_GAP_MS = 25;

/** Delivers outbox rows; see the module comment. */
export class OutboxSender {
  private readonly db: Db;
  private readonly client: OutboxClient;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly opts: Required<
    Pick<
      OutboxSenderOptions,
      "pollIntervalMs" | "maxConcurrency" | "maxAttempts" | "backoffBaseMs" | "backoffMaxMs" | "leaseMs"
    >
  >;
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private dirty = false;
  /** The lanes at work, each with how many of the rows it was started for are not done with yet. */
  private readonly lanes = new Map<string, { work: Promise<void>; left: number }>();
  /**
   * A pass found rows no lane will send: a lane at work has rows queued since it started, or a due lane could not
   * start (too many at work). The next lane to end looks again.
   */
  private leftOut = false;
  /** Passes started, for telling the latest one. */
  private passes = 0;

  constructor(private readonly options: OutboxSenderOptions) {
    this.db = options.db;
    this.client = options.client;
    this.log = options.logger.child({ component: "outbox" });
    this.clock = options.clock ?? systemClock;
    this.opts = {
      pollIntervalMs: options.pollIntervalMs ?? 2_000,
      maxConcurrency: options.maxConcurrency ?? 16,
      maxAttempts: options.maxAttempts ?? 12,
      backoffBaseMs: options.backoffBaseMs ?? 2_000,
      backoffMaxMs: options.backoffMaxMs ?? 600_000,
      leaseMs: options.leaseMs ?? 30_000,
    };
  }

  /** Starts delivering: at once when notified, by polling for everything else. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops taking new rows and resolves once the sends in flight have finished. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.notify();
    await this.loopDone;
    await this.lanesDone();
  }

  /** Looks for work now: rows were queued and their transaction has committed. */
  notify(): void {
    this.dirty = true;
    this.wake?.();
  }

  /** Runs passes until no row is due and no lane is busy; for tests and one-shot tools (no `start` needed). */
  async drain(): Promise<void> {
    for (;;) {
      const { due } = await this.pass(true);
      await this.lanesDone();
      if (!due) return;
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.dirty = false;
      let waitMs = this.opts.pollIntervalMs;
      try {
        waitMs = (await this.pass(false)).waitMs;
      } catch (e) {
        this.log.error({ err: e }, "outbox pass failed; trying again after the poll interval");
      }
      if (!this.running) continue;
      if (this.dirty) {
        // Notified during the pass: look again shortly, once for everything queued meanwhile (a busy bot notifies
        // after every event, and a pass reads every lane's head).
        await new Promise((resolve) => setTimeout(resolve, PASS_GAP_MS));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * Starts a worker for every idle lane whose first row is due. Returns how long to wait before the next pass
   * and whether any lane had a due row (for `drain`).
   */
  private async pass(ignoreRunning: boolean): Promise<{ waitMs: number; due: boolean }> {
    const now = this.clock.now();
    const started = ++this.passes;
    const heads = await this.laneHeads();
    // Passes may overlap (drain beside the loop; on PostgreSQL their reads run side by side): only the latest to
    // start tells the depth, so an older reading cannot overwrite a newer one.
    if (started === this.passes) this.options.metrics?.depth(heads.pending);
    let waitMs = this.opts.pollIntervalMs;
    let due = false;
    for (const [lane, { nextAttemptAt, pending }] of heads.lanes) {
      const atWork = this.lanes.get(lane);
      // The row a lane is sending leaves the pending count when it is marked sent, before the lane counts it off
      // (onSent runs in between): as many pending as left may already hold a new row, so that too is looked at again.
      if (atWork && pending >= atWork.left) this.leftOut = true;
      const dueIn = nextAttemptAt - now;
      if (dueIn > 0) {
        waitMs = Math.min(waitMs, dueIn);
        continue;
      }
      due = true;
      if (atWork) continue;
      if (this.lanes.size >= this.opts.maxConcurrency) {
        this.leftOut = true;
        continue;
      }
      if (!ignoreRunning && !this.running) break;
      this.startLane(lane, pending, ignoreRunning);
    }
    return { waitMs: Math.max(1, waitMs), due };
  }

  /**
   * When the first pending row of every lane is due (lanes in the order of their first row) and how many rows each
   * has pending, and how many rows are pending in all. Grouping in the database keeps a pass cheap however deep one
   * chat's queue is.
   */
  private async laneHeads(): Promise<{
    lanes: Map<string, { nextAttemptAt: number; pending: number }>;
    pending: number;
  }> {
    // Raw, as every statement a sent row costs: Prisma does not compile it.
    const heads = await this.db.$queryRaw<
      { chatId: string | null; target: string; nextAttemptAt: Date; pending: number }[]
    >`
      SELECT "OutboxMessage"."chatId", "OutboxMessage"."target", "OutboxMessage"."nextAttemptAt", "heads"."pending"
      FROM (SELECT MIN("id") AS "head", COUNT(*) AS "pending" FROM "OutboxMessage" WHERE "status" = 'pending'
            GROUP BY "chatId", "target") AS "heads"
      JOIN "OutboxMessage" ON "OutboxMessage"."id" = "heads"."head"
      ORDER BY "OutboxMessage"."id"`;
    const lanes = new Map<string, { nextAttemptAt: number; pending: number }>();
    let pending = 0;
    for (const head of heads) {
      pending += Number(head.pending);
      // In id order: a lane's first group holds its first row.
      const lane = laneOf(head);
      const seen = lanes.get(lane);
      if (seen) seen.pending += Number(head.pending);
      else lanes.set(lane, { nextAttemptAt: head.nextAttemptAt.getTime(), pending: Number(head.pending) });
    }
    return { lanes, pending };
  }

  /**
   * Sends the lane's rows in order, as many as the pass saw pending there (`pending`): no claim is spent to learn
   * that the lane is empty. A row queued since was notified, and a pass then either starts its lane or, finding the
   * lane at work with as many rows as it has left or more, leaves it to the lane's end to look again. The lane's end
   * starts a pass only when one is needed: a pass left rows out meanwhile, or a row of this lane is still to be tried
   * (a retry, a wait, a stop).
   */
  private startLane(lane: string, pending: number, oneShot: boolean): void {
    const state = { work: Promise.resolve(), left: pending };
    let done = 0;
    state.work = (async () => {
      for (; state.left > 0 && (oneShot || this.running); state.left--) {
        const row = await this.claimNextInLane(lane);
        if (!row) break;
        const outcome = await this.processSafely(row);
        if (outcome === "error") break;
        if (outcome === "done") done++;
      }
    })()
      .catch((e: unknown) => this.log.error({ err: e, lane }, "outbox lane stopped; the next pass restarts it"))
      .finally(() => {
        this.lanes.delete(lane);
        if (done < pending || this.leftOut) {
          this.leftOut = false;
          this.notify();
        }
      });
    this.lanes.set(lane, state);
  }

  private async lanesDone(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.work));
  }

  /**
   * Claims the first pending row of a lane if it is due (a row waiting for its retry holds the lane back): counts the
   * try and pushes its `nextAttemptAt` one lease ahead, so that nobody else sends it meanwhile. One statement, the same
   * on SQLite and PostgreSQL (where a sender claiming the same row at once finds it leased when its turn comes).
   * Undefined when the lane has no due row.
   */
  private async claimNextInLane(lane: string): Promise<OutboxRow | undefined> {
    const now = this.clock.now();
    const where = laneWhere(lane);
    const inLane =
      where.chatId === null
        ? Prisma.sql`"chatId" IS NULL AND "target" = ${where.target}`
        : Prisma.sql`"chatId" = ${where.chatId}`;
    const [row] = await this.db.$queryRaw<OutboxRow[]>`
      UPDATE "OutboxMessage" SET "attempts" = "attempts" + 1, "nextAttemptAt" = ${new Date(now + this.opts.leaseMs)}
      WHERE "id" = (SELECT "id" FROM "OutboxMessage" WHERE "status" = 'pending' AND ${inLane} ORDER BY "id" LIMIT 1)
        AND "status" = 'pending' AND "nextAttemptAt" <= ${new Date(now)}
      RETURNING *`;
    return row && { ...row, id: Number(row.id), attempts: Number(row.attempts) };
  }

  /**
   * "error" when the database failed; the lane then rests until the next pass instead of spinning. Otherwise whether
   * the row is done (sent, superseded or failed for good) or will be tried later.
   */
  private async processSafely(row: OutboxRow): Promise<"done" | "later" | "error"> {
    try {
      return (await this.process(row)) ? "done" : "later";
    } catch (e) {
      // Only the database can fail here; a claimed row stays leased and is retried when the lease runs out.
      this.log.error({ err: e, key: row.key }, "outbox row could not be processed");
      return "error";
    }
  }

  /**
   * Sends a claimed row: nobody else changes it until its lease runs out, so the copy claimed is current. True when
   * the row is done with, false when it waits for another try.
   */
  private async process(row: OutboxRow): Promise<boolean> {
    const now = this.clock.now();
    const { id } = row;
    const kind = row.kind as OutboxKind;

    if (kind === "patch") {
      const newer = await this.newerPatchOf(row);
      if (newer) {
        await this.db.outboxMessage.update({
          where: { id },
          data: { status: "superseded", lastError: `superseded by ${newer}` },
        });
        this.options.metrics?.result({ kind, outcome: "superseded", code: "0" });
        return true;
      }
    }

    let target = row.target;
    if (target.startsWith(REF_PREFIX)) {
      const refKey = target.slice(REF_PREFIX.length);
      const ref = await this.db.outboxMessage.findUnique({
        where: { key: refKey },
        select: { status: true, messageId: true, nextAttemptAt: true },
      });
      if (ref?.status === "pending") {
        // The referenced message is not out yet: wait for it without spending a try.
        const at = Math.max(ref.nextAttemptAt.getTime(), now + this.opts.backoffBaseMs);
        await this.db.outboxMessage.update({
          where: { id },
          data: { attempts: { decrement: 1 }, nextAttemptAt: new Date(at) },
        });
        return false;
      }
      if (ref?.status !== "sent" || !ref.messageId) {
        await this.fail(row, kind, null, `referenced outbox message ${refKey} is ${ref?.status ?? "missing"}`);
        return true;
      }
      target = ref.messageId;
    }

    try {
      const messageId = await this.deliver(row, kind, target);
      const sentAt = new Date(this.clock.now());
      await this.db.$executeRaw`UPDATE "OutboxMessage"
        SET "status" = 'sent', "messageId" = ${messageId}, "sentAt" = ${sentAt}, "lastError" = NULL, "lastCode" = 0
        WHERE "id" = ${id}`;
      this.options.metrics?.result({ kind, outcome: "sent", code: "0" });
      this.log.debug({ key: row.key, kind, chatId: row.chatId, messageId, attempts: row.attempts }, "outbox row sent");
      // It records where the message went and queues nothing: no pass needed (the lane goes on by itself).
      await this.announce(
        () => this.options.onSent?.({ id, key: row.key, kind, chatId: row.chatId, messageId }),
        false,
      );
      return true;
    } catch (e) {
      const error = e instanceof LarkApiError ? e : undefined;
      const code = error?.code ?? null;
      const reason = error ? error.describe() : String(e);
      const retryable = error ? error.retryable : true;
      if (!retryable || row.attempts >= this.opts.maxAttempts) {
        await this.fail(row, kind, code, reason, error);
        return true;
      }
      const delay = error?.kind === "rate_limited" ? 0 : this.backoff(row.attempts);
      await this.db.outboxMessage.update({
        where: { id },
        data: { lastError: reason, lastCode: code, nextAttemptAt: new Date(this.clock.now() + delay) },
      });
      this.options.metrics?.result({ kind, outcome: "retry", code: codeLabel(error) });
      this.log.warn(
        { key: row.key, kind, attempts: row.attempts, delayMs: delay, reason },
        "outbox row will be retried",
      );
      return false;
    }
  }

  /**
   * The key of a later patch of the same card, pending or already sent, whichever lane it is in (a patch may name
   * the card by message id or by the key of the row that sent it); such a patch carries newer content.
   */
  private async newerPatchOf(row: OutboxRow): Promise<string | undefined> {
    const newer = await this.db.outboxMessage.findFirst({
      where: {
        kind: "patch",
        status: { in: ["pending", "sent"] },
        id: { gt: row.id },
        target: { in: await this.namesOfCard(row.target) },
      },
      select: { key: true },
      orderBy: { id: "desc" },
    });
    return newer?.key;
  }

  /** Every target naming the card `target` names: its message id and the reference to the row that sent it. */
  private async namesOfCard(target: string): Promise<string[]> {
    if (target.startsWith(REF_PREFIX)) {
      const sent = await this.db.outboxMessage.findUnique({
        where: { key: target.slice(REF_PREFIX.length) },
        select: { messageId: true },
      });
      return sent?.messageId ? [target, sent.messageId] : [target];
    }
    const origin = await this.db.outboxMessage.findFirst({ where: { messageId: target }, select: { key: true } });
    return origin ? [target, `${REF_PREFIX}${origin.key}`] : [target];
  }

  /**
   * Delivers a row with its mentions guarded (see the module comment): one call, or two when Lark refused the first
   * for a mention. Returns the resulting message id (null for patches).
   */
  private async deliver(row: OutboxRow, kind: OutboxKind, target: string): Promise<string | null> {
    const mentioned = mentionedIds(row.msgType, row.content);
    if (mentioned.length === 0) return this.call(row, kind, target);
    const people = await this.db.$queryRaw<{ openId: string; name: string; larkStatus: string | null }[]>`
      SELECT "openId", "name", "larkStatus" FROM "Person" WHERE "openId" IN (${Prisma.join(mentioned)})`;
    const names = new Map(people.map((p) => [p.openId, p.name]));
    const unknown = new Set(people.filter((p) => p.larkStatus === "unknown").map((p) => p.openId));
    // Rewritten only when it mentions someone Lark does not know; otherwise it goes as it is.
    const guarded =
      unknown.size === 0
        ? row.content
        : withoutMentions(
            row.msgType,
            row.content,
            (id) => !unknown.has(id),
            (id) => names.get(id),
          );
    try {
      return await this.call({ ...row, content: guarded }, kind, target);
    } catch (e) {
      if (!(e instanceof LarkApiError) || !isMentionRefusal(e)) throw e;
      const ids = mentionedIds(row.msgType, guarded);
      this.log.warn({ key: row.key, code: e.code, openIds: ids }, "Lark refused a mention; sending without mentions");
      await this.announce(() => this.options.onMentionRefused?.(ids));
      const plain = withoutMentions(
        row.msgType,
        guarded,
        () => false,
        (id) => names.get(id),
      );
      return this.call({ ...row, content: plain }, kind, target);
    }
  }

  /** One call to Lark for a row; returns the resulting message id (null for patches). */
  private async call(
    row: { key: string; chatId: string | null; msgType: string; content: string; replyInThread: boolean },
    kind: OutboxKind,
    target: string,
  ): Promise<string | null> {
    const once = { attempts: 1 };
    if (kind === "send") {
      const sent = await this.client.send(
        {
          receiveIdType: receiveIdType(target),
          receiveId: target,
          msgType: row.msgType,
          content: row.content,
          uuid: uuidForKey(row.key),
        },
        once,
      );
      return sent.messageId;
    }
    if (kind === "reply") {
      const sent = await this.client.reply(
        {
          messageId: target,
          msgType: row.msgType,
          content: row.content,
          replyInThread: row.replyInThread,
          uuid: uuidForKey(row.key),
          ...(row.chatId && { chatId: row.chatId }),
        },
        once,
      );
      return sent.messageId;
    }
    await this.client.patchCard({ messageId: target, card: row.content }, once);
    return target;
  }

  private async fail(
    row: { id: number; key: string; chatId: string | null },
    kind: OutboxKind,
    code: number | null,
    reason: string,
    error?: LarkApiError,
  ): Promise<void> {
    await this.db.outboxMessage.update({
      where: { id: row.id },
      data: { status: "failed", lastError: reason, lastCode: code },
    });
    this.options.metrics?.result({ kind, outcome: "failed", code: codeLabel(error) });
    this.log.error({ key: row.key, kind, chatId: row.chatId, code, reason }, "outbox row failed for good");
    await this.announce(() =>
      this.options.onFailed?.({ id: row.id, key: row.key, kind, chatId: row.chatId, code, reason }),
    );
  }

  /** Runs a hook; what it queues (a card renewed, an answer sent elsewhere) is looked for at once, if it may queue. */
  private async announce(callback: () => void | Promise<void>, mayQueue = true): Promise<void> {
    try {
      await callback();
    } catch (e) {
      this.log.error({ err: e }, "outbox callback failed");
    }
    if (mayQueue) this.notify();
  }

  /** Exponential backoff with jitter: half the step fixed, half random, so retries of many rows spread out. */
  private backoff(attempts: number): number {
    return backoffMs(attempts, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
  }
}

function codeLabel(error: LarkApiError | undefined): string {
  if (!error) return "error";
  return error.code === null ? error.kind : String(error.code);
}

/** Rows of one lane go out in order: a chat, or the target of a row without a chat (a direct message). */
function laneOf(row: { chatId: string | null; target: string }): string {
  return row.chatId !== null ? `chat:${row.chatId}` : `target:${row.target}`;
}

function laneWhere(lane: string): { chatId: string } | { chatId: null; target: string } {
  return lane.startsWith("chat:") ? { chatId: lane.slice(5) } : { chatId: null, target: lane.slice(7) };
}
