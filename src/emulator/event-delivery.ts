import type { LongConnectionHub } from "./long-connection-hub.ts";
import type { DeliveredEvent, DeliveryAttempt, DeliveryTarget, LarkEventEnvelope } from "./types.ts";
import { buildWebhookRequest } from "./webhook-request.ts";

/** Lark re-pushes an unacknowledged event after 15 s, 5 min, 1 h and 6 h. */
export const LARK_RETRY_DELAYS_MS = [15_000, 300_000, 3_600_000, 21_600_000] as const;
const DEFAULT_TIMEOUT_MS = 3000;

export interface EventDeliveryOptions {
  hub: LongConnectionHub;
  encryptKey?: string;
  /** Emulator clock; dates the webhook signature timestamp. */
  now: () => number;
  onAttempt: (attempt: DeliveryAttempt) => void;
}

/** "event": at-least-once with retries, queued while no receiver is there. "callback": one synchronous try. */
type DeliveryKind = "event" | "callback";

interface Outcome {
  ok: boolean;
  status?: number;
  error?: string;
  answer?: unknown;
}

/**
 * Hands events to the bot over the configured transport — long connection (default) or webhook — and keeps
 * Lark's promises: events are retried on the retry schedule until acknowledged, callbacks are tried once.
 */
export class EventDelivery {
  private target: DeliveryTarget = { mode: "ws" };
  private readonly log = new Map<string, DeliveredEvent>();
  private queue: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly firstPushSeconds = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: EventDeliveryOptions) {}

  /** Switches transport; events queued for want of a receiver go out now. */
  setTarget(target: DeliveryTarget): void {
    this.target = target;
    this.flush();
  }

  /** Sends queued events (called when a long-connection client becomes ready). */
  flush(): void {
    const waiting = this.queue;
    this.queue = [];
    for (const eventId of waiting) void this.attempt(eventId, 1, "event");
  }

  /** Logs an envelope so it can be delivered and redelivered by event_id. */
  record(envelope: LarkEventEnvelope): DeliveredEvent {
    const entry: DeliveredEvent = {
      eventId: envelope.header.event_id,
      eventType: envelope.header.event_type,
      envelope,
      attempts: [],
    };
    this.log.set(entry.eventId, entry);
    return entry;
  }

  /**
   * Pushes a logged event and resolves with the first attempt. An event finding no receiver is queued (resolves
   * undefined). Card callbacks (card.action.trigger) are synchronous: tried once, failing at once without one.
   */
  deliver(eventId: string): Promise<DeliveryAttempt | undefined> {
    const entry = this.log.get(eventId);
    if (!entry) return Promise.reject(new Error(`emulator: unknown event ${eventId}`));
    const kind: DeliveryKind = entry.eventType === "card.action.trigger" ? "callback" : "event";
    if (kind === "event" && this.target.mode === "ws" && this.options.hub.connectionCount === 0) {
      this.queue.push(eventId);
      return Promise.resolve(undefined);
    }
    return this.attempt(eventId, 1, kind);
  }

  events(): DeliveredEvent[] {
    return [...this.log.values()].map((e) => structuredClone(e));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(eventId: string, attempt: number, kind: DeliveryKind): Promise<DeliveryAttempt> {
    const entry = this.log.get(eventId);
    if (!entry) throw new Error(`emulator: unknown event ${eventId}`);
    const target = this.target;
    const outcome = target.mode === "ws" ? await this.viaWs(entry, target) : await this.viaWebhook(entry, target);
    const delays = target.retryDelaysMs ?? LARK_RETRY_DELAYS_MS;
    const delay = delays[attempt - 1];
    const willRetry = kind === "event" && !outcome.ok && delay !== undefined && !this.closed;
    const record: DeliveryAttempt = {
      eventId,
      eventType: entry.eventType,
      transport: target.mode,
      attempt,
      willRetry,
      ...outcome,
    };
    entry.attempts.push(record);
    if (willRetry) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(eventId, attempt + 1, kind);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
    this.options.onAttempt(record);
    return record;
  }

  private async viaWs(entry: DeliveredEvent, target: DeliveryTarget): Promise<Outcome> {
    try {
      const ack = await this.options.hub.send(JSON.stringify(entry.envelope), target.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const answer = ack.data === undefined ? undefined : parseAnswer(Buffer.from(ack.data, "base64").toString("utf8"));
      return { ok: ack.code === 200, status: ack.code, ...(answer !== undefined && { answer }) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async viaWebhook(entry: DeliveredEvent, target: Extract<DeliveryTarget, { mode: "webhook" }>) {
    const { encryptKey } = this.options;
    // A retry re-pushes the stored request: it is signed with the first push's timestamp.
    const firstPush = this.firstPushSeconds.get(entry.eventId) ?? Math.floor(this.options.now() / 1000);
    this.firstPushSeconds.set(entry.eventId, firstPush);
    const request = buildWebhookRequest(entry.envelope, {
      encrypt: target.encrypt ?? encryptKey !== undefined,
      timestampSeconds: firstPush,
      ...(encryptKey !== undefined && { encryptKey }),
    });
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(target.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
      const answer = parseAnswer(await response.text());
      return { ok: response.status === 200, status: response.status, ...(answer !== undefined && { answer }) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Outcome;
    }
  }
}

function parseAnswer(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
