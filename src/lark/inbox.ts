import { setMaxListeners } from "node:events";
import { type Db, postgresOf } from "../db/client.ts";
import { type LaneLocks, processLanes } from "../db/lane-locks.ts";
import { type InboundEvent, Prisma } from "../generated/prisma/client.ts";
import type { Logger } from "../log.ts";
import { at } from "../texts/messages.ts";
import { claimAnswer } from "./answer-slots.ts";
import { backoffMs } from "./backoff.ts";
import { type Inbound, parseInbound } from "./envelope.ts";
import type { FlatEvent } from "./flat-event.ts";
import type { CardAnswer, InboxWriter, StoredEvent } from "./inbox-store.ts";
import { enqueue, type OutboxInput } from "./outbox.ts";
import { type Clock, systemClock } from "./pacer.ts";
import { CARD_ANSWER_BUDGET_MS } from "./receivers/sink.ts";
import { isTransientError } from "./transient-error.ts";

export type InboundHandler = (inbound: Inbound) => Promise<CardAnswer | undefined>;

/** Counters the inbox reports; wired to Prometheus by ops/metrics.ts. */
export interface InboxMetrics {
  processed(eventType: string, outcome: "done" | "failed", seconds: number): void;
}

/** How the inbox retries an event whose handler failed. */
export interface InboxRetry {
  /** Wait after the first failure; it doubles with each further one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Transient failures (database busy or down, network, Lark) are retried this long, then the event fails. */
  transientForMs: number;
  /** Tries in all for any other failure (most likely a bug) before the event fails. */
  otherAttempts: number;
  /** Failed events received this recently are tried again when the inbox starts (after a restart). */
  requeueWithinMs: number;
}

/** Options of `Inbox` besides its metrics. */
export interface InboxOptions {
  /** Clock of the retry waits. */
  clock?: Clock;
  retry?: Partial<InboxRetry>;
  /** Who may work on a chat's events: this process alone (default) or one instance at a time (PostgreSQL). */
  lanes?: LaneLocks;
  /** Called after each event is handled and recorded, so the messages it queued go out at once (the outbox). */
  afterEach?: () => void;
  /** Where the receivers of card callbacks wait for their answers (lark/answer-slots.ts, lark/inbox-store.ts). */
  answers?: AnswerDesk;
}

/** The processor's side of the card callbacks' answer slots. */
export interface AnswerDesk {
  cells: Int32Array;
  /** Hands the answer to the receiver waiting in `slot` (once `claimAnswer` said it still waits). */
  deliver(slot: number, answer: CardAnswer | undefined): void;
}

const DEFAULT_RETRY: InboxRetry = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  transientForMs: 15 * 60_000,
  otherAttempts: 3,
  requeueWithinMs: 24 * 3_600_000,
};
const BATCH = 500;
/** The lane of an event without a chat is its own. */
const UNCHATTED = "event:";
/**
 * Chats worked on at once. Their transactions take turns on SQLite's one connection anyway; more chains only add
 * promises that crowd out the acknowledgement of new events when the bot is behind.
 */
const MAX_CHAINS = 8;
/** With shared lanes, how often to look for events other instances stored (or left behind when they died). */
const SHARED_POLL_MS = 200;

/**
 * The processor of the inbound events. The inbox store (lark/inbox-store.ts; on the receiver thread in webhook mode)
 * stores each event before the receiver acknowledges it and tells the inbox with `arrived`; processing then happens
 * from the table, in order within a chat and in parallel across chats. Events left pending by a crash are processed
 * when the next process starts.
 *
 * A failing handler is retried with backoff while the rest of its chat waits (other chats go on): transient failures
 * for a bounded time, anything else a few times; then the event is marked failed with the error, and failed events
 * are tried again once when the inbox next starts. A card answer that misses its inline moment and refuses or warns
 * is posted to the card's thread, @-mentioning the clicker.
 *
 * Instances sharing a PostgreSQL database drain one inbox together: an instance works on a chat only while it holds
 * the chat's lane lock, so each event is handled once and a chat's events in order; a lane whose owner died is taken
 * over by the next instance that looks (each looks every SHARED_POLL_MS for events others stored).
 */
export class Inbox {
  private readonly busyChats = new Set<string>();
  private readonly inFlight = new Set<number>();
  private readonly chains = new Set<Promise<void>>();
  private readonly clock: Clock;
  private readonly retry: InboxRetry;
  private readonly lanes: LaneLocks;
  private readonly afterEach: () => void;
  private readonly answers: AnswerDesk | undefined;
  private poller: NodeJS.Timeout | undefined;
  private running = false;
  private stopping = new AbortController();
  private requeued = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;

  /**
   * `db` is the main database (the late refusals go to its outbox); `inboxDb` holds the inbound events
   * (db/inbox-db.ts: on SQLite a file of its own, so storing an event never waits for a processing transaction).
   */
  constructor(
    private readonly db: Db,
    private readonly inboxDb: Db,
    private readonly handler: InboundHandler,
    private readonly log: Logger,
    private readonly metrics?: InboxMetrics,
    options: InboxOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.lanes = options.lanes ?? processLanes;
    this.afterEach = options.afterEach ?? (() => {});
    this.answers = options.answers;
  }

  /** Events the store has just written: an idle chat is looked at. */
  arrived(events: StoredEvent[]): void {
    let idleChat = false;
    for (const { chatId } of events) {
      // A chat being worked on picks its new events up when its chain ends; only an idle chat needs a look now.
      if (!this.busyChats.has(chatId ?? "")) idleChat = true;
    }
    if (idleChat) this.kick();
  }

  /** Starts processing: failed events of the last day are queued again, then whatever is pending goes first. */
  start(): void {
    this.running = true;
    this.stopping = new AbortController();
    // Every chat waiting to retry listens for the stop.
    setMaxListeners(0, this.stopping.signal);
    if (this.lanes.shared) this.poller = setInterval(() => this.kick(), SHARED_POLL_MS);
    this.kick();
  }

  /** Stops taking new work, cuts retry waits short (their events stay pending) and waits for running handlers. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.poller);
    this.stopping.abort();
    await this.pumping;
    await Promise.all([...this.chains]);
  }

  /** Resolves when nothing is pending or running (tests and graceful shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.pumping;
      await Promise.all([...this.chains]);
      if (!this.pumping && this.chains.size === 0) {
        const pending = await this.inboxDb.inboundEvent.count({ where: { status: "pending" } });
        if (pending === 0 || !this.running) return;
        // Pending events of lanes another instance holds: look again after a while, not at once.
        if (this.lanes.shared) await this.clock.sleep(SHARED_POLL_MS);
        this.kick();
      }
    }
  }

  private kick(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error) => {
        // Nothing else may look again soon (no new event for an idle chat): try again after a pause.
        this.log.error({ err: error }, "inbox pump failed; looking again shortly");
        void this.pause(this.retry.baseDelayMs).then((running) => running && this.kick());
      })
      .finally(() => {
        this.pumping = null;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    if (!this.requeued) {
      const { count } = await this.inboxDb.inboundEvent.updateMany({
        where: { status: "failed", receivedAt: { gte: new Date(Date.now() - this.retry.requeueWithinMs) } },
        data: { status: "pending" },
      });
      this.requeued = true;
      if (count > 0) this.log.warn({ count }, "failed events queued again");
    }
    // Chats at work are left out, so one chat's deep backlog (say, retrying through a Lark outage) cannot fill the
    // batch and hide every other chat's events.
    const busy = [...this.busyChats].filter((chat) => !chat.startsWith(UNCHATTED));
    const notBusy =
      busy.length > 0 ? Prisma.sql` AND ("chatId" IS NULL OR "chatId" NOT IN (${Prisma.join(busy)}))` : Prisma.empty;
    // Raw statements for the inbox's reads and marks, which run for every event: Prisma does not compile them.
    const rows = await this.inboxDb.$queryRaw<{ id: number; chatId: string | null }[]>`
      SELECT "id", "chatId" FROM "InboundEvent" WHERE "status" = 'pending'${notBusy} ORDER BY "id" LIMIT ${BATCH}`;
    const byChat = new Map<string, number[]>();
    for (const row of rows) {
      if (this.inFlight.has(Number(row.id))) continue;
      const chat = row.chatId ?? `${UNCHATTED}${row.id}`;
      const list = byChat.get(chat) ?? [];
      list.push(Number(row.id));
      byChat.set(chat, list);
    }
    const wanted = [...byChat.keys()]
      .filter((chat) => !this.busyChats.has(chat))
      .slice(0, Math.max(0, MAX_CHAINS - this.chains.size));
    const taken = await this.lanes.take(wanted);
    for (const chat of wanted) {
      const ids = byChat.get(chat);
      if (!ids || !taken.has(chat)) continue;
      this.busyChats.add(chat);
      for (const id of ids) this.inFlight.add(id);
      const chain = this.runChain(ids)
        .catch((error) => this.log.error({ err: error, chatId: chat }, "inbox chain failed"))
        .finally(async () => {
          await this.lanes
            .release(chat)
            .catch((error) => this.log.error({ err: error, chatId: chat }, "cannot release a chat's lane"));
          this.busyChats.delete(chat);
          for (const id of ids) this.inFlight.delete(id);
          this.chains.delete(chain);
          this.kick();
        });
      this.chains.add(chain);
    }
  }

  private async runChain(ids: number[]): Promise<void> {
    // Read together once the lane is ours: nobody else works on these rows until it is let go.
    const [rows] =
      (await this.persist(
        async () =>
          (
            await this.inboxDb.$queryRaw<InboundEvent[]>`SELECT * FROM "InboundEvent"
              WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'pending' ORDER BY "id"`
          ).map((row) => ({ ...row, id: Number(row.id), attempts: Number(row.attempts) })),
        ids[0] ?? 0,
      )) ?? [];
    for (const row of rows ?? []) {
      if (!this.running) return;
      await this.processOne(row);
      this.afterEach();
    }
  }

  /** Runs the handler for one pending event, retrying as `InboxRetry` says, and records the outcome. */
  private async processOne(row: InboundEvent): Promise<void> {
    const started = performance.now();
    let inbound: Inbound;
    try {
      inbound = parseInbound(JSON.parse(row.payload) as FlatEvent);
    } catch (error) {
      return this.fail(row, error, 1, started);
    }
    let failingSince: number | undefined;
    for (let tries = 1; ; tries++) {
      let answer: CardAnswer | undefined;
      try {
        answer = await this.handler(inbound);
      } catch (error) {
        failingSince ??= this.clock.now();
        const transient = isTransientError(error);
        const again = transient
          ? this.clock.now() - failingSince < this.retry.transientForMs
          : tries < this.retry.otherAttempts;
        this.log.warn(
          { err: error, eventId: row.eventId, chatId: row.chatId, attempt: row.attempts + tries, transient, again },
          "event handler failed",
        );
        if (!again) return this.fail(row, error, tries, started);
        // Stopping cuts the wait short; the event stays pending for the next start.
        if (!(await this.pause(backoffMs(tries, this.retry.baseDelayMs, this.retry.maxDelayMs)))) return;
        continue;
      }
      return this.succeed(row, inbound, answer, tries, started);
    }
  }

  private async succeed(
    row: InboundEvent,
    inbound: Inbound,
    answer: CardAnswer | undefined,
    tries: number,
    started: number,
  ): Promise<void> {
    // The answer is ready now: hand it to a receiver still waiting (lark/answer-slots.ts decides who wins).
    const inline = await this.handOver(row, answer);
    const tell = inline ? undefined : lateRefusal(inbound, answer);
    const recorded = await this.persist(async () => {
      // Queued by its key: should the process die before the done mark, the rerun queues nothing new.
      if (tell) await enqueue(this.db, tell);
      await this.inboxDb.$executeRaw`UPDATE "InboundEvent"
        SET "status" = 'done', "attempts" = ${row.attempts + tries}, "processedAt" = ${new Date()}, "lastError" = NULL
        WHERE "id" = ${row.id}`;
    }, row.id);
    if (recorded) this.metrics?.processed(row.eventType, "done", (performance.now() - started) / 1000);
  }

  private async fail(row: InboundEvent, error: unknown, tries: number, started: number): Promise<void> {
    await this.handOver(row, undefined);
    const recorded = await this.persist(
      () =>
        this.inboxDb.inboundEvent.update({
          where: { id: row.id },
          data: {
            status: "failed",
            attempts: row.attempts + tries,
            processedAt: new Date(),
            lastError: String(error instanceof Error ? (error.stack ?? error) : error).slice(0, 2000),
          },
        }),
      row.id,
    );
    if (!recorded) return;
    this.metrics?.processed(row.eventType, "failed", (performance.now() - started) / 1000);
    this.log.error(
      { err: error, eventId: row.eventId, chatId: row.chatId },
      "event failed; it is retried at next start",
    );
  }

  /** Gives a card callback's answer to its receiver if it still waits; true when it did. */
  private async handOver(row: InboundEvent, answer: CardAnswer | undefined): Promise<boolean> {
    const answers = this.answers;
    if (!answers || row.eventType !== "card.action.trigger") return false;
    // No receiver waits longer than its budget.
    const slot = await claimAnswer(answers.cells, row.id, Date.now() + CARD_ANSWER_BUDGET_MS);
    if (slot === undefined) return false;
    answers.deliver(slot, answer);
    return true;
  }

  /**
   * Runs a read or write of the inbox's own bookkeeping until it succeeds (the database may be down for a while),
   * backing off between tries. Resolves `[result]`, or undefined when the inbox stops first (the event then stays
   * pending).
   */
  private async persist<T>(work: () => Promise<T>, id: number): Promise<[T] | undefined> {
    for (let tries = 1; ; tries++) {
      try {
        return [await work()];
      } catch (error) {
        this.log.error({ err: error, inboundId: id }, "inbox cannot read or record the event; retrying");
        if (!(await this.pause(backoffMs(tries, this.retry.baseDelayMs, this.retry.maxDelayMs)))) return undefined;
      }
    }
  }

  /** Waits `ms` on the clock; false (at once) when the inbox is stopping. */
  private async pause(ms: number): Promise<boolean> {
    if (this.running) await this.clock.sleep(ms, this.stopping.signal);
    return this.running;
  }
}

/**
 * A card answer nobody will show (it came after the inline budget, or after a restart) that refuses or warns: the
 * clicker must still learn it, so it goes to the card's thread, @-mentioning them.
 */
function lateRefusal(inbound: Inbound, answer: CardAnswer | undefined): OutboxInput | undefined {
  const toast = answer?.toast;
  if (inbound.kind !== "card_action" || (toast?.type !== "error" && toast?.type !== "warning")) return undefined;
  return {
    key: `late-answer:${inbound.eventId}`,
    kind: "reply",
    chatId: inbound.chatId,
    target: inbound.messageId,
    msgType: "text",
    content: { text: `${at(inbound.operatorOpenId)} ${toast.content}` },
    replyInThread: true,
  };
}

/**
 * The inbox store's writer over the bot's own client of the inbox's database, for a store on the main thread (the
 * long connection's; the receiver thread has a connection of its own).
 */
export function inboxWriterOf(inboxDb: Db): InboxWriter {
  return {
    postgres: postgresOf(inboxDb) !== undefined,
    insert: (sql, args) => inboxDb.$queryRawUnsafe(sql, ...args),
  };
}
