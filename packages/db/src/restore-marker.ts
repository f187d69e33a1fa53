// A restore marks itself in the target, inside its own transaction: one row in ownit.restore_runs
// naming the run and what it created. The row commits with the data or not at all, so after a kill
// between COMMIT and the ledger write a later `ownit runs`/`rollback` asks the target what happened.
import type pg from "pg";
import { connect } from "./connection";
import { quoteIdent } from "./sql";

export const RESTORE_MARKER_SCHEMA = "ownit";
export const RESTORE_MARKER_TABLE = "restore_runs";
const MARKER = `${quoteIdent(RESTORE_MARKER_SCHEMA)}.${quoteIdent(RESTORE_MARKER_TABLE)}`;

export interface RestoreMarker {
  created: string[];
  databaseSettings: string[];
}

/** Records the run in the target; call inside the restore's transaction, just before COMMIT. */
export async function writeRestoreMarker(client: pg.Client, runId: string, marker: RestoreMarker): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(RESTORE_MARKER_SCHEMA)}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${MARKER} (run_id text PRIMARY KEY, created jsonb NOT NULL, database_settings jsonb NOT NULL, restored_at timestamptz NOT NULL DEFAULT now())`,
  );
  await client.query(`COMMENT ON TABLE ${MARKER} IS 'ownit restores into this database, one row per run: what rollback drops'`);
  await client.query(`INSERT INTO ${MARKER} (run_id, created, database_settings) VALUES ($1, $2, $3)`, [
    runId,
    JSON.stringify(marker.created),
    JSON.stringify(marker.databaseSettings),
  ]);
}

/** The committed marker of a run, or undefined when its restore never committed. */
export async function readRestoreMarker(targetUrl: string, runId: string): Promise<RestoreMarker | undefined> {
  const client = await connect(targetUrl, "target");
  try {
    const { rows: exists } = await client.query<{ t: string | null }>("select to_regclass($1) as t", [
      `${RESTORE_MARKER_SCHEMA}.${RESTORE_MARKER_TABLE}`,
    ]);
    if (!exists[0]?.t) return undefined;
    const { rows } = await client.query<{ created: string[]; database_settings: string[] }>(
      `select created, database_settings from ${MARKER} where run_id = $1`,
      [runId],
    );
    return rows[0] ? { created: rows[0].created, databaseSettings: rows[0].database_settings } : undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Removes a run's marker (inside the undo's transaction), and the marker table once it is empty. */
export async function dropRestoreMarker(client: pg.Client, runId: string): Promise<void> {
  const { rows } = await client.query<{ t: string | null }>("select to_regclass($1) as t", [
    `${RESTORE_MARKER_SCHEMA}.${RESTORE_MARKER_TABLE}`,
  ]);
  if (!rows[0]?.t) return;
  await client.query(`DELETE FROM ${MARKER} WHERE run_id = $1`, [runId]);
  const { rows: left } = await client.query<{ n: number }>(`select count(*)::int as n from ${MARKER}`);
  if (left[0]!.n) return;
  await client.query(`DROP TABLE ${MARKER}`);
  const { rows: others } = await client.query<{ n: number }>(
    "select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1",
    [RESTORE_MARKER_SCHEMA],
  );
  if (!others[0]!.n) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(RESTORE_MARKER_SCHEMA)}`);
}
