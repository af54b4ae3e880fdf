import { Mutex } from "async-mutex";
import type pg from "pg";
import type { Logger } from "../log.ts";

/**
 * Who works on a lane — the events of one chat, handled in order — at a time. In one process (SQLite) the inbox
 * keeps that itself; instances sharing a PostgreSQL database take a lane's lock before working on it.
 */
export interface LaneLocks {
  /** Whether other processes take lanes too, so their events must be looked for regularly. */
  readonly shared: boolean;
  /** Takes those of `lanes` that no other process holds; returns the ones taken. */
  take(lanes: readonly string[]): Promise<Set<string>>;
  /** Lets a lane go, for whichever process looks next. */
  release(lane: string): Promise<void>;
  close(): Promise<void>;
}

/** One process is the only one working: every lane is its own. */
export const processLanes: LaneLocks = {
  shared: false,
  take: async (lanes) => new Set(lanes),
  release: async () => {},
  close: async () => {},
};

/** Advisory locks of lanes live in this namespace (the first key of PostgreSQL's two-key advisory locks). */
const LANE_NAMESPACE = 7_302;

/**
 * Lane locks of instances sharing a PostgreSQL database: session advisory locks held on a connection of their own,
 * so a lane is owned by one instance at a time and is free the moment its owner dies (its connection closes), for
 * another instance to take over where it stopped. Lanes are hashed into the lock space; two lanes sharing a hash are
 * merely worked on by one instance.
 */
export class AdvisoryLaneLocks implements LaneLocks {
  readonly shared = true;
  private connection: Promise<pg.Client> | undefined;
  /** The connection runs one query at a time. */
  private readonly turn = new Mutex();

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  async take(lanes: readonly string[]): Promise<Set<string>> {
    if (lanes.length === 0) return new Set();
    const { rows } = await this.query<{ lane: string }>(
      `SELECT "lane" FROM unnest($1::text[]) AS "lane" WHERE pg_try_advisory_lock(${LANE_NAMESPACE}, hashtext("lane"))`,
      [lanes],
    );
    return new Set(rows.map((r) => r.lane));
  }

  async release(lane: string): Promise<void> {
    await this.query(`SELECT pg_advisory_unlock(${LANE_NAMESPACE}, hashtext($1))`, [lane]);
  }

  private query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    return this.turn.runExclusive(async () => (await this.client()).query<R>(sql, values));
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await (await connection).end().catch(() => {});
  }

  private client(): Promise<pg.Client> {
    this.connection ??= (async () => {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: this.databaseUrl });
      client.on("error", (error) => {
        // Every lock this connection held is gone with it: lanes at work here may be taken elsewhere.
        this.log.error({ err: error }, "lane lock connection lost; reconnecting");
        this.connection = undefined;
      });
      try {
        await client.connect();
      } catch (error) {
        this.connection = undefined;
        throw error;
      }
      return client;
    })();
    return this.connection;
  }
}
