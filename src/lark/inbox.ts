import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/once.ts";
import type { Logger } from "../log.ts";
import { type FlatEvent, type Inbound, parseInbound, routingKeys } from "./envelope.ts";

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

const MAX_ATTEMPTS = 3;
const BATCH = 500;

interface Waiter {
  promise: Promise<CardAnswer | undefined>;
  resolve(answer: CardAnswer | undefined): void;
}

function waiter(): Waiter {
  let resolve: (a: CardAnswer | undefined) => void = () => {};
  const promise = new Promise<CardAnswer | undefined>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * The durable inbound store and its processor. `accept` writes an event (de-duplicated by event id, and by message
 * id for messages) before the receiver acknowledges it; processing then happens from the table, in order within a
 * chat and in parallel across chats. Events left pending by a crash are processed when the next process starts.
 *
 * One process per database drains the inbox; several instances would first claim rows (SPEC section 7, later issue).
 */
export class Inbox {
  private readonly busyChats = new Set<string>();
  private readonly inFlight = new Set<number>();
  private readonly waiters = new Map<number, Waiter>();
  private readonly chains = new Set<Promise<void>>();
  private running = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;

  constructor(
    private readonly db: Db,
    private readonly handler: InboundHandler,
    private readonly log: Logger,
    private readonly metrics?: InboxMetrics,
  ) {}

  /** Stores an event unless it was seen before. Resolves once the row is committed; never runs the handler. */
  async accept(event: FlatEvent): Promise<{ status: "stored" | "duplicate"; id?: number }> {
    const { chatId, messageId } = routingKeys(event);
    try {
      const row = await this.db.inboundEvent.create({
        data: {
          eventId: event.event_id,
          messageId: messageId ?? null,
          eventType: event.event_type,
          chatId: chatId ?? null,
          payload: JSON.stringify(event),
        },
        select: { id: true },
      });
      this.metrics?.received(event.event_type, "stored");
      // Card callbacks may be answered inline: the waiter exists before processing can start.
      if (event.event_type === "card.action.trigger") this.waiters.set(row.id, waiter());
      this.kick();
      return { status: "stored", id: row.id };
    } catch (error) {
      if (isUniqueViolation(error)) {
        this.metrics?.received(event.event_type, "duplicate");
        this.log.info({ eventId: event.event_id, messageId }, "duplicate event ignored");
        return { status: "duplicate" };
      }
      throw error;
    }
  }

  /**
   * Waits up to `timeoutMs` for the handler's answer to a stored event. Resolves `undefined` on time-out; the work
   * still finishes in the background.
   */
  async answer(id: number, timeoutMs: number): Promise<CardAnswer | undefined> {
    const w = this.waiters.get(id);
    if (!w) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, undefined);
    });
    try {
      return await Promise.race([w.promise, late]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(id);
    }
  }

  /** Starts processing, beginning with whatever a previous process left pending. */
  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stops taking new work and waits for the handlers that are running. */
  async stop(): Promise<void> {
    this.running = false;
    await this.pumping;
    await Promise.all([...this.chains]);
  }

  /** Resolves when nothing is pending or running (tests and graceful shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await this.pumping;
      await Promise.all([...this.chains]);
      if (!this.pumping && this.chains.size === 0) {
        const pending = await this.db.inboundEvent.count({ where: { status: "pending" } });
        if (pending === 0 || !this.running) return;
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
      .catch((error) => this.log.error({ err: error }, "inbox pump failed"))
      .finally(() => {
        this.pumping = null;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    const rows = await this.db.inboundEvent.findMany({
      where: { status: "pending" },
      orderBy: { id: "asc" },
      take: BATCH,
      select: { id: true, chatId: true },
    });
    const byChat = new Map<string, number[]>();
    for (const row of rows) {
      if (this.inFlight.has(row.id)) continue;
      const chat = row.chatId ?? `event:${row.id}`;
      const list = byChat.get(chat) ?? [];
      list.push(row.id);
      byChat.set(chat, list);
    }
    for (const [chat, ids] of byChat) {
      if (this.busyChats.has(chat)) continue;
      this.busyChats.add(chat);
      for (const id of ids) this.inFlight.add(id);
      const chain = this.runChain(ids).finally(() => {
        this.busyChats.delete(chat);
        for (const id of ids) this.inFlight.delete(id);
        this.chains.delete(chain);
        this.kick();
      });
      this.chains.add(chain);
    }
  }

  private async runChain(ids: number[]): Promise<void> {
    for (const id of ids) {
      if (!this.running) return;
      await this.processOne(id);
    }
  }

  private async processOne(id: number): Promise<void> {
    const row = await this.db.inboundEvent.findUnique({ where: { id } });
    if (row?.status !== "pending") return;
    const started = performance.now();
    let answer: CardAnswer | undefined;
    let lastError: unknown;
    let attempts = row.attempts;
    while (attempts < MAX_ATTEMPTS) {
      attempts += 1;
      try {
        const inbound = parseInbound(JSON.parse(row.payload) as FlatEvent);
        answer = await this.handler(inbound);
        lastError = undefined;
        break;
      } catch (error) {
        lastError = error;
        this.log.warn(
          { err: error, eventId: row.eventId, chatId: row.chatId, attempt: attempts },
          "event handler failed",
        );
        if (!this.running) break;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (lastError === undefined) {
      await this.db.inboundEvent.update({
        where: { id },
        data: { status: "done", attempts, processedAt: new Date(), lastError: null },
      });
      this.metrics?.processed(row.eventType, "done", seconds);
    } else if (this.running) {
      await this.db.inboundEvent.update({
        where: { id },
        data: { status: "failed", attempts, processedAt: new Date(), lastError: String(lastError).slice(0, 2000) },
      });
      this.metrics?.processed(row.eventType, "failed", seconds);
      this.log.error({ eventId: row.eventId, chatId: row.chatId }, "event gave up after retries");
    }
    // The waiter stays in the map until answer() collects it, so an answer ready before anyone asks is not lost.
    this.waiters.get(id)?.resolve(answer);
  }
}
