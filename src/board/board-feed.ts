import type { ServerResponse } from "node:http";
import type { Context } from "koa";
import { DEFAULT_ESCALATE_AFTER_HOURS } from "../domain/clock-settings.ts";
import { OPEN_STATUSES } from "../domain/types.ts";
import { keepAlive, openEventStream, SSE_KEEPALIVE_MS, sendEvent } from "../http/sse.ts";
import { loadScope, PLACED_SELECT, type Placed, type Scope } from "../reports/stats-scope.ts";
import { BoardRefusal, viewerOfToken } from "./board-auth.ts";
import type { BoardDeps } from "./board-deps.ts";

/** How often the feed looks for changes: changes reach open boards within this plus a page reload (< 5 s). */
export const FEED_POLL_MS = 1000;
/** Commits can land a little out of order; each look goes back this far and skips what it has already seen. */
const OVERLAP_MS = 3000;
const HOUR_MS = 3_600_000;

/** One open board: its token (checked again as time passes and duties change) and the issues it may see. */
interface Client {
  res: ServerResponse;
  token: string;
  scope: Scope;
}

/** What a board is told: something of its units changed (it reloads), or its link stopped working (it says so). */
export type FeedEvent = { type: "changed"; numbers: number[] } | { type: "refused"; reason: string; message: string };

/**
 * Live updates for open boards, over server-sent events. While any board is open it looks at the database once a
 * second — issues whose row changed since the last look (any process's changes: the database is the only shared
 * state), and open issues that have just become overdue or gone on the books — and tells each board about the
 * issues of its own units only. A board whose link expires, or whose person may no longer see its units, is told
 * and its stream ends.
 */
export class BoardFeed {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private lastLook: { wall: number; clock: number } | undefined;
  private readonly seen = new Map<number, number>();
  private looking: Promise<void> | undefined;

  constructor(private readonly deps: BoardDeps) {}

  /** Opens a stream for a token already checked by the caller. */
  async open(ctx: Context, token: string): Promise<void> {
    const viewer = await viewerOfToken(this.deps, token);
    const scope = await loadScope(this.deps.db, viewer.units);
    const client: Client = { res: openEventStream(ctx), token, scope };
    this.clients.add(client);
    client.res.once("close", () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.pause();
    });
    this.resume();
  }

  /** Ends every stream and stops looking. */
  close(): void {
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    this.pause();
  }

  /** Looks once now (tests and the sandbox's clock jumps); what the timer does every second. */
  look(): Promise<void> {
    this.looking ??= this.lookOnce().finally(() => {
      this.looking = undefined;
    });
    return this.looking;
  }

  private resume(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.look().catch((error: unknown) => this.deps.log.warn({ err: error }, "board feed look failed"));
    }, FEED_POLL_MS);
    this.keepalive = setInterval(() => {
      for (const client of this.clients) keepAlive(client.res);
    }, SSE_KEEPALIVE_MS);
  }

  private pause(): void {
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = undefined;
    this.keepalive = undefined;
    this.lastLook = undefined;
    this.seen.clear();
  }

  private async lookOnce(): Promise<void> {
    const { db } = this.deps;
    const wall = Date.now();
    const clock = this.deps.now().getTime();
    const last = this.lastLook ?? { wall, clock };
    this.lastLook = { wall, clock };
    const changed = await db.issue.findMany({
      where: { updatedAt: { gte: new Date(last.wall - OVERLAP_MS) } },
      select: { id: true, number: true, ...PLACED_SELECT, updatedAt: true },
    });
    const fresh = changed.filter((i) => this.seen.get(i.id) !== i.updatedAt.getTime());
    for (const issue of changed) this.seen.set(issue.id, issue.updatedAt.getTime());
    for (const [id, at] of this.seen) if (at < last.wall - 2 * OVERLAP_MS) this.seen.delete(id);
    // Time alone turns an issue overdue, and a day later puts it on the books (src/domain/board-state.ts).
    const onBooks = DEFAULT_ESCALATE_AFTER_HOURS * HOUR_MS;
    const crossed =
      clock > last.clock
        ? await db.issue.findMany({
            where: {
              status: { in: [...OPEN_STATUSES] },
              OR: [
                { deadline: { gt: new Date(last.clock), lte: new Date(clock) } },
                { deadline: { gt: new Date(last.clock - onBooks), lte: new Date(clock - onBooks) } },
              ],
            },
            select: { id: true, number: true, ...PLACED_SELECT, updatedAt: true },
          })
        : [];
    const issues = [...fresh, ...crossed];
    for (const client of [...this.clients]) await this.tell(client, issues);
  }

  private async tell(client: Client, issues: (Placed & { number: number })[]): Promise<void> {
    try {
      const viewer = await viewerOfToken(this.deps, client.token);
      if (viewer.units.join() !== client.scope.roots.map((r) => r.id).join()) {
        client.scope = await loadScope(this.deps.db, viewer.units);
        sendEvent(client.res, { type: "changed", numbers: [] } satisfies FeedEvent);
      }
    } catch (error) {
      if (!(error instanceof BoardRefusal)) throw error;
      sendEvent(client.res, { type: "refused", reason: error.reason, message: error.message } satisfies FeedEvent);
      client.res.end();
      this.clients.delete(client);
      return;
    }
    const numbers = issues.filter((i) => client.scope.contains(i)).map((i) => i.number);
    if (numbers.length > 0)
      sendEvent(client.res, { type: "changed", numbers: [...new Set(numbers)] } satisfies FeedEvent);
  }
}
