/**
 * The load generator of the ingest benchmark, in a process of its own so the emulator's work cannot delay its
 * clock. It POSTs pre-built, signed and encrypted webhook requests to one URL on an open-loop schedule (request i
 * leaves at start + i / rate, whether or not earlier ones were answered) over keep-alive connections, and records
 * when each left and when its answer came back.
 *
 *   ← {type: "run", urls, rate, requestsFile, timeoutMs}
 *   → {type: "run:done", sentAt[], ackAt[], status[], lagMs}   (epoch ms; ackAt NaN and status 0 when it failed)
 */

import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { isTyped } from "../lib/child.ts";
import { epochNow } from "../lib/stats.ts";

/** A request as built by the parent. */
export interface PreparedRequest {
  headers: Record<string, string>;
  body: string;
}

/** What the parent asks for. */
export interface LoadRun {
  type: "run";
  /** Where to POST: several URLs (instances behind a load balancer) take the requests in turn. */
  urls: string[];
  /** Requests per second. */
  rate: number;
  /** JSON file holding PreparedRequest[]. */
  requestsFile: string;
  /** Per-request time limit. */
  timeoutMs: number;
}

/** What comes back, one entry per request in file order. */
export interface LoadResult {
  type: "run:done";
  sentAt: number[];
  ackAt: number[];
  status: number[];
  /** How far behind its schedule the generator fell at worst (ms): if large, the generator was the bottleneck. */
  lagMs: number;
}

function post(agent: Agent, url: URL, prepared: PreparedRequest, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const body = Buffer.from(prepared.body, "utf8");
    const req = request(
      url,
      { method: "POST", agent, headers: { ...prepared.headers, "content-length": String(body.length) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

async function run(job: LoadRun): Promise<LoadResult> {
  const requests = JSON.parse(readFileSync(job.requestsFile, "utf8")) as PreparedRequest[];
  const urls = job.urls.map((u) => new URL(u));
  // Idle sockets are let go after 2 s, well before the server's keep-alive timeout (Node's 5 s): a server whose event
  // loop was held up past that timeout closes the socket with the request unread (its timers run before it reads),
  // a failed delivery the generator, unlike Lark, does not retry.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 2_000 });
  const n = requests.length;
  const sentAt = new Array<number>(n).fill(Number.NaN);
  const ackAt = new Array<number>(n).fill(Number.NaN);
  const status = new Array<number>(n).fill(0);
  const interval = 1000 / job.rate;
  const start = epochNow() + 20;
  const pending: Promise<void>[] = [];
  let lagMs = 0;
  let next = 0;
  // Bounded: each pass sends at least one request or sleeps until the next is due, and there are n requests.
  while (next < n) {
    const now = epochNow();
    const due = start + next * interval;
    if (due > now) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.floor(due - now))));
      continue;
    }
    lagMs = Math.max(lagMs, now - due);
    for (; next < n && start + next * interval <= now; next++) {
      const i = next;
      const prepared = requests[i] as PreparedRequest;
      sentAt[i] = epochNow();
      pending.push(
        post(agent, urls[i % urls.length] as URL, prepared, job.timeoutMs).then((code) => {
          ackAt[i] = code === 0 ? Number.NaN : epochNow();
          status[i] = code;
        }),
      );
    }
  }
  await Promise.all(pending);
  agent.destroy();
  return { type: "run:done", sentAt, ackAt, status, lagMs };
}

process.on("message", (message) => {
  if (!isTyped(message) || message.type !== "run") return;
  run(message as LoadRun).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error("load generator failed:", error);
      process.exit(1);
    },
  );
});
process.send?.({ type: "ready" });
