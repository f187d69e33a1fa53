// What a staged restore leaves in the target while it loads, and how it is found and dropped again.
// Phase one commits the export's schemas under staging names (`ownit_stage_<name>`) together with a
// row in ownit_staging.restores naming them, the roles it created and the database settings it
// added; the swap deletes that row in the transaction that gives the schemas their real names. So
// a row still there means a restore that never swapped: a failed one drops its own, and a killed
// one's is dropped by the recovery of the next ownit command (`runs`, `rollback`) or by the next
// restore into the same database, before it judges the target empty. Every restore holds one
// advisory lock on the database while it runs, so a cleanup never drops a live restore's staging.
import type pg from "pg";
import { OwnitError } from "@ownit/core";
import { connect, describeServer } from "./connection";
import { quoteIdent } from "./sql";

export const STAGING_SCHEMA = "ownit_staging";
const STAGING_TABLE = `${quoteIdent(STAGING_SCHEMA)}."restores"`;
/** Prefix of a schema being loaded. */
export const STAGED_PREFIX = "ownit_stage_";
/** Where the target's own empty `public` waits while the export's is created under its real name. */
export const HELD_PUBLIC = "ownit_hold_public";
/** The loading connections' application_name: a cleanup ends those a killed restore left running. */
export const LOADER_APPLICATION = "ownit restore loader";
/** The advisory lock every restore holds on its target database (pg_advisory_lock(hashtext(key))). */
const RESTORE_LOCK = "ownit restore";
/** How long a restore or a cleanup waits for another restore's lock (a killed one's goes when its server notices). */
const LOCK_WAIT_MS = 15_000;

export interface StagingRecord {
  runId: string;
  /** Real schema name → its staging name. */
  schemas: Record<string, string>;
  /** Roles this restore created (cluster-wide: dropped only when nothing else uses them). */
  roles: string[];
  /** Database settings (ALTER DATABASE … SET) it added. */
  settings: string[];
  /** Extensions it created (one in a schema the target already had, e.g. an admin's `extensions`, is not staged). */
  extensions: string[];
}

/** The staging name of a schema: readable where it fits PostgreSQL's 63 bytes, numbered where it does not. */
export function stagedName(schema: string, index: number): string {
  const name = `${STAGED_PREFIX}${schema}`;
  return Buffer.byteLength(name) <= 63 ? name : `${STAGED_PREFIX}${index}`;
}

/** Takes the database's restore lock for this session, waiting a while for another restore (or a killed one's session) to end. */
export async function holdRestoreLock(client: pg.Client, url: string): Promise<void> {
  for (const until = Date.now() + LOCK_WAIT_MS; ; await new Promise((r) => setTimeout(r, 250))) {
    const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtext($1)) as ok", [RESTORE_LOCK]);
    if (rows[0]!.ok) return;
    if (Date.now() > until)
      throw new OwnitError(
        "restore-running",
        `another ownit restore is loading into ${describeServer(url)}`,
        "wait for it to finish (or stop it), then run this again",
      );
  }
}

/** Records a staging in the target; call in phase one's transaction. */
export async function writeStagingRecord(client: pg.Client, record: StagingRecord): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(STAGING_SCHEMA)}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${STAGING_TABLE} (run_id text PRIMARY KEY, schemas jsonb NOT NULL, roles jsonb NOT NULL, settings jsonb NOT NULL, extensions jsonb NOT NULL, started_at timestamptz NOT NULL DEFAULT now())`,
  );
  await client.query(
    `COMMENT ON TABLE ${STAGING_TABLE} IS 'ownit restores loading into this database (or killed while loading): their ownit_stage_* schemas'`,
  );
  await client.query(`INSERT INTO ${STAGING_TABLE} (run_id, schemas, roles, settings, extensions) VALUES ($1, $2, $3, $4, $5)`, [
    record.runId,
    JSON.stringify(record.schemas),
    JSON.stringify(record.roles),
    JSON.stringify(record.settings),
    JSON.stringify(record.extensions),
  ]);
}

/** Forgets a staging (the swap's transaction), and the staging schema once no restore is in it. */
export async function deleteStagingRecord(client: pg.Client, runId: string): Promise<void> {
  await client.query(`DELETE FROM ${STAGING_TABLE} WHERE run_id = $1`, [runId]);
  const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${STAGING_TABLE}`);
  if (!rows[0]!.n) await client.query(`DROP SCHEMA ${quoteIdent(STAGING_SCHEMA)} CASCADE`);
}

async function stagingRecords(client: pg.Client, runId?: string): Promise<StagingRecord[]> {
  const { rows: exists } = await client.query<{ t: string | null }>("select to_regclass($1) as t", [
    `${STAGING_SCHEMA}.restores`,
  ]);
  if (!exists[0]?.t) return [];
  const { rows } = await client.query<StagingRecord>(
    `select run_id as "runId", schemas, roles, settings, extensions from ${STAGING_TABLE} where $1::text is null or run_id = $1 order by started_at`,
    [runId ?? null],
  );
  return rows;
}

/**
 * Drops what stagings that never swapped left (all of them, or runId's): the extensions, schemas,
 * settings and roles they created. The caller holds the restore lock, so none of them is still loading;
 * connections a killed restore left building an index are ended first. Returns what was dropped.
 */
export async function dropStaged(client: pg.Client, runId?: string): Promise<string[]> {
  const records = await stagingRecords(client, runId);
  if (!records.length) return [];
  await client.query(
    "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1 and pid <> pg_backend_pid()",
    [LOADER_APPLICATION],
  );
  const dropped: string[] = [];
  await client.query("BEGIN");
  try {
    for (const record of records) {
      for (const extension of record.extensions) {
        await client.query(`DROP EXTENSION IF EXISTS ${quoteIdent(extension)} CASCADE`);
        dropped.push(`extension ${extension}`);
      }
      for (const staged of Object.values(record.schemas)) {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(staged)} CASCADE`);
        dropped.push(`schema ${staged}`);
      }
      for (const setting of record.settings)
        await client.query(
          `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET ${setting.replace(/[^a-z_]/gi, "")}', current_database()); END $$`,
        );
      await deleteStagingRecord(client, record.runId);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
  for (const role of records.flatMap((r) => r.roles)) if (await dropRoleIfUnused(client, role)) dropped.push(`role ${role}`);
  return dropped;
}

/** Drops a role the restore created, unless another database still uses it. */
async function dropRoleIfUnused(client: pg.Client, role: string): Promise<boolean> {
  // With the staged schemas gone nothing here names it any more; DROP OWNED BY (which a CREATEROLE owner on
  // PostgreSQL 15 may not run) only for what else in this database still does.
  for (const statements of [
    [`DROP ROLE IF EXISTS ${quoteIdent(role)}`],
    [`DROP OWNED BY ${quoteIdent(role)} CASCADE`, `DROP ROLE IF EXISTS ${quoteIdent(role)}`],
  ]) {
    try {
      await client.query("BEGIN");
      for (const statement of statements) await client.query(statement);
      await client.query("COMMIT");
      return true;
    } catch {
      await client.query("ROLLBACK").catch(() => {});
    }
  }
  return false;
}

/** For recovery: connects, takes the restore lock and drops what a killed staged restore (runId's, or any) left. */
export async function dropStagedRestore(targetUrl: string, runId?: string): Promise<string[]> {
  const client = await connect(targetUrl, "target");
  try {
    await holdRestoreLock(client, targetUrl);
    return await dropStaged(client, runId);
  } finally {
    await client.end().catch(() => {});
  }
}
