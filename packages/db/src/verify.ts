// Verifying a restore against its export: every table's row count and checksum recomputed on the
// target exactly as the dump computed them (checksum.ts), every sequence's value, and the sets of
// tables, columns, constraints, indexes, policies, triggers, functions and the rest (catalog.ts)
// compared with the manifest. The report lists each difference; ok only when there is none.
import type pg from "pg";
import { redactUrl } from "@ownit/core";
import { schemaObjects, type Scope } from "./catalog";
import { collatableColumns, copyTableOut, pinSession, type CopyCounts, type RowOrder } from "./checksum";
import { isSupabaseShaped, sameButStorageRewrites, withoutSupabaseOwned } from "./supabase-target";
import { connect } from "./connection";
import { readExport, type ExportManifest, type TableEntry } from "./export-format";
import { tableReporter, type ProgressListener } from "./progress";
import { defaultJobs, drainQueue } from "./parallel";
import { qualified } from "./sql";
import { verifyStorageFiles } from "./storage-files";
import { verifyStorageS3, type S3Target } from "./storage-s3";
import { exportedColumnExpressions, readStorageUrlRewrite } from "./storage-urls";

export interface VerifyDifference {
  kind: "table" | "rows" | "checksum" | "sequence" | "object" | "storage";
  /** What differs: a table, a sequence, or "<object kind> <name>". */
  name: string;
  expected: string;
  actual: string;
}

export interface VerifiedTable {
  name: string;
  expectedRows: number;
  rows: number;
  expectedChecksum: string;
  checksum: string;
  ok: boolean;
  error?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Redacted connection string. */
  target: string;
  tables: VerifiedTable[];
  sequences: number;
  /** Object kinds compared (empty when the manifest lists none). */
  objectKinds: string[];
  differences: VerifyDifference[];
  durationMs: number;
}

export interface VerifyOptions {
  /** Parallel connections for the checksums (default: the core count). */
  jobs?: number;
  onProgress?: ProgressListener;
  /** Read the target's rows as of this exported snapshot (cutover: the data at the switch, while the app already writes). */
  snapshot?: string;
  /** The storage service's file backend folder: every object of the manifest is re-read and hashed there. */
  storageRoot?: string;
  /** Also re-hash every Storage object in this S3 bucket (restore --storage-s3). */
  storageS3?: S3Target;
}

/** The scope the manifest covers: its schemas, plus tables it carried from outside them. */
export function manifestScope(manifest: ExportManifest): Scope {
  const schemas = new Set(manifest.schemas);
  return {
    schemas: manifest.schemas,
    tables: manifest.tables.filter((t) => !schemas.has(t.schema)).map((t) => ({ schema: t.schema, name: t.name })),
  };
}

/** A reading connection for verify: pinned settings, and the cutover's snapshot when given. */
async function checkerSession(url: string, snapshot?: string): Promise<pg.Client> {
  const client = await connect(url, "target");
  // A scan joining one already running elsewhere would start mid-table: stored order read from the start.
  await client.query("SET statement_timeout = 0; SET synchronize_seqscans = off");
  await pinSession(client);
  if (snapshot) {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
  }
  return client;
}

/**
 * One table's rows and checksum; an unreadable table is a result, not a failure. A table as a
 * restore left it lies in the canonical order, so it is first read as stored (a sequential scan,
 * no index walk or sort); only when that text differs is it read again in key order, which decides.
 * A target read as of a snapshot (cutover) was fed by replication, so it goes straight to key order.
 */
async function checkTable(
  client: pg.Client,
  table: TableEntry,
  collatable: Set<string>,
  storedFirst: boolean,
  onProgress?: ProgressListener,
): Promise<VerifiedTable> {
  const name = `${table.schema}.${table.name}`;
  const expected = { name, expectedRows: table.rowCount, expectedChecksum: table.checksum };
  const progress = tableReporter(onProgress, {
    phase: "verify",
    table: name,
    totalRows: table.rowCount,
    totalBytes: table.bytes,
  });
  const matches = (counts: CopyCounts) => counts.rowCount === table.rowCount && counts.checksum === table.checksum;
  try {
    const read = (order: RowOrder) => {
      progress.restart();
      return copyTableOut(client, table, { collatable, order, onChunk: (r, b) => progress.add(r, b) });
    };
    let counts = storedFirst ? await read("stored") : undefined;
    if (!counts || !matches(counts)) counts = await read("key");
    return { ...expected, rows: counts.rowCount, checksum: counts.checksum, ok: matches(counts) };
  } catch (error) {
    return { ...expected, rows: 0, checksum: "", ok: false, error: (error as Error).message.split("\n")[0] };
  } finally {
    progress.done();
  }
}

async function checkTables(
  url: string,
  tables: TableEntry[],
  collatable: Map<string, Set<string>>,
  jobs: number,
  onProgress?: ProgressListener,
  snapshot?: string,
): Promise<VerifiedTable[]> {
  const results: VerifiedTable[] = [];
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < Math.max(1, Math.min(jobs, tables.length)); i++) clients.push(await checkerSession(url, snapshot));
    // Largest first, so the last table to finish is a small one.
    const bySize = [...tables].sort((a, b) => b.bytes - a.bytes);
    await drainQueue(bySize, clients, async (table, client) => {
      const keys = collatable.get(`${table.schema}.${table.name}`) ?? new Set<string>();
      results.push(await checkTable(client, table, keys, snapshot === undefined, onProgress));
    });
  } finally {
    for (const client of clients) await client.end().catch(() => {});
  }
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

async function checkSequences(client: pg.Client, manifest: ExportManifest): Promise<VerifyDifference[]> {
  const differences: VerifyDifference[] = [];
  for (const s of manifest.sequences) {
    const name = `${s.schema}.${s.name}`;
    const expected = `${s.lastValue}${s.isCalled ? "" : " (not called)"}`;
    try {
      const { rows } = await client.query<{ v: string; c: boolean }>(
        `select last_value::text as v, is_called as c from ${qualified(s.schema, s.name)}`,
      );
      const actual = `${rows[0]!.v}${rows[0]!.c ? "" : " (not called)"}`;
      if (actual !== expected) differences.push({ kind: "sequence", name, expected, actual });
    } catch (error) {
      differences.push({ kind: "sequence", name, expected, actual: (error as Error).message.split("\n")[0]! });
    }
  }
  return differences;
}

function compareObjects(expected: Record<string, string[]>, actual: Record<string, string[]>): VerifyDifference[] {
  const differences: VerifyDifference[] = [];
  for (const kind of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const want = new Set(expected[kind] ?? []);
    const have = new Set(actual[kind] ?? []);
    for (const item of want)
      if (!have.has(item)) differences.push({ kind: "object", name: `${kind} ${item}`, expected: "present", actual: "missing" });
    for (const item of have)
      if (!want.has(item)) differences.push({ kind: "object", name: `${kind} ${item}`, expected: "absent", actual: "present" });
  }
  return differences;
}

/** Compares the database at targetUrl with the export in exportDir. Never throws for a difference. */
export async function verifyExport(exportDir: string, targetUrl: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  return verifyManifest(readExport(exportDir).manifest, targetUrl, options, exportDir);
}

/** Compares the database at targetUrl with a manifest (an export's, or one taken live, as cutover does). */
export async function verifyManifest(
  manifest: ExportManifest,
  targetUrl: string,
  options: VerifyOptions = {},
  exportDir?: string,
): Promise<VerifyReport> {
  const started = Date.now();
  const client = await connect(targetUrl, "target");
  try {
    // Columns the URL-rewrite step changed are read back as they were exported; every other byte is compared as it is.
    const rewrite = exportDir === undefined ? undefined : readStorageUrlRewrite(exportDir);
    const checked = manifest.tables.map((t) => ({
      ...t,
      columnExpressions: exportedColumnExpressions(rewrite, t.schema, t.name),
    }));
    const tables = await checkTables(
      targetUrl,
      checked,
      await collatableColumns(client, manifest.tables),
      options.jobs ?? defaultJobs(),
      options.onProgress,
      options.snapshot,
    );
    const differences: VerifyDifference[] = [];
    const supabaseTarget = await isSupabaseShaped(client);
    for (const t of tables) {
      if (t.error) differences.push({ kind: "table", name: t.name, expected: `${t.expectedRows} rows`, actual: t.error });
      else {
        if (t.rows !== t.expectedRows)
          differences.push({ kind: "rows", name: t.name, expected: String(t.expectedRows), actual: String(t.rows) });
        if (
          t.checksum !== t.expectedChecksum &&
          !(supabaseTarget && exportDir !== undefined && (await sameButStorageRewrites(client, exportDir, manifest, t.name)))
        )
          differences.push({ kind: "checksum", name: t.name, expected: t.expectedChecksum, actual: t.checksum });
      }
    }
    differences.push(...(await checkSequences(client, manifest)));
    const objectKinds = manifest.objects ? Object.keys(manifest.objects).sort() : [];
    if (manifest.objects) {
      // In a Supabase project, the keys, indexes and columns of auth/storage tables are Supabase's own.
      const mine = supabaseTarget ? withoutSupabaseOwned(manifest) : (objects: Record<string, string[]>) => objects;
      differences.push(...compareObjects(mine(manifest.objects), mine(await schemaObjects(client, manifestScope(manifest)))));
    }
    if (options.storageRoot) differences.push(...(await verifyStorageFiles(client, manifest, options.storageRoot)));
    if (options.storageS3) differences.push(...(await verifyStorageS3(client, manifest, options.storageS3)));
    return {
      ok: differences.length === 0,
      target: redactUrl(targetUrl),
      tables,
      sequences: manifest.sequences.length,
      objectKinds,
      differences,
      durationMs: Date.now() - started,
    };
  } finally {
    await client.end().catch(() => {});
  }
}
