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
import { binaryCopyTables } from "./copy-format";
import {
  checkExportDestination,
  dataFileName,
  DATA_DIR,
  formatVersionOf,
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
import { isCarriedExtension, SUPABASE_INTERNAL_SCHEMAS } from "./supabase-objects";
import { defaultJobs, drainQueue, QueueJobError } from "./parallel";
import { publishForFollow, unpublish, type FollowPublications } from "./replication/publication";
import { createFollowSlot, dropFollowSlot, type FollowSlot } from "./replication/slot";

export interface DumpOptions {
  /** Source connection string (direct connection or session pooler). */
  from: string;
  /** Export folder to create. */
  out: string;
  /** App schemas to dump (default: every schema that is not PostgreSQL's or Supabase's). */
  schemas?: string[];
  /** Parallel COPY connections, all on one snapshot (default: the core count). */
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
  /** Write every table as COPY text, readable with any editor (default: binary where it is portable, copy-format.ts). */
  textData?: boolean;
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

/** What the dump learns from the source's catalog, inside the snapshot. */
interface SourceCatalog {
  version: Awaited<ReturnType<typeof serverVersion>>;
  pgDump: string;
  scope: Awaited<ReturnType<typeof dumpScope>>;
  tables: Awaited<ReturnType<typeof listTables>>;
  sequences: Awaited<ReturnType<typeof listSequences>>;
  extensions: ExtensionEntry[];
  enums: Awaited<ReturnType<typeof foreignEnums>>;
  objects: Awaited<ReturnType<typeof schemaObjects>>;
  findings: Finding[];
  storageObjects: StorageObject[];
  collatable: Map<string, Set<string>>;
  realtime: Awaited<ReturnType<typeof readRealtimePublication>>;
}

/** The snapshot every reader shares: exported by the first connection (or a new replication slot's). */
interface SourceSnapshot {
  main: pg.Client;
  id: string;
  at: Date;
  slot?: FollowSlot;
  published?: FollowPublications;
}

async function openSnapshot(
  options: DumpOptions,
  clients: pg.Client[],
  follow: Partial<SourceSnapshot>,
): Promise<SourceSnapshot> {
  if (options.followReady) {
    follow.published = await publishForFollow(options.from, options.schemas);
    follow.slot = await createFollowSlot(options.from, follow.published.name);
  }
  const { slot } = follow;
  const main = await connect(options.from, "source");
  clients.push(main);
  await readerSession(main);
  await main.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (slot) await main.query(`SET TRANSACTION SNAPSHOT '${slot.snapshot}'`);
  const { rows } = await main.query<{ id: string; at: Date }>(
    slot ? "select $1::text as id, now() as at" : "select pg_export_snapshot() as id, now() as at",
    slot ? [slot.snapshot] : [],
  );
  return { main, id: rows[0]!.id, at: rows[0]!.at, slot, published: follow.published };
}

async function readSourceCatalog(main: pg.Client, options: DumpOptions, published?: FollowPublications): Promise<SourceCatalog> {
  const version = await serverVersion(main);
  const pgDump = options.pgDump ?? findClientBinary("pg_dump", version.major).path;
  const scope = await dumpScope(main, options.from, options.schemas);
  const tables = await listTables(main, scope.scope);
  // Supabase's own tables (auth, storage) stay text, even in a schema named with --schemas: other steps read their files.
  const appTables = tables.filter(
    (t) => scope.schemas.includes(t.schema) && !(SUPABASE_INTERNAL_SCHEMAS as readonly string[]).includes(t.schema),
  );
  const binary = options.textData ? new Map<string, string[]>() : await binaryCopyTables(main, appTables);
  for (const t of tables) {
    const arrays = binary.get(`${t.schema}.${t.name}`);
    if (!arrays) continue;
    t.format = "binary";
    if (arrays.length) t.arrayColumns = arrays;
  }
  const names = tables.map((t) => `${t.schema}.${t.name}`).sort();
  if (published && names.join() !== published.tables.join()) {
    throw new OwnitError(
      "tables-changed",
      `tables of ${describeServer(options.from)} were created or dropped while the dump set up replication`,
      "run the dump again",
    );
  }
  const allExtensions = await listExtensions(main);
  const storageObjects: StorageObject[] = scope.storageTables.length
    ? (
        await main.query<StorageObject>(
          "select bucket_id as bucket, name from storage.objects where name is not null order by 1, 2",
        )
      ).rows
    : [];
  return {
    version,
    pgDump,
    scope,
    tables,
    sequences: await listSequences(main, scope.scope),
    extensions: allExtensions.filter((e) => isCarriedExtension(e.name)),
    enums: await foreignEnums(main, scope.scope),
    objects: await schemaObjects(main, scope.scope),
    findings: scope.kind === "supabase" ? await sourceFindings(main, scope.schemas, allExtensions) : [],
    storageObjects,
    collatable: await collatableColumns(main, tables),
    realtime: await readRealtimePublication(main, (schema, name) => tables.some((t) => t.schema === schema && t.name === name)),
  };
}

/** More connections joining the snapshot, for parallel COPY. */
async function joinSnapshot(options: DumpOptions, clients: pg.Client[], jobs: number, snapshot: string): Promise<void> {
  for (let i = clients.length; i < jobs; i++) {
    const worker = await connect(options.from, "source");
    clients.push(worker);
    await readerSession(worker);
    await worker.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await worker.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
  }
}

/** pg_dump of the app schemas and of the carried auth/storage tables: pre-data and post-data of each. */
function dumpSchemas(options: DumpOptions, catalog: SourceCatalog, snapshot: string): Promise<string[]> {
  const dumpArgs = ["--schema-only", "--no-owner", "--quote-all-identifiers"];
  const appSelection = catalog.scope.schemas.flatMap((s) => ["--schema", exactPattern(s)]);
  const tableSelection = catalog.scope.scope.tables.flatMap((t) => ["--table", exactPattern(t.schema, t.name)]);
  const run = (section: string, selection: string[]) =>
    selection.length
      ? runPgDump({
          binary: catalog.pgDump,
          url: options.from,
          snapshot,
          args: [...dumpArgs, `--section=${section}`, ...selection],
        })
      : Promise.resolve("");
  return Promise.all([
    run("pre-data", tableSelection),
    run("pre-data", appSelection),
    run("post-data", appSelection),
    run("post-data", tableSelection),
  ]);
}

/** Rows: each table streamed to its file, hashed on the way, largest tables first, one table per connection at a time. */
async function copyTables(
  clients: pg.Client[],
  catalog: SourceCatalog,
  work: string,
  onProgress?: ProgressListener,
): Promise<Map<string, TableEntry>> {
  const entries = new Map<string, TableEntry>();
  try {
    await drainQueue(catalog.tables, clients, async (table, client) => {
      const key = `${table.schema}.${table.name}`;
      const file = dataFileName(table.schema, table.name);
      // Totals are estimates here: the table's size on disk (COPY text is of a similar size) and the planner's row count.
      const progress = tableReporter(onProgress, {
        phase: "dump",
        table: key,
        totalRows: table.estimatedRows || undefined,
        totalBytes: table.sizeBytes || undefined,
      });
      killPoint("dump-table");
      const counts = await copyTableOut(client, table, {
        collatable: catalog.collatable.get(key),
        sink: createWriteStream(path.join(work, file)),
        onChunk: (r, b) => progress.add(r, b),
      });
      entries.set(key, {
        schema: table.schema,
        name: table.name,
        file,
        columns: table.columns,
        primaryKey: table.primaryKey,
        ...counts,
        ...(table.format ? { format: table.format } : {}),
        ...(table.arrayColumns ? { arrayColumns: table.arrayColumns } : {}),
      });
      progress.done();
    });
  } catch (error) {
    if (error instanceof QueueJobError)
      throw Object.assign(error.cause as object, { table: `${error.item.schema}.${error.item.name}` });
    throw error;
  }
  return entries;
}

/** schema.sql (prelude, then pre-data) and post-data.sql (what is applied after the rows). */
function writeSchemaFiles(
  work: string,
  catalog: SourceCatalog,
  rewrites: PortableSchema[],
  source: string,
  snapshotTime: string,
): void {
  const [authPre, appPre, appPost, authPost] = rewrites as [PortableSchema, PortableSchema, PortableSchema, PortableSchema];
  const prelude =
    catalog.scope.kind === "supabase"
      ? supabasePrelude({
          extensions: catalog.extensions,
          storageFunctions: catalog.scope.storageTables.length > 0,
          enums: catalog.enums,
        })
      : extensionStatements(catalog.extensions);
  writeFileSync(
    path.join(work, SCHEMA_FILE),
    [
      `-- Schema of ${source} (PostgreSQL ${catalog.version.version}) at ${snapshotTime}, exported by ownit ${TOOL_VERSION}.`,
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
  writeFileSync(
    path.join(work, POST_DATA_FILE),
    [
      `-- Constraints, indexes, triggers and policies of ${source}: applied after the rows of ${SCHEMA_FILE}'s tables are in.`,
      "SELECT pg_catalog.set_config('search_path', '', false);",
      "SET check_function_bodies = false;",
      authPost.sql,
      appPost.sql,
      ...rewrites.flatMap((r) => r.deferred),
      ...(catalog.realtime ? [realtimePublicationSql(catalog.realtime)] : []),
      "",
    ].join("\n"),
  );
}

/** Findings about Storage: files left behind without a key, files saved, files that could not be fetched. */
function storageFindings(options: DumpOptions, objects: StorageObject[], storage: StorageDownload | undefined): Finding[] {
  const findings: Finding[] = [];
  if (objects.length && !options.storage) {
    const buckets = [...new Set(objects.map((o) => o.bucket))];
    findings.push(
      finding({
        severity: "medium",
        code: "storage-not-downloaded",
        message: `${objects.length} file(s) in Storage bucket(s) ${buckets.join(", ")} were not downloaded`,
        hint: "dump again with --storage-key <service-role key> to take the files too",
      }),
    );
  }
  if (!storage) return findings;
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
  return findings;
}

function buildManifest(
  catalog: SourceCatalog,
  entries: Map<string, TableEntry>,
  snapshot: SourceSnapshot,
  source: string,
  storage: StorageDownload | undefined,
): ExportManifest {
  const { slot, published } = snapshot;
  const tables = catalog.tables
    .map((t) => entries.get(`${t.schema}.${t.name}`)!)
    .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
  return {
    formatVersion: formatVersionOf(tables),
    toolVersion: TOOL_VERSION,
    source: { kind: catalog.scope.kind, location: source, serverVersion: catalog.version.version },
    snapshotTime: snapshot.at.toISOString(),
    schemas: catalog.scope.schemas,
    tables,
    sequences: catalog.sequences,
    extensions: catalog.extensions,
    objects: catalog.objects,
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
}

/** Reads everything (schema dumps, rows, Storage files) in parallel; all settle before the folder is kept or removed. */
async function readAll(
  options: DumpOptions,
  clients: pg.Client[],
  catalog: SourceCatalog,
  snapshot: string,
  work: string,
): Promise<{ dumps: string[]; entries: Map<string, TableEntry>; storage?: StorageDownload }> {
  const storageDownload =
    options.storage && catalog.storageObjects.length
      ? downloadStorage(options, catalog.storageObjects, work)
      : Promise.resolve(undefined);
  const [dumps, copies, storage] = await Promise.allSettled([
    dumpSchemas(options, catalog, snapshot),
    copyTables(clients, catalog, work, options.onProgress),
    storageDownload,
  ]);
  // The rows' failure first: it names the table.
  for (const outcome of [copies, dumps, storage]) if (outcome.status === "rejected") throw outcome.reason;
  return {
    dumps: (dumps as PromiseFulfilledResult<string[]>).value,
    entries: (copies as PromiseFulfilledResult<Map<string, TableEntry>>).value,
    storage: (storage as PromiseFulfilledResult<StorageDownload | undefined>).value,
  };
}

/** The finished folder replaces the destination in one rename. */
function moveIntoPlace(partial: ReturnType<typeof partialExportDir>, outDir: string): void {
  killPoint("dump-rename");
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  renameSync(partial.dir, outDir);
  partial.keep();
  // Private while partial; the finished export opens like any folder (compose mounts it into Postgres).
  chmodSync(outDir, 0o755);
}

export async function dumpDatabase(options: DumpOptions): Promise<DumpResult> {
  const started = Date.now();
  refuseTransactionPooler(options.from);
  const outDir = path.resolve(options.out);
  const partial = prepareOutput(outDir, options.force);
  const clients: pg.Client[] = [];
  const follow: Partial<SourceSnapshot> = {};
  try {
    const snapshot = await openSnapshot(options, clients, follow);
    const catalog = await readSourceCatalog(snapshot.main, options, snapshot.published);
    await joinSnapshot(
      options,
      clients,
      Math.max(1, Math.min(options.jobs ?? defaultJobs(), catalog.tables.length || 1)),
      snapshot.id,
    );
    const { dumps, entries, storage } = await readAll(options, clients, catalog, snapshot.id, partial.dir);
    for (const client of clients) await client.query("COMMIT");
    const rewrites = dumps.map((text) => portableSchema(text));
    const source = options.sourceLabel ?? redactUrl(options.from);
    writeSchemaFiles(partial.dir, catalog, rewrites, source, snapshot.at.toISOString());
    const findings = sortFindings([
      ...catalog.findings,
      ...storageFindings(options, catalog.storageObjects, storage),
      ...rewrites.flatMap((r) => r.findings),
      ...summarizeDropped(rewrites.flatMap((r) => r.dropped)),
    ]);
    const manifest = buildManifest(catalog, entries, snapshot, source, storage);
    writeFindings(partial.dir, findings);
    killPoint("dump-manifest");
    writeManifest(partial.dir, manifest);
    moveIntoPlace(partial, outDir);
    return {
      dir: outDir,
      manifest,
      findings,
      rows: manifest.tables.reduce((n, t) => n + t.rowCount, 0),
      bytes: manifest.tables.reduce((n, t) => n + t.bytes, 0),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    partial.remove();
    if (follow.published) await undoFollowSetup(options.from, follow.published, follow.slot);
    throw dumpFailure(options.from, error);
  } finally {
    for (const client of clients) await client.end().catch(() => {});
    await follow.slot?.release();
  }
}

function dumpFailure(from: string, error: unknown): OwnitError {
  if (error instanceof OwnitError) return error;
  const failedTable = (error as { table?: string }).table;
  const message = (error as Error).message?.split("\n")[0] ?? String(error);
  const cut = /terminat|ECONNRESET|not queryable|connection error/i.test(message);
  return new OwnitError(
    "dump-failed",
    `dump of ${describeServer(from)} failed${failedTable ? ` while reading ${failedTable}` : ""}: ${cut ? `the connection was cut (${message})` : message}; nothing was written`,
    "run the dump again",
    { cause: error },
  );
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

interface StorageDownload {
  entries: StorageEntry[];
  failures: { bucket: string; name: string; reason: string }[];
}

async function downloadStorage(options: DumpOptions, objects: StorageObject[], dir: string): Promise<StorageDownload> {
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
