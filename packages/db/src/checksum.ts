// Row counts and checksums that mean the same thing on any server: the rows of a table read with
// COPY in primary-key order (text keys compared bytewise, tables without a key ordered by their
// whole text form), in the table's format (copy-format.ts) with every setting that changes COPY's
// text pinned, and a hash taken over that stream (in binary, each array's has-nulls flag read as
// 0). dump writes the same stream to disk while hashing it, so one pass gives the file and its
// checksum; verify recomputes it on the target. Memory stays constant whatever the table size.
//
// The hash is XXH128 ("xxh128:<hex>"): it guards against rows lost or changed on the way, not
// against an attacker (who could rewrite the manifest too), and at 3 GB/s it is 4x faster than
// md5, which every byte of a dump, a restore and a verify passes through. Exports written before
// carry bare md5 hex; a checksum is always recomputed with the hash it was taken with.
import { createHash } from "node:crypto";
import { Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createXXHash128 } from "hash-wasm";
import type pg from "pg";
import { BinaryRowCounter } from "./copy-binary";
import { copyOptions, type CopyFormat } from "./copy-format";
import { CopyOutStream } from "./copy-out";
import { qualified, quoteIdent } from "./sql";

const XXH128 = "xxh128:";

/** A checksum this ownit can recompute: XXH128, an older export's bare md5 hex, or none yet (a Base44 dump's check load fills it). */
export function knownChecksum(checksum: string): boolean {
  return checksum === "" || /^(xxh128:)?[0-9a-f]{32}$/.test(checksum);
}

/** A running hash over a table's COPY text. */
export interface RowHash {
  update(chunk: Buffer): void;
  digest(): string;
}

/** Hashes a table's COPY text the way `like` was hashed (md5 for an older export's bare hex), or the current way. */
export async function rowHasher(like?: string): Promise<RowHash> {
  if (like && !like.startsWith(XXH128)) {
    const md5 = createHash("md5");
    return { update: (chunk) => md5.update(chunk), digest: () => md5.digest("hex") };
  }
  const xxh = await createXXHash128();
  return { update: (chunk) => xxh.update(chunk), digest: () => XXH128 + xxh.digest("hex") };
}

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
  /** The checksum to compare with: the rows are hashed as it was (an export's; none for a new dump). */
  checksum?: string;
  /** The COPY format the rows are read and hashed in (text when absent). */
  format?: CopyFormat;
  /** Binary: the columns holding arrays, whose has-nulls flag the checksum reads as 0 (copy-binary.ts). */
  arrayColumns?: string[];
}

/** "key": the canonical order; "stored": as the rows lie on disk, cheaper, and canonical only right after a restore. */
export type RowOrder = "key" | "stored";

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

/**
 * The SELECT whose COPY output is a table's canonical text: its columns, in a stable row order. In
 * "stored" order it reads the rows as they lie (a plain sequential scan): that text equals the
 * canonical one when the rows were loaded in it, as a restore loads them.
 */
export function orderedSelect(table: ChecksumTable, collatable: Set<string> = new Set(), order: RowOrder = "key"): string {
  const columns = table.columns.map(quoteIdent);
  const selected = table.columns.map((c) =>
    table.columnExpressions?.[c] ? `${table.columnExpressions[c]} AS ${quoteIdent(c)}` : quoteIdent(c),
  );
  const select = `SELECT ${selected.join(", ")} FROM ONLY ${qualified(table.schema, table.name)}`;
  if (order === "stored") return select;
  const byKey = table.primaryKey.length
    ? table.primaryKey.map((c) => (collatable.has(c) ? `${quoteIdent(c)} COLLATE "C"` : quoteIdent(c)))
    : [`(ROW(${columns.join(", ")}))::text COLLATE "C"`];
  return `${select} ORDER BY ${byKey.join(", ")}`;
}

/** Rows in a chunk of COPY text: its newlines (COPY text escapes those inside values). */
export function countRows(chunk: Buffer): number {
  let rows = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
  return rows;
}

/** Counts rows, bytes and the hash (rowHasher) of the COPY data in `format` that passes. */
export class CopyHasher extends Transform {
  rows = 0;
  bytes = 0;
  private readonly binary?: BinaryRowCounter;
  private readonly onChunk?: (rows: number, bytes: number) => void;
  constructor(
    private readonly hash: RowHash,
    options: { table?: ChecksumTable; onChunk?: (rows: number, bytes: number) => void } = {},
  ) {
    super();
    this.onChunk = options.onChunk;
    const table = options.table;
    if (table?.format === "binary") {
      const arrays = new Set((table.arrayColumns ?? []).map((c) => table.columns.indexOf(c)));
      this.binary = new BinaryRowCounter(table.columns.length, arrays);
    }
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let rows: number;
    try {
      rows = this.binary ? this.binary.count(chunk) : countRows(chunk);
    } catch (error) {
      done(error as Error);
      return;
    }
    this.hash.update(this.binary ? this.binary.hashed(chunk) : chunk);
    this.bytes += chunk.length;
    this.rows += rows;
    this.onChunk?.(rows, chunk.length);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    try {
      this.binary?.finish();
      done();
    } catch (error) {
      done(error as Error);
    }
  }
  digest(): CopyCounts {
    return { rowCount: this.rows, bytes: this.bytes, checksum: this.hash.digest() };
  }
}

/** A sink that drops everything (verify only needs the hash). */
function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

export interface CopyOutOptions {
  /** The table's text-like key columns, ordered bytewise (collatableColumns). */
  collatable?: Set<string>;
  /** Where the rows go (a file); nowhere when only the checksum is wanted. */
  sink?: Writable;
  onChunk?: (rows: number, bytes: number) => void;
  order?: RowOrder;
}

/**
 * Streams one table through COPY into options.sink (or nowhere), hashing on the way. The client's
 * session must be pinned (pinSession) for the checksum to be comparable.
 */
export async function copyTableOut(client: pg.Client, table: ChecksumTable, options: CopyOutOptions = {}): Promise<CopyCounts> {
  const hasher = new CopyHasher(await rowHasher(table.checksum), { table, onChunk: options.onChunk });
  // Nothing awaited between the query and the pipeline: pg reports a dead connection to the stream on the next tick.
  const source = client.query(
    new CopyOutStream(`COPY (${orderedSelect(table, options.collatable, options.order)}) TO STDOUT${copyOptions(table.format)}`),
  );
  await pipeline(source, hasher, options.sink ?? discard());
  return hasher.digest();
}
