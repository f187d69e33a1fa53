// Base44 records ↔ table rows. A record becomes one COPY text line (each value in its column when
// it fits the column's type, otherwise kept in the extra column under its field name); a row read
// back becomes the record again (columns, then the extra column's keys over them). Also the
// per-field statistics the dump gathers to decide types and constraints.
import {
  isCalendarDate,
  isPlainObject,
  isStorableDateTime,
  valueFitsColumn,
  emptyFieldStats,
  type EntityColumn,
  type EntityTable,
  type TableDataStats,
} from "./schema";

export type Base44Record = Record<string, unknown>;

/** Counts one record's values into per-field statistics. */
export function addRecordStats(stats: TableDataStats, record: Base44Record, enums: Map<string, Set<unknown>> = new Map()): void {
  stats.rowCount++;
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const s = (stats.fields[field] ??= emptyFieldStats());
    if (value === null) s.null++;
    else if (typeof value === "string") {
      s.string++;
      if (isStorableDateTime(value)) s.dateTime++;
      if (isCalendarDate(value)) s.date++;
    } else if (typeof value === "number") {
      if (Number.isSafeInteger(value)) s.integer++;
      else s.number++;
    } else if (typeof value === "boolean") s.boolean++;
    else if (Array.isArray(value)) s.array++;
    else s.object++;
    const allowed = enums.get(field);
    if (allowed && value !== null && !allowed.has(value)) s.enumMisses++;
  }
}

export function emptyTableStats(): TableDataStats {
  return { rowCount: 0, fields: {} };
}

/** A Base44 date-time as timestamptz input: a value without a zone is UTC (Base44 leaves the Z out). */
export function timestampInput(value: string): string {
  return /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value) ? value : `${value}+00`;
}

/** Text PostgreSQL cannot hold: NUL characters (Base44's MongoDB can). Replaced with U+FFFD and reported. */
const NUL = /\u0000/g;

function scrubNul<T>(value: T, found: { nul: boolean }): T {
  if (typeof value === "string") {
    if (!value.includes("\u0000")) return value;
    found.nul = true;
    return value.replace(NUL, "\uFFFD") as T;
  }
  if (Array.isArray(value)) return value.map((v) => scrubNul(v, found)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrubNul(k, found)] = scrubNul(v, found);
    return out as T;
  }
  return value;
}

function columnText(column: EntityColumn, value: unknown): string {
  switch (column.kind) {
    case "timestamptz":
      return timestampInput(value as string);
    case "boolean":
      return value ? "t" : "f";
    case "jsonb":
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

/** COPY text format escaping (backslash, tab, newline, carriage return); NULL is \N. */
export function copyEscape(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

export interface RowConversion {
  /** Text values in column order (null for SQL NULL). */
  values: Array<string | null>;
  /** Declared fields whose value did not fit the column and went to the extra column. */
  misfits: string[];
  /** The record held NUL characters (replaced with U+FFFD). */
  nul: boolean;
}

/** One record as the text values of a table row. */
export function recordToRow(table: EntityTable, record: Base44Record): RowConversion {
  const found = { nul: false };
  const clean = scrubNul(record, found);
  const extra: Record<string, unknown> = {};
  const mapped = new Set<string>();
  const misfits: string[] = [];
  const values: Array<string | null> = [];
  for (const column of table.columns) {
    if (!column.field) {
      values.push(null); // filled below, once the extra fields are known
      continue;
    }
    mapped.add(column.field);
    const value = clean[column.field];
    if (value === undefined || value === null) values.push(null);
    else if (valueFitsColumn(column, value)) values.push(columnText(column, value));
    else {
      values.push(null);
      extra[column.field] = value;
      misfits.push(column.field);
    }
  }
  for (const [field, value] of Object.entries(clean)) {
    if (!mapped.has(field) && value !== undefined) extra[field] = value;
  }
  const extraIndex = table.columns.findIndex((c) => c.name === table.extraColumn);
  values[extraIndex] = JSON.stringify(extra);
  return { values, misfits, nul: found.nul };
}

/** A record as one COPY text line (with its newline). */
export function recordToCopyLine(table: EntityTable, record: Base44Record): RowConversion & { line: string } {
  const row = recordToRow(table, record);
  return { ...row, line: `${row.values.map(copyEscape).join("\t")}\n` };
}

/** Base44's timestamp format: UTC, microseconds, no zone letter (`2025-06-18T09:43:16.284000`). */
export function formatBase44Timestamp(value: Date | string): string {
  if (value instanceof Date) return `${value.toISOString().slice(0, 23)}000`;
  // PostgreSQL text output (`2025-06-18 09:43:16.284+00` with TimeZone UTC) keeps microseconds exactly.
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(value);
  if (!m || (m[4] && !/^(Z|[+-]00(:?00)?)$/i.test(m[4])))
    return formatBase44Timestamp(new Date(/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value) ? value : `${value}Z`));
  return `${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(6, "0")}`;
}

function formatDate(value: Date | string): string {
  if (value instanceof Date)
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, "0")}-${String(value.getDate()).padStart(2, "0")}`;
  return value.slice(0, 10);
}

/**
 * A row read back (pg's default parsers or plain text) as the Base44 record: every column by its
 * field name (NULL → null), then the extra column's keys over them. Timestamps come out in
 * Base44's format; a declared field that was absent reads back as null.
 */
export function rowToRecord(table: EntityTable, row: Record<string, unknown>): Base44Record {
  const record: Base44Record = {};
  let extra: Record<string, unknown> = {};
  for (const column of table.columns) {
    const value = row[column.name];
    if (!column.field) {
      extra =
        typeof value === "string" ? (JSON.parse(value) as Record<string, unknown>) : ((value as Record<string, unknown>) ?? {});
      continue;
    }
    if (value === null || value === undefined) record[column.field] = null;
    else if (column.kind === "timestamptz") record[column.field] = formatBase44Timestamp(value as Date | string);
    else if (column.kind === "date") record[column.field] = formatDate(value as Date | string);
    else if (column.kind === "bigint" || column.kind === "double") record[column.field] = Number(value);
    else if (column.kind === "boolean") record[column.field] = value === true || value === "t" || value === "true";
    else if (column.kind === "jsonb") record[column.field] = typeof value === "string" ? JSON.parse(value) : value;
    else record[column.field] = value;
  }
  return Object.assign(record, extra);
}
