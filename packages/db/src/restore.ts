// Restoring an export: into an empty database (unless allowed otherwise), all or nothing, so a
// failure anywhere (a bad statement, a cut connection, a kill) leaves the target exactly as it was.
// Into an empty plain PostgreSQL database it loads on --jobs connections through staging schemas
// and makes everything visible in one short swap (staged-restore.ts). Into a Supabase project, with
// --allow-nonempty, or when the export cannot be staged, it runs in one transaction on one backend:
// schema.sql (prelude, tables, functions), every table's rows by COPY, post-data.sql (constraints,
// indexes, triggers, policies), sequences. Either way triggers do not exist while rows load, so they
// cannot fire twice. What the restore created is returned so a run can drop it again (undoRestore).
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { killPoint, OwnitError, redactUrl } from "@ownit/core";
import { connect, describeServer, serverVersion } from "./connection";
import { LOAD_SETTINGS, readExport, SCHEMA_FILE, type ExportFolder } from "./export-format";
import {
  created,
  databaseSettings,
  DROP_ORDER,
  inventory,
  itemKey,
  undoList,
  userObjects,
  type InventoryItem,
} from "./inventory";
import { defaultJobs } from "./parallel";
import { statisticsToGather } from "./planner-statistics";
import type { ProgressListener } from "./progress";
import { copyTableIn, RestoreStepError, runScript } from "./restore-load";
import { dropRestoreMarker, writeRestoreMarker } from "./restore-marker";
import { dropStaged, holdRestoreLock } from "./restore-staging";
import { qualified, quoteIdent, quoteLiteral } from "./sql";
import { stagedRestore } from "./staged-restore";
import { isSupabaseShaped, supabaseTargetLoad, type SupabaseTargetLoad } from "./supabase-target";

export { undoList } from "./inventory";

/** The oldest PostgreSQL the prelude and pg_dump's output are written for. */
export const MIN_TARGET_MAJOR = 14;
/** Session memory for the post-data step: index builds sort, foreign-key checks join. */
export const RESTORE_MAINTENANCE_WORK_MEM = "256MB";
export const RESTORE_WORK_MEM = "64MB";

export interface RestoreOptions {
  /** Restore into a database that already holds objects (its own objects stay untouched; one transaction). */
  allowNonEmpty?: boolean;
  onProgress?: ProgressListener;
  /** The ledger's run: marked in the target inside the transaction that makes the restore visible (restore-marker.ts). */
  runId?: string;
  /** Loading connections of a staged restore (default: the core count). */
  jobs?: number;
}

export interface RestoreResult {
  /** Redacted connection string. */
  target: string;
  serverVersion: string;
  tables: number;
  /** Rows and bytes that went through COPY (counted while loading, not taken from the manifest). */
  rows: number;
  bytes: number;
  durationMs: number;
  /** What the restore created ("schema \"auth\"", "table \"public\".\"profiles\"", "role \"anon\""), for undo. */
  created: string[];
  /** Database-level settings it added (ALTER DATABASE … SET), for undo. */
  databaseSettings: string[];
  /** Whether session_replication_role = replica was allowed (it is superuser-only). */
  replicationRole: boolean;
  /** How it loaded: on N connections through staging schemas, or in one transaction. */
  mode: "staged" | "single-transaction";
  /** What a killed earlier restore had left in the target (staging schemas, roles), dropped first. */
  leftoversDropped: string[];
  /** Set when the target was a Supabase project: what of the export's auth/storage it left to Supabase's own. */
  leftToSupabase?: string[];
  /** Set when the target was a Supabase project: its own tables the rows went into (undo deletes those rows). */
  filledSupabaseTables?: string[];
}

/** Errors that mean the server connection went away (backend terminated, socket closed). */
const CONNECTION_LOST = ["57P01", "57P02", "57P03", "ECONNRESET", "EPIPE"];

async function checkTarget(
  client: pg.Client,
  folder: ExportFolder,
  url: string,
  allowNonEmpty: boolean,
): Promise<{ version: string; before: InventoryItem[] }> {
  const version = await serverVersion(client);
  if (version.major < MIN_TARGET_MAJOR) {
    throw new OwnitError(
      "target-too-old",
      `${describeServer(url)} runs PostgreSQL ${version.version}; the export needs ${MIN_TARGET_MAJOR} or newer`,
      "restore into a newer server (`ownit db start` runs one locally)",
    );
  }
  const wanted = (folder.manifest.extensions ?? []).map((e) => e.name);
  if (wanted.length) {
    const { rows } = await client.query<{
      name: string;
      available: boolean;
      trusted: boolean;
      installed: boolean;
      superuser: boolean;
    }>(
      `select w.name, count(v.name) > 0 as available, coalesce(bool_or(v.trusted), false) as trusted,
              exists (select 1 from pg_extension x where x.extname = w.name) as installed,
              (select rolsuper from pg_roles where rolname = current_user) as superuser
         from unnest($1::text[]) as w(name) left join pg_available_extension_versions v on v.name = w.name
        group by w.name order by w.name`,
      [wanted],
    );
    const unavailable = rows.filter((r) => !r.available && !r.installed).map((r) => r.name);
    if (unavailable.length) {
      throw new OwnitError(
        "extension-unavailable",
        `${describeServer(url)} cannot create extension(s) ${unavailable.join(", ")}, which the export needs`,
        "install them on that server first (their packages for its PostgreSQL version), or restore into a server that has them",
      );
    }
    // Untrusted extensions need a superuser; an admin can create them first and the restore uses them.
    const needAdmin = rows.filter((r) => !r.installed && !r.trusted && !r.superuser).map((r) => r.name);
    if (needAdmin.length) {
      const schemaOf = (name: string) => folder.manifest.extensions!.find((e) => e.name === name)!.schema;
      throw new OwnitError(
        "extension-needs-superuser",
        `only a superuser can create extension(s) ${needAdmin.join(", ")} on ${describeServer(url)}, and the restoring role is not one`,
        `have an admin run ${needAdmin.map((n) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemaOf(n))}; CREATE EXTENSION ${quoteIdent(n)} SCHEMA ${quoteIdent(schemaOf(n))};`).join(" ")} in that database, then restore again`,
      );
    }
  }
  const before = await inventory(client);
  const existing = userObjects(before);
  if (existing.length && !allowNonEmpty) {
    const shown = existing.slice(0, 4).map(itemKey).join(", ");
    throw new OwnitError(
      "target-not-empty",
      `${describeServer(url)} is not empty: ${existing.length} object(s) already there (${shown}${existing.length > 4 ? ", …" : ""})`,
      "restore into an empty database (e.g. `createdb app_restored`), or pass --allow-nonempty to add to it",
    );
  }
  return { version: version.version, before };
}

function failure(url: string, error: unknown): OwnitError {
  if (error instanceof OwnitError) return error;
  const step = error instanceof RestoreStepError ? error.step : undefined;
  const cause = error instanceof RestoreStepError ? error.cause : error;
  const e = cause as { code?: string; message?: string };
  const message = String(e.message ?? cause).split("\n")[0]!;
  const where = `restore into ${describeServer(url)} failed${step ? ` at ${step}` : ""}`;
  const cut =
    CONNECTION_LOST.includes(e.code ?? "") ||
    /Connection terminated|connection.*(closed|ended)|not queryable|EPIPE/i.test(message);
  const hint =
    e.code === "42501"
      ? "restore as the database's owner (or a superuser): creating roles and extensions needs those rights"
      : e.code === "42P07" || e.code === "42710" || e.code === "42723"
        ? "the target already has that object: restore into an empty database"
        : cut
          ? "the connection was cut mid-restore; start it again"
          : "fix the cause above and restore again";
  return new OwnitError(
    "restore-failed",
    `${where}: ${cut ? `the connection was cut (${message})` : message}; nothing was restored, the target is as it was`,
    hint,
    { cause },
  );
}

interface Loaded {
  rows: number;
  bytes: number;
  created: InventoryItem[];
  settingsAdded: string[];
  replicationRole: boolean;
}

/** The one-transaction restore: one backend, everything (also a failure) at once. */
async function singleTransactionRestore(
  client: pg.Client,
  folder: ExportFolder,
  url: string,
  target: { before: InventoryItem[]; settingsBefore: string[]; supabase?: SupabaseTargetLoad },
  options: RestoreOptions,
): Promise<Loaded> {
  const { before, supabase } = target;
  let replicationRole = false;
  let rows = 0;
  let bytes = 0;
  try {
    await client.query("BEGIN");
    replicationRole = await replicaWherePermitted(client);
    // Memory for building indexes and checking foreign keys after the load (this session only).
    await client.query(
      `SET LOCAL maintenance_work_mem = '${RESTORE_MAINTENANCE_WORK_MEM}'; SET LOCAL work_mem = '${RESTORE_WORK_MEM}'`,
    );
    await runScript(client, supabase?.schemaSql ?? folder.schemaSql, SCHEMA_FILE);
    await client.query(LOAD_SETTINGS.join("\n"));
    const existed = new Set(before.filter((i) => i.kind === "table").map((i) => `${i.schema}.${i.name}`));
    for (const table of folder.manifest.tables) {
      // Rows of a table created in this transaction can be written frozen: nobody else can
      // see them before the commit, and readers later need not set hint bits on every page.
      const freeze = !existed.has(`${table.schema}.${table.name}`);
      const loaded = await copyTableIn(client, folder, table, {
        schema: table.schema,
        freeze,
        url,
        onProgress: options.onProgress,
      });
      rows += loaded.rows;
      bytes += loaded.bytes;
    }
    const postData = supabase?.postDataSql ?? folder.postDataSql;
    if (postData) await runScript(client, postData, "post-data.sql");
    for (const s of folder.manifest.sequences) {
      await client.query(
        `SELECT pg_catalog.setval(${quoteLiteral(qualified(s.schema, s.name))}, ${BigInt(s.lastValue)}, ${s.isCalled})`,
      );
    }
    const made = created(before, await inventory(client));
    const settingsAdded = (await databaseSettings(client)).filter((s) => !target.settingsBefore.includes(s));
    if (options.runId)
      await writeRestoreMarker(client, options.runId, { created: undoList(made), databaseSettings: settingsAdded });
    killPoint("restore-commit");
    await client.query("COMMIT");
    killPoint("restore-committed");
    return { rows, bytes, created: made, settingsAdded, replicationRole };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** session_replication_role = replica for this transaction, where the role may set it (superuser only). */
async function replicaWherePermitted(client: pg.Client): Promise<boolean> {
  await client.query("SAVEPOINT replication_role");
  try {
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query("RELEASE SAVEPOINT replication_role");
    return true;
  } catch {
    // Not a superuser: triggers are created after the rows anyway (post-data.sql), so none fire.
    await client.query("ROLLBACK TO SAVEPOINT replication_role");
    await client.query("RELEASE SAVEPOINT replication_role");
    return false;
  }
}

/**
 * Restores an export folder into the database at targetUrl, all or nothing. Refuses a non-empty
 * target unless allowNonEmpty. No process globals: usable from any caller.
 */
export async function restoreExport(exportDir: string, targetUrl: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = Date.now();
  const folder = readExport(exportDir);
  const client = await connect(targetUrl, "target");
  try {
    await client.query(
      "SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET client_min_messages = warning",
    );
    // One restore per database at a time; what a killed one left goes before the target is judged empty.
    await holdRestoreLock(client, targetUrl);
    const leftoversDropped = await dropStaged(client);
    // A Supabase project of the owner's own: load into Supabase's auth/storage instead of creating them.
    const supabase = (await isSupabaseShaped(client)) ? await supabaseTargetLoad(client, folder) : undefined;
    const { version, before } = await checkTarget(client, folder, targetUrl, options.allowNonEmpty ?? supabase !== undefined);
    const target = { before, settingsBefore: await databaseSettings(client), supabase };
    let loaded: Loaded | undefined;
    try {
      if (!supabase && !options.allowNonEmpty)
        loaded = await stagedRestore({
          client,
          url: targetUrl,
          folder,
          ...target,
          stagingId: options.runId ?? `restore-${randomBytes(6).toString("hex")}`,
          runId: options.runId,
          jobs: Math.max(1, options.jobs ?? defaultJobs()),
          onProgress: options.onProgress,
        });
    } catch (error) {
      throw failure(targetUrl, error);
    }
    const mode = loaded ? "staged" : "single-transaction";
    if (!loaded) {
      loaded = await singleTransactionRestore(client, folder, targetUrl, target, options).catch((error: unknown) => {
        throw failure(targetUrl, error);
      });
      // Planner statistics autovacuum will not gather (outside the transaction: it changes no data).
      const gather = await statisticsToGather(client, folder.manifest.tables).catch(() => undefined);
      const analyzed = [
        ...folder.manifest.tables.filter((t) => gather?.tables.has(`${t.schema}.${t.name}`)),
        ...(gather?.parents ?? []),
      ];
      for (const table of analyzed) await client.query(`ANALYZE ${qualified(table.schema, table.name)}`).catch(() => {});
    }
    return {
      target: redactUrl(targetUrl),
      serverVersion: version,
      tables: folder.manifest.tables.length,
      rows: loaded.rows,
      bytes: loaded.bytes,
      durationMs: Date.now() - started,
      created: undoList(loaded.created),
      databaseSettings: loaded.settingsAdded,
      replicationRole: loaded.replicationRole,
      mode,
      leftoversDropped,
      ...(supabase ? supabaseOutcome(folder, supabase, before) : {}),
    };
  } finally {
    await client.end().catch(() => {});
  }
}

function supabaseOutcome(folder: ExportFolder, supabase: SupabaseTargetLoad, before: InventoryItem[]) {
  const had = new Set(before.filter((i) => i.kind === "table").map((i) => `${i.schema}.${i.name}`));
  return {
    leftToSupabase: supabase.leftToSupabase,
    filledSupabaseTables: folder.manifest.tables.map((t) => `${t.schema}.${t.name}`).filter((k) => had.has(k)),
  };
}

function parseItem(entry: string): { kind: string; id: string } {
  const kind = [...DROP_ORDER].sort((a, b) => b.length - a.length).find((k) => entry.startsWith(`${k} `));
  if (!kind) throw new OwnitError("ledger-corrupt", `unknown object "${entry}" in the restore's record`, "drop it by hand");
  return { kind, id: entry.slice(kind.length + 1) };
}

export interface UndoResult {
  dropped: string[];
  /** Roles still in use elsewhere in the cluster, left in place. */
  kept: string[];
}

/**
 * Drops what a restore created (the list restoreExport returned), in one transaction; then the
 * roles it created, each on its own (a role other databases use stays, and is reported).
 */
export async function undoRestore(
  targetUrl: string,
  record: { created: string[]; databaseSettings?: string[]; runId?: string },
): Promise<UndoResult> {
  const items = record.created.map(parseItem);
  const order = (k: string) => DROP_ORDER.indexOf(k as (typeof DROP_ORDER)[number]);
  const objects = items.filter((i) => i.kind !== "role").sort((a, b) => order(a.kind) - order(b.kind));
  const roles = items.filter((i) => i.kind === "role");
  const client = await connect(targetUrl, "target");
  const dropped: string[] = [];
  const kept: string[] = [];
  try {
    await client.query("BEGIN");
    try {
      for (const item of objects) {
        await client.query(`DROP ${item.kind.toUpperCase()} IF EXISTS ${item.id} CASCADE`);
        dropped.push(`${item.kind} ${item.id}`);
      }
      for (const setting of record.databaseSettings ?? []) {
        await client.query(
          `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET ${setting.replace(/[^a-z_]/gi, "")}', current_database()); END $$`,
        );
      }
      if (record.runId) await dropRestoreMarker(client, record.runId);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw new OwnitError(
        "undo-failed",
        `dropping what the restore created in ${describeServer(targetUrl)} failed: ${(error as Error).message.split("\n")[0]}; nothing was dropped`,
        "check the connection and that you connect as the role that restored",
      );
    }
    for (const role of roles) {
      try {
        await client.query("BEGIN");
        await client.query(`DROP OWNED BY ${role.id} CASCADE`);
        await client.query(`DROP ROLE IF EXISTS ${role.id}`);
        await client.query("COMMIT");
        dropped.push(`role ${role.id}`);
      } catch {
        await client.query("ROLLBACK").catch(() => {});
        kept.push(role.id);
      }
    }
  } finally {
    await client.end().catch(() => {});
  }
  return { dropped, kept };
}
