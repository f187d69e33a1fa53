// `ownit dump`: a Supabase (or any PostgreSQL) database into a portable export folder. One
// REPEATABLE READ READ ONLY transaction exports its snapshot; pg_dump (schema) and parallel COPY
// connections (rows, streamed to disk with their checksums) all join that snapshot, so everything
// describes one moment and nothing is ever written to the source. The folder is built beside the
// destination and moved into place only when complete.
import { randomBytes } from "node:crypto";
import { chmodSync, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { killPoint, OwnitError, finding, redactUrl, sortFindings, TOOL_VERSION, type Finding } from "@ownit/core";
import { foreignEnums, listExtensions, listSequences, listTables, schemaObjects } from "./catalog";
import { dumpScope } from "./dump-scope";
import { collatableColumns, copyTableOut, pinSession } from "./checksum";
import { connect, describeServer, refuseTransactionPooler, serverVersion } from "./connection";
import {
  checkExportDestination,
  dataFileName,
  DATA_DIR,
  EXPORT_FORMAT_VERSION,
  POST_DATA_FILE,
  SCHEMA_FILE,
  writeFindings,
  writeManifest,
  type ExportManifest,
  type ExtensionEntry,
  type StorageEntry,
  type TableEntry,
} from "./export-format";
import { partialExportDir } from "./leftovers";
import { findClientBinary } from "./pg-binaries";
import { runPgDump } from "./pg-dump";
import { readRealtimePublication, realtimePublicationSql } from "./realtime-publication";
import { portableSchema, summarizeDropped, type PortableSchema } from "./portable-schema";
import { PRELUDE_BEGIN, PRELUDE_END, supabasePrelude } from "./prelude";
import { tableReporter, type ProgressListener } from "./progress";
import { sourceFindings } from "./source-findings";
import { quoteIdent } from "./sql";
import { downloadStorageObjects, storageUrlFor, type StorageObject } from "./storage";
import { isCarriedExtension } from "./supabase-objects";
import { publishForFollow, unpublish, type FollowPublications } from "./replication/publication";
import { createFollowSlot, dropFollowSlot, type FollowSlot } from "./replication/slot";

export interface DumpOptions {
  /** Source connection string (direct connection or session pooler). */
  from: string;
  /** Export folder to create. */
  out: string;
  /** App schemas to dump (default: every schema that is not PostgreSQL's or Supabase's). */
  schemas?: string[];
  /** Parallel COPY connections, all on one snapshot (default 2). */
  jobs?: number;
  /** Download Storage files with this key (service role), from url or the project's Storage API. */
  storage?: { key: string; url?: string };
  /** Replace an existing export folder. */
  force?: boolean;
  /** pg_dump to use instead of the one found by the server's version. */
  pgDump?: string;
  /** How the manifest and schema name the source (default: the redacted connection string); `dump --via` names its helper. */
  sourceLabel?: string;
  onProgress?: ProgressListener;
  /** Read through a new logical replication slot's snapshot, so `ownit follow` can stream what comes after. */
  followReady?: boolean;
}

export interface DumpResult {
  dir: string;
  manifest: ExportManifest;
  findings: Finding[];
  rows: number;
  bytes: number;
  durationMs: number;
}

/** Memory each reading session may sort with (rows are read in primary-key order). */
export const DUMP_WORK_MEM = "64MB";

/** Session settings for reading: no server-side timeout may cut a long COPY or an idle snapshot holder. */
async function readerSession(client: pg.Client): Promise<void> {
  await client.query(
    `SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET lock_timeout = 0; SET work_mem = '${DUMP_WORK_MEM}'`,
  );
  await pinSession(client);
}

/** pg_dump's pattern for one exact name (patterns treat * ? and . specially outside quotes). */
function exactPattern(...names: string[]): string {
  return names.map(quoteIdent).join(".");
}

function prepareOutput(outDir: string, force: boolean | undefined): ReturnType<typeof partialExportDir> {
  checkExportDestination(outDir, force);
  const work = partialExportDir(outDir, randomBytes(3).toString("hex"));
  mkdirSync(path.join(work.dir, DATA_DIR), { recursive: true });
  return work;
}

/** CREATE EXTENSION for a plain PostgreSQL source (no Supabase prelude). */
function extensionStatements(extensions: ExtensionEntry[]): string {
  return extensions
    .map(
      (e) =>
        `${e.schema === "public" ? "" : `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(e.schema)};\n`}CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)} WITH SCHEMA ${quoteIdent(e.schema)};`,
    )
    .join("\n");
}

export async function dumpDatabase(options: DumpOptions): Promise<DumpResult> {
  const started = Date.now();
  refuseTransactionPooler(options.from);
  const outDir = path.resolve(options.out);
  const partial = prepareOutput(outDir, options.force);
  const work = partial.dir;
  const clients: pg.Client[] = [];
  let failedTable: string | undefined;
  let slot: FollowSlot | undefined;
  let published: FollowPublications | undefined;
  try {
    if (options.followReady) {
      published = await publishForFollow(options.from, options.schemas);
      slot = await createFollowSlot(options.from, published.name);
    }
    const main = await connect(options.from, "source");
    clients.push(main);
    await readerSession(main);
    await main.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (slot) await main.query(`SET TRANSACTION SNAPSHOT '${slot.snapshot}'`);
    const { rows: snap } = await main.query<{ id: string; at: Date }>(
      slot ? "select $1::text as id, now() as at" : "select pg_export_snapshot() as id, now() as at",
      slot ? [slot.snapshot] : [],
    );
    const snapshot = snap[0]!.id;
    const version = await serverVersion(main);
    const pgDump = options.pgDump ?? findClientBinary("pg_dump", version.major).path;

    const { schemas, kind, storageTables, scope } = await dumpScope(main, options.from, options.schemas);
    const tables = await listTables(main, scope);
    if (
      published &&
      tables
        .map((t) => `${t.schema}.${t.name}`)
        .sort()
        .join() !== published.tables.join()
    ) {
      throw new OwnitError(
        "tables-changed",
        `tables of ${describeServer(options.from)} were created or dropped while the dump set up replication`,
        "run the dump again",
      );
    }
    const sequences = await listSequences(main, scope);
    const allExtensions = await listExtensions(main);
    const extensions = allExtensions.filter((e) => isCarriedExtension(e.name));
    const enums = await foreignEnums(main, scope);
    const objects = await schemaObjects(main, scope);
    const findings: Finding[] = kind === "supabase" ? await sourceFindings(main, schemas, allExtensions) : [];
    const storageObjects: StorageObject[] = storageTables.length
      ? (
          await main.query<StorageObject>(
            "select bucket_id as bucket, name from storage.objects where name is not null order by 1, 2",
          )
        ).rows
      : [];
    const collatable = await collatableColumns(main, tables);
    const realtime = await readRealtimePublication(main, (schema, name) =>
      tables.some((t) => t.schema === schema && t.name === name),
    );

    // More connections on the same snapshot, for parallel COPY.
    const jobs = Math.max(1, Math.min(options.jobs ?? 2, tables.length || 1));
    for (let i = 1; i < jobs; i++) {
      const worker = await connect(options.from, "source");
      clients.push(worker);
      await readerSession(worker);
      await worker.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      await worker.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    }

    // Schema: pg_dump of the app schemas, and of the carried auth/storage tables, before and after the data.
    const dumpArgs = ["--schema-only", "--no-owner", "--quote-all-identifiers"];
    const appSelection = schemas.flatMap((s) => ["--schema", exactPattern(s)]);
    const tableSelection = scope.tables.flatMap((t) => ["--table", exactPattern(t.schema, t.name)]);
    const pgDumpRun = (section: string, selection: string[]) =>
      selection.length
        ? runPgDump({ binary: pgDump, url: options.from, snapshot, args: [...dumpArgs, `--section=${section}`, ...selection] })
        : Promise.resolve("");
    const schemaDumps = Promise.all([
      pgDumpRun("pre-data", tableSelection),
      pgDumpRun("pre-data", appSelection),
      pgDumpRun("post-data", appSelection),
      pgDumpRun("post-data", tableSelection),
    ]);

    // Rows: each table streamed to its file, hashed on the way, largest tables first.
    const entries = new Map<string, TableEntry>();
    const queue = [...tables];
    const copyWorker = async (client: pg.Client) => {
      for (let table = queue.shift(); table; table = queue.shift()) {
        const key = `${table.schema}.${table.name}`;
        const file = dataFileName(table.schema, table.name);
        // Totals are estimates here: the table's size on disk (COPY text is of a similar size) and the planner's row count.
        const progress = tableReporter(options.onProgress, {
          phase: "dump",
          table: key,
          totalRows: table.estimatedRows || undefined,
          totalBytes: table.sizeBytes || undefined,
        });
        try {
          killPoint("dump-table");
          const counts = await copyTableOut(
            client,
            table,
            collatable.get(key) ?? new Set(),
            createWriteStream(path.join(work, file)),
            (r, b) => progress.add(r, b),
          );
          entries.set(key, {
            schema: table.schema,
            name: table.name,
            file,
            columns: table.columns,
            primaryKey: table.primaryKey,
            ...counts,
          });
        } catch (error) {
          queue.length = 0; // the other connections stop after their current table
          throw Object.assign(error as object, { table: key });
        }
        progress.done();
      }
    };
    const storageDownload =
      options.storage && storageObjects.length ? downloadStorage(options, storageObjects, work) : Promise.resolve(undefined);
    // Everything settles before the folder is kept or removed, so nothing writes into it afterwards.
    const [dumpsDone, copiesDone, storageDone] = await Promise.allSettled([
      schemaDumps,
      Promise.allSettled(clients.map(copyWorker)),
      storageDownload,
    ]);
    const copyErrors =
      copiesDone.status === "fulfilled"
        ? copiesDone.value.flatMap((r) => (r.status === "rejected" ? [r.reason as { table: string; code?: string }] : []))
        : [];
    if (copyErrors.length) {
      // The server's own error (e.g. 57P01, backend terminated) explains more than the follow-on
      // "not queryable" of another connection that died with it.
      const cause = copyErrors.find((e) => e.code) ?? copyErrors[0]!;
      failedTable = cause.table;
      throw cause;
    }
    for (const outcome of [copiesDone, dumpsDone, storageDone]) if (outcome.status === "rejected") throw outcome.reason;
    const dumps = (dumpsDone as PromiseFulfilledResult<string[]>).value;
    const storage = (storageDone as PromiseFulfilledResult<Awaited<typeof storageDownload>>).value;
    for (const client of clients) await client.query("COMMIT");

    const [authPre, appPre, appPost, authPost] = dumps.map((text) => portableSchema(text)) as [
      PortableSchema,
      PortableSchema,
      PortableSchema,
      PortableSchema,
    ];
    const rewrites = [authPre, appPre, appPost, authPost];
    const source = options.sourceLabel ?? redactUrl(options.from);
    const snapshotTime = snap[0]!.at.toISOString();
    const prelude =
      kind === "supabase"
        ? supabasePrelude({ extensions, storageFunctions: storageTables.length > 0, enums })
        : extensionStatements(extensions);
    writeFileSync(
      path.join(work, SCHEMA_FILE),
      [
        `-- Schema of ${source} (PostgreSQL ${version.version}) at ${snapshotTime}, exported by ownit ${TOOL_VERSION}.`,
        `-- Loads on stock PostgreSQL 14 or newer. Constraints, indexes, triggers and policies are in`,
        `-- ${POST_DATA_FILE}, applied after the rows so triggers do not fire on them.`,
        appPre.header.trim(),
        "",
        PRELUDE_BEGIN,
        prelude,
        PRELUDE_END,
        authPre.sql,
        appPre.sql,
      ].join("\n"),
    );
    const deferred = rewrites.flatMap((r) => r.deferred);
    writeFileSync(
      path.join(work, POST_DATA_FILE),
      [
        `-- Constraints, indexes, triggers and policies of ${source}: applied after the rows of ${SCHEMA_FILE}'s tables are in.`,
        "SELECT pg_catalog.set_config('search_path', '', false);",
        "SET check_function_bodies = false;",
        authPost.sql,
        appPost.sql,
        ...deferred,
        ...(realtime ? [realtimePublicationSql(realtime)] : []),
        "",
      ].join("\n"),
    );

    if (storageObjects.length && !options.storage) {
      const buckets = [...new Set(storageObjects.map((o) => o.bucket))];
      findings.push(
        finding({
          severity: "medium",
          code: "storage-not-downloaded",
          message: `${storageObjects.length} file(s) in Storage bucket(s) ${buckets.join(", ")} were not downloaded`,
          hint: "dump again with --storage-key <service-role key> to take the files too",
        }),
      );
    }
    if (storage) {
      findings.push(
        finding({
          severity: "info",
          code: "storage-downloaded",
          message: `${storage.entries.length} file(s) from Supabase Storage saved under storage/`,
          hint: "serve them from your own object store or disk; the storage.objects rows still name them",
        }),
      );
      for (const f of storage.failures)
        findings.push(
          finding({
            severity: "medium",
            code: "storage-file-missing",
            message: `storage file ${f.bucket}/${f.name} could not be downloaded (${f.reason})`,
            hint: "its row is kept; fetch the file by hand if you still need it",
          }),
        );
    }
    const allFindings = sortFindings([
      ...findings,
      ...rewrites.flatMap((r) => r.findings),
      ...summarizeDropped(rewrites.flatMap((r) => r.dropped)),
    ]);

    const tableEntries = tables
      .map((t) => entries.get(`${t.schema}.${t.name}`)!)
      .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
    const manifest: ExportManifest = {
      formatVersion: EXPORT_FORMAT_VERSION,
      toolVersion: TOOL_VERSION,
      source: { kind, location: source, serverVersion: version.version },
      snapshotTime,
      schemas,
      tables: tableEntries,
      sequences,
      extensions,
      objects,
      ...(storage ? { storage: storage.entries } : {}),
      ...(slot && published
        ? {
            replication: {
              slot: slot.name,
              lsn: slot.lsn,
              publications: published.publications,
              replicaIdentityFull: published.replicaIdentityFull,
              insertOnly: published.insertOnly,
            },
          }
        : {}),
    };
    writeFindings(work, allFindings);
    killPoint("dump-manifest");
    writeManifest(work, manifest);
    killPoint("dump-rename");
    if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
    renameSync(work, outDir);
    partial.keep();
    // Private while partial; the finished export opens like any folder (compose mounts it into Postgres).
    chmodSync(outDir, 0o755);
    return {
      dir: outDir,
      manifest,
      findings: allFindings,
      rows: tableEntries.reduce((n, t) => n + t.rowCount, 0),
      bytes: tableEntries.reduce((n, t) => n + t.bytes, 0),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    partial.remove();
    if (published) await undoFollowSetup(options.from, published, slot);
    if (error instanceof OwnitError) throw error;
    const message = (error as Error).message?.split("\n")[0] ?? String(error);
    const cut = /terminat|ECONNRESET|not queryable|connection error/i.test(message);
    throw new OwnitError(
      "dump-failed",
      `dump of ${describeServer(options.from)} failed${failedTable ? ` while reading ${failedTable}` : ""}: ${cut ? `the connection was cut (${message})` : message}; nothing was written`,
      "run the dump again",
      { cause: error },
    );
  } finally {
    for (const client of clients) await client.end().catch(() => {});
    await slot?.release();
  }
}

/** A failed follow-ready dump leaves no slot holding the source's WAL, and no publication. */
async function undoFollowSetup(url: string, published: FollowPublications, slot: FollowSlot | undefined): Promise<void> {
  await slot?.release();
  const client = await connect(url, "source").catch(() => undefined);
  if (!client) return;
  if (slot) await dropFollowSlot(client, slot.name).catch(() => {});
  await unpublish(client, published).catch(() => {});
  await client.end().catch(() => {});
}

async function downloadStorage(
  options: DumpOptions,
  objects: StorageObject[],
  dir: string,
): Promise<{ entries: StorageEntry[]; failures: { bucket: string; name: string; reason: string }[] }> {
  const baseUrl = options.storage!.url ?? storageUrlFor(options.from);
  if (!baseUrl)
    throw new OwnitError(
      "storage-url-unknown",
      "cannot tell the Storage API address from this connection string",
      "pass --storage-url https://<project-ref>.supabase.co/storage/v1",
    );
  const result = await downloadStorageObjects({ baseUrl, key: options.storage!.key, objects, dir });
  const unreachable = result.failures.find((f) => ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT"].includes(f.reason));
  if (unreachable && result.failures.length === objects.length) {
    throw new OwnitError(
      "storage-unreachable",
      `the Storage API at ${baseUrl} cannot be reached (${unreachable.reason})`,
      "check --storage-url, or dump without --storage-key to skip the files",
    );
  }
  return result;
}
