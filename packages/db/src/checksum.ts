// Row counts and checksums that mean the same thing on any server: the rows of a table read with
// COPY in primary-key order (text keys compared bytewise, tables without a key ordered by their
// whole text form), with every setting that changes COPY's text pinned, and md5 taken over that
// stream. dump writes the same stream to disk while hashing it, so one pass gives the file and
// its checksum; verify recomputes it on the target. Memory stays constant whatever the table size.
import { createHash } from "node:crypto";
import { Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { qualified, quoteIdent } from "./sql";

/**
 * Settings that change how values print in COPY text. Pinned on every connection that writes or
 * checks rows, so a checksum taken on the source matches one taken on the target.
 */
export const PINNED_SETTINGS: Record<string, string> = {
  client_encoding: "UTF8",
  TimeZone: "UTC", // timestamptz prints in the session's zone
  DateStyle: "ISO, YMD", // date and timestamp layout
  IntervalStyle: "postgres", // interval layout
  extra_float_digits: "1", // shortest exact float text (PostgreSQL 12+)
  bytea_output: "hex", // bytea as \x...
  lc_monetary: "C", // money's currency symbol and separators
};

export async function pinSession(client: pg.Client): Promise<void> {
  const sets = Object.entries(PINNED_SETTINGS).map(([name, value]) => `SET ${name} = '${value}'`);
  await client.query(sets.join(";\n"));
}

export interface ChecksumTable {
  schema: string;
  name: string;
  columns: string[];
  primaryKey: string[];
  /** SQL that stands for a column in the canonical text (verify reads rewritten URLs back as they were exported). */
  columnExpressions?: Record<string, string>;
}

export interface CopyCounts {
  rowCount: number;
  bytes: number;
  checksum: string;
}

/** Columns of a table that sort by collation (text-like): their order is pinned to bytewise "C". */
export async function collatableColumns(
  client: pg.Client,
  tables: { schema: string; name: string }[],
): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  if (!tables.length) return result;
  const { rows } = await client.query<{ schema: string; name: string; column: string }>(
    `select n.nspname as schema, c.relname as name, a.attname as column
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where a.attnum > 0 and not a.attisdropped and a.attcollation <> 0
        and (n.nspname::text, c.relname::text) in (select * from unnest($1::text[], $2::text[]))`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  for (const r of rows) {
    const key = `${r.schema}.${r.name}`;
    if (!result.has(key)) result.set(key, new Set());
    result.get(key)!.add(r.column);
  }
  return result;
}

/** The SELECT whose COPY output is a table's canonical text: its columns, in a stable row order. */
export function orderedSelect(table: ChecksumTable, collatable: Set<string> = new Set()): string {
  const columns = table.columns.map(quoteIdent);
  const selected = table.columns.map((c) =>
    table.columnExpressions?.[c] ? `${table.columnExpressions[c]} AS ${quoteIdent(c)}` : quoteIdent(c),
  );
  const order = table.primaryKey.length
    ? table.primaryKey.map((c) => (collatable.has(c) ? `${quoteIdent(c)} COLLATE "C"` : quoteIdent(c)))
    : [`(ROW(${columns.join(", ")}))::text COLLATE "C"`];
  return `SELECT ${selected.join(", ")} FROM ONLY ${qualified(table.schema, table.name)} ORDER BY ${order.join(", ")}`;
}

/** Rows in a chunk of COPY text: its newlines (COPY text escapes those inside values). */
export function countRows(chunk: Buffer): number {
  let rows = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
  return rows;
}

/** Counts rows, bytes and md5 of what passes. */
export class CopyHasher extends Transform {
  private hash = createHash("md5");
  rows = 0;
  bytes = 0;
  constructor(private readonly onChunk?: (rows: number, bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const rows = countRows(chunk);
    this.rows += rows;
    this.onChunk?.(rows, chunk.length);
    done(null, chunk);
  }
  digest(): CopyCounts {
    return { rowCount: this.rows, bytes: this.bytes, checksum: this.hash.digest("hex") };
  }
}

/** A sink that drops everything (verify only needs the hash). */
function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

/**
 * Streams one table through COPY into sink (a file, or nowhere), hashing on the way. The client's
 * session must be pinned (pinSession) for the checksum to be comparable.
 */
export async function copyTableOut(
  client: pg.Client,
  table: ChecksumTable,
  collatable: Set<string>,
  sink?: Writable,
  onChunk?: (rows: number, bytes: number) => void,
): Promise<CopyCounts> {
  const source = client.query(copyTo(`COPY (${orderedSelect(table, collatable)}) TO STDOUT`));
  const hasher = new CopyHasher(onChunk);
  await pipeline(source, hasher, sink ?? discard());
  return hasher.digest();
}
