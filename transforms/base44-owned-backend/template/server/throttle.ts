// Counting attempts per key in a window (wrong passwords per account and per address, reset
// mails, sign-up notices, SendEmail and InvokeLLM calls per user), so brute force, mail bombing and
// a runaway bill stop at a limit the owner sets. Counts live in PostgreSQL (ownit_auth.throttle),
// so every replica of the server shares one budget and a restart forgets nothing. Each count is one
// atomic upsert; the window opens at the first event and closes `windowMs` later, timed by the
// database's clock (replicas' clocks may differ). Keys are stored as SHA-256: no addresses or
// emails in the table.
import { createHash } from "node:crypto";
import type pg from "pg";

export interface Limit {
  /** At most this many events… */
  max: number;
  /** …in this many milliseconds. */
  windowMs: number;
}

/** Every table statement the throttle needs (part of the auth schema db:setup creates). */
export const THROTTLE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS ownit_auth.throttle (
  bucket text NOT NULL,
  key_hash text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (bucket, key_hash)
);
`;

/** Old windows are deleted once every this many counts (per process): the table stays small. */
const PRUNE_EVERY = 200;

export class Throttle {
  private counted = 0;

  /** `bucket` names what is counted ("login-account"); one table holds every bucket. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly bucket: string,
    private readonly limit: Limit,
  ) {}

  private keyHash(key: string): string {
    return createHash("sha256").update(key).digest("hex");
  }

  private get windowSecs(): number {
    return this.limit.windowMs / 1000;
  }

  /** Seconds until the key may act again; 0 when it is under its limit (nothing is counted). */
  async retryAfter(key: string): Promise<number> {
    const { rows } = await this.pool.query<{ wait: number }>(
      `SELECT greatest(0, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now())))::int AS wait
         FROM ownit_auth.throttle WHERE bucket = $1 AND key_hash = $2 AND hits >= $4 AND window_start > now() - make_interval(secs => $3)`,
      [this.bucket, this.keyHash(key), this.windowSecs, this.limit.max],
    );
    return rows[0]?.wait ?? 0;
  }

  /** Whether the key is at its limit (nothing is counted). */
  async blocked(key: string): Promise<boolean> {
    return (await this.retryAfter(key)) > 0;
  }

  /** Counts one event; returns the count in the current window (a window that has passed starts again at 1). */
  async hit(key: string): Promise<number> {
    const { rows } = await this.pool.query<{ hits: number }>(
      `INSERT INTO ownit_auth.throttle AS t (bucket, key_hash, window_start, hits) VALUES ($1, $2, now(), 1)
       ON CONFLICT (bucket, key_hash) DO UPDATE SET
         hits = CASE WHEN t.window_start > now() - make_interval(secs => $3) THEN t.hits + 1 ELSE 1 END,
         window_start = CASE WHEN t.window_start > now() - make_interval(secs => $3) THEN t.window_start ELSE now() END
       RETURNING hits`,
      [this.bucket, this.keyHash(key), this.windowSecs],
    );
    if (++this.counted % PRUNE_EVERY === 0) await this.prune();
    return rows[0]!.hits;
  }

  /** Counts one event unless the key is at its limit; false when it is (one statement: racing replicas cannot both slip in). */
  async take(key: string): Promise<boolean> {
    return (await this.hit(key)) <= this.limit.max;
  }

  /** Forgets a key (a right password clears the wrong ones). */
  async clear(key: string): Promise<void> {
    await this.pool.query(`DELETE FROM ownit_auth.throttle WHERE bucket = $1 AND key_hash = $2`, [this.bucket, this.keyHash(key)]);
  }

  /** Deletes this bucket's windows that have closed. */
  async prune(): Promise<void> {
    await this.pool.query(`DELETE FROM ownit_auth.throttle WHERE bucket = $1 AND window_start <= now() - make_interval(secs => $2)`, [this.bucket, this.windowSecs]);
  }
}
