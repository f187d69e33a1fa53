// Rows and Base44 records, the same way `ownit dump` wrote them: each declared field in its typed
// column when the value fits the type, otherwise (and for every undeclared field) in the jsonb
// overflow column under its own name, so no value is dropped. Reading back: the columns, then the
// overflow column's keys over them; fields never set are left out, as MongoDB left them out.
import { badRequest } from "./errors";
import { quoteIdent, timestampInput, type ColumnKind, type TableShape } from "./db";

/** Fields the server keeps itself: the app cannot set them on create or update (Base44 ignored them too). */
export const SYSTEM_FIELDS = ["id", "created_date", "updated_date", "created_by", "created_by_id", "is_sample"] as const;

export type Row = Record<string, unknown>;
export type EntityRecord = Record<string, unknown> & { id: string };

export function rowToRecord(shape: TableShape, row: Row): EntityRecord {
  const record: Record<string, unknown> = {};
  for (const column of shape.columns.keys()) {
    if (column === shape.overflow || column.startsWith("__")) continue;
    const value = row[column];
    if (value !== null && value !== undefined) record[column] = value;
  }
  const extra = shape.overflow ? row[shape.overflow] : undefined;
  if (extra && typeof extra === "object" && !Array.isArray(extra)) Object.assign(record, extra);
  return record as EntityRecord;
}

/** Keeps only the asked-for fields (and id, which Base44 always returned). */
export function pickFields(record: EntityRecord, fields: string[] | undefined): EntityRecord {
  if (!fields?.length) return record;
  const out: Record<string, unknown> = { id: record.id };
  for (const f of fields) if (f in record) out[f] = record[f];
  return out as EntityRecord;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  return Boolean(m && isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60);
}

/** Whether a value can sit in a column of this kind as it is (the rest goes to the overflow column). */
export function fitsColumn(kind: ColumnKind, value: unknown): boolean {
  switch (kind) {
    case "text":
      return typeof value === "string";
    case "date":
      return typeof value === "string" && isCalendarDate(value);
    case "timestamp":
      return typeof value === "string" && isDateTime(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isSafeInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "json":
      return value !== null;
  }
}

/** A record's writable fields as column values, plus what goes to the overflow column. */
export interface SplitRecord {
  columns: Array<{ column: string; value: unknown; json: boolean }>;
  overflow: Record<string, unknown>;
  /** Overflow keys to remove: the field now fits its column again (or was set to null). */
  clearOverflow: string[];
}

export function splitRecord(shape: TableShape, data: Record<string, unknown>): SplitRecord {
  const out: SplitRecord = { columns: [], overflow: {}, clearOverflow: [] };
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || (SYSTEM_FIELDS as readonly string[]).includes(key) || key.startsWith("__")) continue;
    const kind = shape.columns.get(key);
    if (kind && key !== shape.overflow) {
      if (value === null || fitsColumn(kind, value)) {
        const stored = value === null ? null : kind === "json" ? JSON.stringify(value) : kind === "timestamp" ? timestampInput(value as string) : value;
        out.columns.push({ column: key, value: stored, json: kind === "json" });
        out.clearOverflow.push(key);
      } else if (shape.overflow) {
        // Kept like the export keeps it: the column empty, the value under its name in the overflow column.
        out.columns.push({ column: key, value: null, json: kind === "json" });
        out.overflow[key] = value;
      } else {
        throw badRequest(`${shape.entity}.${key} cannot hold ${JSON.stringify(value)?.slice(0, 60)}`, "invalid_value");
      }
    } else if (shape.overflow) {
      out.overflow[key] = value;
    } else {
      throw badRequest(`${shape.entity} has no field "${key}" (its table has no column for undeclared fields)`, "unknown_field");
    }
  }
  return out;
}

/** `"col" = $n` (with a jsonb cast where needed) for an UPDATE's SET list. */
export function assignment(c: SplitRecord["columns"][number], placeholder: string): string {
  return `${quoteIdent(c.column)} = ${placeholder}${c.json ? "::jsonb" : ""}`;
}

/** A 24-hex id like Base44's (MongoDB ObjectId layout: seconds, then random), so ids still sort by age. */
export function newRecordId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, "0");
  const random = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${seconds}${random}`;
}
