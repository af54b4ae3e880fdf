import type { Log } from "../log.ts";
import { AnswerSlots } from "./answer-slots.ts";
import { type FlatEvent, routingKeys } from "./flat-event.ts";

/** What a handler returns for a card action: Lark shows the toast and/or replaces the card. */
export interface CardAnswer {
  toast?: { type: "info" | "success" | "error" | "warning"; content: string };
  card?: unknown;
}

/** An event the store wrote, as the processor (lark/inbox.ts) learns of it. */
export interface StoredEvent {
  id: number;
  chatId: string | null;
  eventType: string;
}

/** What `accept` tells the receiver. */
export interface Accepted {
  status: "stored" | "duplicate";
  id?: number;
  slot?: number;
}

/** How the store reaches the processor (on the bot's main thread, or in-process in tests). */
export interface InboxStoreLink {
  /** Events just committed, in their order. */
  stored(events: StoredEvent[]): void;
  /** Counts an arrival (metrics). */
  received(eventType: string, outcome: "stored" | "duplicate"): void;
}

/**
 * The inbox table's writer: runs one INSERT … RETURNING, with `?` placeholders on SQLite and `$n` on PostgreSQL.
 */
export interface InboxWriter {
  postgres: boolean;
  insert(sql: string, args: unknown[]): Promise<{ id: number | bigint; eventId: string }[]>;
}

/** Most events stored in one statement (6 parameters each, well inside SQLite's and PostgreSQL's limits). */
const MAX_STORE_BATCH = 500;

interface Arrival {
  event: FlatEvent;
  /** A card callback's answer slot, reserved before it is stored. */
  slot?: number | undefined;
  resolve(accepted: Accepted): void;
  reject(error: unknown): void;
}

/**
 * The acknowledging half of the inbox (issue 17): stores each verified event, de-duplicated by event id and by
 * message id for messages, and resolves once the row is committed, so the receiver can acknowledge; it never
 * processes anything. In webhook mode it runs on the receiver thread (lark/receivers/receiver-thread.ts), where no
 * processing competes for its event loop; over the long connection, on the main thread (app/create-riqing.ts). It
 * tells the processor what it stored. Events that arrive while a store is under way are stored together next, in one
 * statement (a group commit).
 *
 * A card callback waits for its answer in a slot of shared memory (lark/answer-slots.ts); the processor hands the
 * answer over with `deliver`.
 */
export class InboxStore {
  readonly slots: AnswerSlots;
  private arriving: Arrival[] = [];
  private storing: Promise<void> | null = null;
  private readonly answers = new Map<number, (answer: CardAnswer | undefined) => void>();

  constructor(
    private readonly writer: InboxWriter,
    private readonly link: InboxStoreLink,
    private readonly log: Log,
    slots?: AnswerSlots,
  ) {
    this.slots = slots ?? new AnswerSlots();
  }

  /**
   * Stores an event unless it was seen before, without its token (the verification token that proved where it came
   * from, or a card's update token: secrets, not data). Resolves once the row is committed.
   */
  accept(event: FlatEvent): Promise<Accepted> {
    return new Promise((resolve, reject) => {
      this.arriving.push({ event, resolve, reject });
      this.storing ??= this.storeArriving();
    });
  }

  /** Resolves when nothing waits to be stored (a stop lets the stores under way finish). */
  async settled(): Promise<void> {
    while (this.storing) await this.storing;
  }

  /**
   * Waits up to `timeoutMs` for the processor's answer to a stored card callback. Resolves undefined when the
   * processor did not answer in time (it then posts a refusal to the card's thread itself) or gave no answer.
   */
  async answer(accepted: Accepted, timeoutMs: number): Promise<CardAnswer | undefined> {
    const { id, slot } = accepted;
    if (id === undefined || slot === undefined) return undefined;
    const delivered = new Promise<CardAnswer | undefined>((resolve) => this.answers.set(slot, resolve));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), timeoutMs);
    });
    try {
      const first = await Promise.race([delivered, late]);
      if (first !== "late") return first;
      // Either the processor has not answered (the slot is given up), or its answer is already on its way.
      return this.slots.giveUp(slot, id) ? undefined : await delivered;
    } finally {
      clearTimeout(timer);
      this.answers.delete(slot);
      this.slots.release(slot);
    }
  }

  /** The processor's answer for the callback waiting in `slot`. */
  deliver(slot: number, answer: CardAnswer | undefined): void {
    this.answers.get(slot)?.(answer);
  }

  /** Stores what has arrived, batch after batch, until nothing is waiting. */
  private async storeArriving(): Promise<void> {
    // What arrives in this turn of the event loop joins the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.arriving.length > 0) {
      const batch = this.arriving.splice(0, MAX_STORE_BATCH);
      for (const arrival of batch) {
        if (arrival.event.event_type === "card.action.trigger") arrival.slot = this.slots.reserve();
      }
      try {
        this.settle(batch, await this.store(batch.map((a) => a.event)));
      } catch (error) {
        for (const arrival of batch) {
          if (arrival.slot !== undefined) this.slots.release(arrival.slot);
          arrival.reject(error);
        }
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
    const { postgres } = this.writer;
    const now = new Date();
    let n = 0;
    const param = () => (postgres ? `$${++n}` : "?");
    const values = rows.map(() => `(${[1, 2, 3, 4, 5, 6].map(param).join(", ")})`).join(", ");
    // SQLite keeps dates as Unix milliseconds; PostgreSQL's are timestamps without a zone, in UTC (db/client.ts).
    const args = rows.flatMap((row) => [...row, postgres ? now.toISOString() : now.getTime()]);
    const stored = await this.writer.insert(
      `INSERT INTO "InboundEvent" ("eventId", "messageId", "eventType", "chatId", "payload", "receivedAt") ` +
        `VALUES ${values} ON CONFLICT DO NOTHING RETURNING "id", "eventId"`,
      args,
    );
    return new Map(stored.map((row) => [row.eventId, Number(row.id)]));
  }

  /** Answers each arrival of a stored batch (stored, the first of its event, or duplicate) and tells the processor. */
  private settle(batch: Arrival[], stored: Map<string, number>): void {
    const answered = new Set<number>();
    const fresh: StoredEvent[] = [];
    for (const { event, slot, resolve } of batch) {
      const id = stored.get(event.event_id);
      if (id === undefined || answered.has(id)) {
        if (slot !== undefined) this.slots.release(slot);
        this.link.received(event.event_type, "duplicate");
        this.log.info({ eventId: event.event_id, messageId: routingKeys(event).messageId }, "duplicate event ignored");
        resolve({ status: "duplicate" });
        continue;
      }
      answered.add(id);
      this.link.received(event.event_type, "stored");
      if (slot !== undefined) this.slots.hold(slot, id);
      fresh.push({ id, chatId: routingKeys(event).chatId ?? null, eventType: event.event_type });
      resolve({ status: "stored", id, ...(slot !== undefined && { slot }) });
    }
    if (fresh.length > 0) this.link.stored(fresh);
  }
}
