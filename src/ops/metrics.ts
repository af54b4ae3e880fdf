import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { InboxMetrics } from "../lark/inbox.ts";

/** Every Prometheus metric Riqing exports, on one registry served at GET /metrics. */
export class Metrics implements InboxMetrics {
  readonly registry = new Registry();
  private readonly eventsReceived = new Counter({
    name: "riqing_events_received_total",
    help: "Inbound Lark events by type and outcome (stored, duplicate).",
    labelNames: ["type", "outcome"],
    registers: [this.registry],
  });
  private readonly requestsRejected = new Counter({
    name: "riqing_webhook_rejected_total",
    help: "Webhook requests rejected, by reason.",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  private readonly processing = new Histogram({
    name: "riqing_event_processing_seconds",
    help: "Time from picking an event up to finishing it, by type and outcome.",
    labelNames: ["type", "outcome"],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly outboxDepth = new Gauge({
    name: "riqing_outbox_pending",
    help: "Messages waiting in the outbox.",
    registers: [this.registry],
  });
  private readonly sendResults = new Counter({
    name: "riqing_lark_send_total",
    help: "Outbox deliveries by kind, outcome (sent, retry, failed, superseded) and Lark code (0 = success).",
    labelNames: ["kind", "outcome", "code"],
    registers: [this.registry],
  });

  received(type: string, outcome: "stored" | "duplicate"): void {
    this.eventsReceived.inc({ type, outcome });
  }

  rejected(reason: string): void {
    this.requestsRejected.inc({ reason });
  }

  processed(type: string, outcome: "done" | "failed", seconds: number): void {
    this.processing.observe({ type, outcome }, seconds);
  }

  sent(kind: string, outcome: string, code: string): void {
    this.sendResults.inc({ kind, outcome, code });
  }
}
