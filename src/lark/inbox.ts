import { setMaxListeners } from "node:events";
import { type Db, postgresOf } from "../db/client.ts";
import { type LaneLocks, processLanes } from "../db/lane-locks.ts";
import { type InboundEvent, Prisma } from "../generated/prisma/client.ts";
import type { Logger } from "../log.ts";
import { at } from "../texts/messages.ts";
import { backoffMs } from "./backoff.ts";
import { type FlatEvent, type Inbound, parseInbound, routingKeys } from "./envelope.ts";
import { enqueue, type OutboxInput } from "./outbox.ts";
import { type Clock, systemClock } from "./pacer.ts";
import { isTransientError } from "./transient-error.ts";

/** What a handler returns for a card action: Lark shows the toast and/or replaces the card. */
export interface CardAnswer {
  toast?: { type: "info" | "success" | "error" | "warning"; content: string };
  card?: unknown;
}

export type InboundHandler = (inbound: Inbound) => Promise<CardAnswer | undefined>;

/** Counters the inbox reports; wired to Prometheus by ops/metrics.ts. */
export interface InboxMetrics {
  received(eventType: string, outcome: "stored" | "duplicate"): void;
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
}

const DEFAULT_RETRY: InboxRetry = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  transientForMs: 15 * 60_000,
  otherAttempts: 3,
  requeueWithinMs: 24 * 3_600_000,
};
const BATCH = 500;
/** Most events stored in one statement (6 parameters each, well inside SQLite's and PostgreSQL's limits). */
const MAX_STORE_BATCH = 500;
/** The lane of an event without a chat is its own. */
const UNCHATTED = "event:";
/**
 * Chats worked on at once. Their transactions take turns on SQLite's one connection anyway; more chains only add
 * promises that crowd out the acknowledgement of new events when the bot is behind.
 */
const MAX_CHAINS = 8;
/** With shared lanes, how often to look for events other instances stored (or left behind when they died). */
const SHARED_POLL_MS = 200;

/** What `accept` tells the receiver. */
export interface Accepted {
  status: "stored" | "duplicate";
  id?: number;
}

interface Arrival {
  event: FlatEvent;
  resolve(accepted: Accepted): void;
  reject(error: unknown): void;
}

interface Waiter {
  promise: Promise<CardAnswer | undefined>;
  resolve(answer: CardAnswer | undefined): void;
  /** Set the moment `answer` gave up waiting: the answer can no longer reach Lark inline. */
  abandoned: boolean;
}

function waiter(): Waiter {
  let resolve: (a: CardAnswer | undefined) => void = () => {};
  const promise = new Promise<CardAnswer | undefined>((r) => {
    resolve = r;
  });
  return { promise, resolve, abandoned: false };
}

/**
 * The durable inbound store and its processor. `accept` writes an event (de-duplicated by event id, and by message
 * id for messages) before the receiver acknowledges it; processing then happens from the table, in order within a
 * chat and in parallel across chats. Events left pending by a crash are processed when the next process starts.
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
  private readonly waiters = new Map<number, Waiter>();
  private readonly chains = new Set<Promise<void>>();
  private readonly clock: Clock;
  private readonly retry: InboxRetry;
  private readonly lanes: LaneLocks;
  private readonly afterEach: () => void;
  private poller: NodeJS.Timeout | undefined;
  private running = false;
  private stopping = new AbortController();
  private requeued = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  /** Events waiting to be stored, and the store under way. */
  private arriving: Arrival[] = [];
  private storing: Promise<void> | null = null;

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
  }

  /**
   * Stores an event unless it was seen before, without its token (the verification token that proved where it came
   * from, or a card's update token: secrets, not data). Resolves once the row is committed; never runs the handler.
   * Events that arrive while a store is under way are stored together next, in one statement (group commit).
   */
  accept(event: FlatEvent): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      this.arriving.push({ event, resolve, reject });
      this.storing ??= this.storeArriving();
    });
  }

  /** Stores what has arrived, batch after batch, until nothing is waiting. */
  private async storeArriving(): Promise<void> {
    // What arrives in this turn of the event loop joins the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.arriving.length > 0) {
      const batch = this.arriving.splice(0, MAX_STORE_BATCH);
      try {
        this.settle(batch, await this.store(batch.map((a) => a.event)));
      } catch (error) {
        for (const arrival of batch) arrival.reject(error);
      }
    }
    this.storing = null;
  }

  /**
   * Inserts the events not seen before — in the database, or earlier in the batch (same event id, or same message
   * id for messages) — in one statement; returns the new rows' ids by event id.
   */
  private async store(events: FlatEvent[]): Promise<Map<string, number>> {
    const seenEvents = new Set<string>();
    const seenMessages = new Set<string>();
    const rows: unknown[][] = [];
    for (const event of events) {
      const { chatId, messageId } = routingKeys(event);
      if (seenEvents.has(event.event_id) || (messageId && seenMessages.has(messageId))) continue;
      seenEvents.add(event.event_id);
      if (messageId) seenMessages.add(messageId);
      const { token: _token, ...kept } = event;
      rows.push([event.event_id, messageId ?? null, event.event_type, chatId ?? null, JSON.stringify(kept)]);
    }
    const postgres = postgresOf(this.inboxDb) !== undefined;
    const now = new Date();
    let n = 0;
    const param = () => (postgres ? `$${++n}` : "?");
    const values = rows.map(() => `(${[1, 2, 3, 4, 5, 6].map(param).join(", ")})`).join(", ");
    // SQLite keeps dates as Unix milliseconds (see db/client.ts).
    const args = rows.flatMap((row) => [...row, postgres ? now : now.getTime()]);
    // On SQLite this statement has the inbox's file to itself but for the inbox's own reads and marks, and jumps their
    // queue (db/serialized-adapter.ts); no processing transaction ever holds that connection.
    const stored = await this.inboxDb.$queryRawUnsafe<{ id: number; eventId: string }[]>(
      `INSERT INTO "InboundEvent" ("eventId", "messageId", "eventType", "chatId", "payload", "receivedAt") ` +
        `VALUES ${values} ON CONFLICT DO NOTHING RETURNING "id", "eventId"`,
      ...args,
    );
    return new Map(stored.map((row) => [row.eventId, Number(row.id)]));
  }

  /** Answers each arrival of a stored batch: stored (the first of its event) or duplicate. */
  private settle(batch: Arrival[], stored: Map<string, number>): void {
    const answered = new Set<number>();
    let idleChat = false;
    for (const { event, resolve } of batch) {
      const id = stored.get(event.event_id);
      if (id === undefined || answered.has(id)) {
        this.metrics?.received(event.event_type, "duplicate");
        this.log.info({ eventId: event.event_id, messageId: routingKeys(event).messageId }, "duplicate event ignored");
        resolve({ status: "duplicate" });
        continue;
      }
      answered.add(id);
      this.metrics?.received(event.event_type, "stored");
      // Card callbacks may be answered inline: the waiter exists before processing can start.
      if (event.event_type === "card.action.trigger") this.waiters.set(id, waiter());
      // A chat being worked on picks its new events up when its chain ends; only an idle chat needs a look now.
      if (!this.busyChats.has(routingKeys(event).chatId ?? "")) idleChat = true;
      resolve({ status: "stored", id });
    }
    if (idleChat) this.kick();
  }

  /**
   * Waits up to `timeoutMs` for the handler's answer to a stored event. Resolves `undefined` on time-out; the work
   * still finishes in the background (and a refusal is then posted to the chat).
   */
  async answer(id: number, timeoutMs: number): Promise<CardAnswer | undefined> {
    const w = this.waiters.get(id);
    if (!w) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        w.abandoned = true;
        resolve(undefined);
      }, timeoutMs);
    });
    try {
      return await Promise.race([w.promise, late]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(id);
    }
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
      // Acknowledging goes first: events waiting to be stored are stored (and answered) before more work starts,
      // so a bot that is behind still acknowledges within Lark's 3 s.
      while (this.storing) await this.storing;
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
    const w = this.waiters.get(row.id);
    const inline = w !== undefined && !w.abandoned;
    // The answer is ready now: hand it to a receiver still waiting (decided in this same tick, so a waiter cannot
    // give up in between). The waiter stays in the map until answer() collects it.
    if (inline) w.resolve(answer);
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
    this.waiters.get(row.id)?.resolve(undefined);
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
