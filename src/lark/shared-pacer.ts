import type { PostgresDb } from "../db/client.ts";
import type { Logger } from "../log.ts";
import {
  type Clock,
  LARK_RATE_RULES,
  limitsFor,
  type PacerRules,
  type PaceTicket,
  type Pacing,
  systemClock,
} from "./pacer.ts";

/** Takes of all instances are serialized on this advisory lock (namespace, key): Lark calls are tens per second. */
const PACE_LOCK = [7_301, 1] as const;
/** Every this many takes, calls older than any window and pauses that ran out are deleted. */
const PRUNE_EVERY = 500;
/** Calls are kept this long: longer than the longest window (a minute). */
const KEEP_MS = 120_000;

/**
 * Lark's limits are per app, so instances sharing a PostgreSQL database pace together: each call is recorded in
 * PaceCall, and a call is admitted only while every one of its keys has room in every sliding window, counting the
 * calls of all instances (the same rules and the same semantics as the in-memory `Pacer`). Times are the database's,
 * so the instances' clocks need not agree. A pause after a rate-limit answer holds the key back on every instance.
 */
export class SharedPacer implements Pacing {
  private readonly rules: PacerRules;
  private readonly clock: Clock;
  private takes = 0;

  constructor(
    private readonly db: PostgresDb,
    private readonly log: Logger,
    options: { rules?: PacerRules; clock?: Clock } = {},
  ) {
    this.rules = options.rules ?? LARK_RATE_RULES;
    this.clock = options.clock ?? systemClock;
  }

  async take(keys: readonly string[]): Promise<PaceTicket> {
    const limits = keys.flatMap((key) => limitsFor(this.rules, key).map((limit) => ({ key, ...limit })));
    if (++this.takes % PRUNE_EVERY === 0) await this.prune();
    for (;;) {
      const taken = await this.db.$transaction(async (tx) => {
        await tx.$queryRawUnsafe("SELECT pg_advisory_xact_lock($1, $2)::text", ...PACE_LOCK);
        const [row] = await tx.$queryRawUnsafe<{ wait: number | null }[]>(
          `WITH "limit" AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS l("key", "calls", "ms")),
                "clock" AS (SELECT clock_timestamp()::timestamp(3) AS "now")
           SELECT ceil(max("wait"))::float8 AS "wait" FROM (
             SELECT extract(epoch FROM "blocking"."at" + l."ms" * interval '1 millisecond' - c."now") * 1000 AS "wait"
               FROM "limit" l CROSS JOIN "clock" c CROSS JOIN LATERAL (
                 SELECT p."at" FROM "PaceCall" p
                  WHERE p."key" = l."key" AND p."at" > c."now" - l."ms" * interval '1 millisecond'
                  ORDER BY p."at" DESC OFFSET l."calls" - 1 LIMIT 1) AS "blocking"
             UNION ALL
             SELECT extract(epoch FROM p."until" - c."now") * 1000
               FROM "PacePause" p CROSS JOIN "clock" c WHERE p."key" = ANY($4::text[])
           ) AS "waits"`,
          limits.map((l) => l.key),
          limits.map((l) => l.limit),
          limits.map((l) => l.windowMs),
          [...keys],
        );
        const wait = row?.wait ?? 0;
        if (wait > 0) return { wait, ids: undefined };
        const ids = await tx.$queryRawUnsafe<{ id: number }[]>(
          `INSERT INTO "PaceCall" ("key", "at") SELECT k, clock_timestamp()::timestamp(3) FROM unnest($1::text[]) AS k
           RETURNING "id"`,
          [...keys],
        );
        return { wait: 0, ids: ids.map((r) => r.id) };
      });
      if (taken.ids) return this.ticket(taken.ids);
      await this.clock.sleep(taken.wait);
    }
  }

  pause(key: string, untilMs: number): void {
    const ms = Math.max(0, Math.ceil(untilMs - this.clock.now()));
    this.db
      .$executeRawUnsafe(
        `INSERT INTO "PacePause" ("key", "until") VALUES ($1, clock_timestamp()::timestamp(3) + $2 * interval '1 millisecond')
         ON CONFLICT ("key") DO UPDATE SET "until" = GREATEST("PacePause"."until", EXCLUDED."until")`,
        key,
        ms,
      )
      .catch((error: unknown) => this.log.warn({ err: error, key }, "cannot record a pacing pause"));
  }

  /** Lark counts a call when it arrives: the record moves to when the answer came (see `Pacer`). */
  private ticket(ids: number[]): PaceTicket {
    let open = ids.length > 0;
    return {
      finish: () => {
        if (!open) return;
        open = false;
        this.db
          .$executeRawUnsafe(
            `UPDATE "PaceCall" SET "at" = clock_timestamp()::timestamp(3) WHERE "id" = ANY($1::int[])`,
            ids,
          )
          .catch((error: unknown) => this.log.warn({ err: error }, "cannot move a pacing record"));
      },
    };
  }

  private async prune(): Promise<void> {
    await this.db.$executeRawUnsafe(
      `DELETE FROM "PaceCall" WHERE "at" < clock_timestamp()::timestamp(3) - $1 * interval '1 millisecond'`,
      KEEP_MS,
    );
    await this.db.$executeRawUnsafe(`DELETE FROM "PacePause" WHERE "until" < clock_timestamp()::timestamp(3)`);
  }
}
