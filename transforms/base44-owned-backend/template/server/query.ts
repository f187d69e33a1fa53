// Base44's Mongo-style filters and sorts, compiled to SQL over an entity table. Declared fields are
// typed columns; anything else lives in the table's jsonb overflow column, and dotted paths reach
// into jsonb. Semantics follow MongoDB, which Base44 runs on: a missing field equals null, `$ne`
// and `$nin` match records without the field, a scalar matches an array that contains it, and
// mixed types never compare. An operator this compiler does not know is a 400 naming it, never
// a filter silently dropped.
import { badRequest } from "./errors";
import { quoteIdent, type ColumnKind, type TableShape } from "./db";

/** The operators a field condition may use. */
export const FIELD_OPERATORS = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$regex", "$options", "$exists", "$not", "$all", "$size"] as const;
/** The operators that combine conditions at the top of a filter. */
export const LOGICAL_OPERATORS = ["$and", "$or", "$nor"] as const;

/** Collects parameters as $1, $2… while SQL is built. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A field as SQL: a typed column, or a jsonb expression (kind "json"). A declared column's values
 * that did not fit its type live in the overflow column under the field's name (that is how the
 * export keeps them); `alt` points there so conditions and sorts see those values too.
 */
export interface FieldRef {
  sql: string;
  kind: ColumnKind;
  alt?: FieldRef;
  /**
   * A dotted path into JSON reaches any number of values (MongoDB walks into arrays on the way):
   * `sql` is then a jsonb array of every value reached, and a condition holds when one of them meets it.
   */
  many?: boolean;
}

export interface CompileOptions {
  /** Values for names that are not columns (a rule's `entity_name`, `app_id`…). */
  constants?: Record<string, unknown>;
  /** Rules write `data.<field>` for a record's own fields. */
  dataPrefix?: boolean;
  /**
   * Fields the caller may read only where a condition holds (field-level read rules), as SQL.
   * Elsewhere the field is missing for every filter, sort and distinct, so a hidden value can
   * never be guessed by asking which records match it.
   */
  masked?: Record<string, string>;
}

/** A reference as the caller may see it: where `readable` is false the field is missing. */
function maskRef(ref: FieldRef, readable: string): FieldRef {
  const sql = ref.many ? `(CASE WHEN ${readable} THEN ${ref.sql} ELSE '[]'::jsonb END)` : `(CASE WHEN ${readable} THEN ${ref.sql} END)`;
  return { ...ref, sql, ...(ref.alt ? { alt: maskRef(ref.alt, readable) } : {}) };
}

const SQL_TYPE: Record<Exclude<ColumnKind, "json">, string> = {
  text: "text",
  number: "double precision",
  // Compared as double: `priority > 2.5` is a fair question about an integer column.
  integer: "double precision",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamptz",
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith("$"));
}

/** Resolves a (possibly dotted) field name against the table. */
export function fieldRef(shape: TableShape, path: string, params: SqlParams, options: CompileOptions = {}): FieldRef {
  const ref = unmaskedFieldRef(shape, path, params, options);
  const head = path.split(".")[0]!;
  const readable = options.masked && Object.hasOwn(options.masked, head) ? options.masked[head]! : undefined;
  return readable === undefined || readable === "true" ? ref : maskRef(ref, readable);
}

function unmaskedFieldRef(shape: TableShape, path: string, params: SqlParams, options: CompileOptions = {}): FieldRef {
  let segments = path.split(".");
  if (options.dataPrefix && segments[0] === "data" && segments.length > 1 && !shape.columns.has("data")) segments = segments.slice(1);
  const [head, ...rest] = segments as [string, ...string[]];
  if (options.constants && Object.prototype.hasOwnProperty.call(options.constants, head) && !shape.columns.has(head)) {
    const value = options.constants[head];
    return value === null || value === undefined ? { sql: "NULL::jsonb", kind: "json" } : { sql: `${params.add(JSON.stringify(value))}::jsonb`, kind: "json" };
  }
  const kind = shape.columns.get(head);
  if (kind && head !== shape.overflow) {
    if (!rest.length) {
      const alt = kind !== "json" && shape.overflow ? { sql: `(${quoteIdent(shape.overflow)} -> ${params.add(head)}::text)`, kind: "json" as const } : undefined;
      return alt ? { sql: quoteIdent(head), kind, alt } : { sql: quoteIdent(head), kind };
    }
    if (kind === "json") return { sql: `jsonb_path_query_array(${quoteIdent(head)}, ${params.add(jsonPath(rest))}::jsonpath)`, kind: "json", many: true };
    return { sql: "NULL::jsonb", kind: "json" };
  }
  if (shape.overflow) {
    if (segments.length === 1) return { sql: `(${quoteIdent(shape.overflow)} -> ${params.add(head)}::text)`, kind: "json" };
    return { sql: `jsonb_path_query_array(${quoteIdent(shape.overflow)}, ${params.add(jsonPath(segments))}::jsonpath)`, kind: "json", many: true };
  }
  return { sql: "NULL::jsonb", kind: "json" };
}

/** A dotted path as a lax SQL/JSON path: `a.0.b` → `$."a"[0]."b"` (lax mode walks into arrays, as MongoDB does). */
function jsonPath(segments: string[]): string {
  return `lax $${segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `."${s.replace(/["\\]/g, "\\$&")}"`)).join("")}`;
}

/** A condition on one of the values a many-valued reference reached (or on the reference itself). */
function anyOf(ref: FieldRef, condition: (r: FieldRef) => string): string {
  if (!ref.many) return condition(ref);
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(${ref.sql}) AS reached(v) WHERE ${condition({ sql: "reached.v", kind: "json" })})`;
}

/** A JS value as a typed column would hold it, or undefined when it cannot be one (then nothing matches). */
function coerce(kind: Exclude<ColumnKind, "json">, value: unknown): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  switch (kind) {
    case "text":
      return typeof value === "string" ? value : undefined;
    case "number":
    case "integer":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "date":
    case "timestamp":
      return typeof value === "string" && !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)) ? value : undefined;
  }
}

function typed(kind: Exclude<ColumnKind, "json">, value: string | number | boolean, params: SqlParams): string {
  return `${params.add(value)}::${SQL_TYPE[kind]}`;
}

function jsonParam(value: unknown, params: SqlParams): string {
  return `${params.add(JSON.stringify(value ?? null))}::jsonb`;
}

/** Text a regex can run over: the column, or the jsonb value when it is a string. */
function textOf(ref: FieldRef): string {
  if (ref.kind === "json") return `(CASE WHEN jsonb_typeof(${ref.sql}) = 'string' THEN ${ref.sql} #>> '{}' END)`;
  if (ref.kind === "text") return ref.sql;
  return `(${ref.sql})::text`;
}

/** A positive condition over a field: true when the column or its overflow value satisfies it. */
function either(ref: FieldRef, condition: (r: FieldRef) => string): string {
  const main = anyOf(ref, condition);
  if (!ref.alt) return main;
  return `(${main} OR ${anyOf(ref.alt, condition)})`;
}

/** Negation in MongoDB's sense: a record where the condition is unknown (field missing) matches. */
function not(sql: string): string {
  return `NOT COALESCE((${sql}), false)`;
}

function equals(ref: FieldRef, value: unknown, params: SqlParams): string {
  if (value === null || value === undefined) {
    // Null matches a missing field: the column and its overflow value are both empty.
    const isNull = (r: FieldRef) =>
      r.many ? `(${r.sql} = '[]'::jsonb OR ${r.sql} @> '[null]'::jsonb)` : r.kind === "json" ? `(${r.sql} IS NULL OR ${r.sql} = 'null'::jsonb)` : `${r.sql} IS NULL`;
    return ref.alt ? `(${isNull(ref)} AND ${isNull(ref.alt)})` : isNull(ref);
  }
  return either(ref, (r) => equalsOne(r, value, params));
}

function equalsOne(ref: FieldRef, value: unknown, params: SqlParams): string {
  if (ref.kind === "json") {
    const v = jsonParam(value, params);
    return `(${ref.sql} = ${v} OR (jsonb_typeof(${ref.sql}) = 'array' AND ${ref.sql} @> jsonb_build_array(${v})))`;
  }
  const c = coerce(ref.kind, value);
  return c === undefined ? "false" : `${ref.sql} = ${typed(ref.kind, c, params)}`;
}

function compare(ref: FieldRef, op: "$gt" | "$gte" | "$lt" | "$lte", value: unknown, params: SqlParams): string {
  return either(ref, (r) => compareOne(r, op, value, params));
}

function compareOne(ref: FieldRef, op: "$gt" | "$gte" | "$lt" | "$lte", value: unknown, params: SqlParams): string {
  const sqlOp = { $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" }[op];
  if (value === null || value === undefined) return "false";
  if (ref.kind === "json") {
    const v = jsonParam(value, params);
    // Mongo compares within a type only: 5 > "4" is false, not an error.
    return `(jsonb_typeof(${ref.sql}) = jsonb_typeof(${v}) AND ${ref.sql} ${sqlOp} ${v})`;
  }
  const c = coerce(ref.kind, value);
  if (c === undefined) return "false";
  const column = ref.kind === "text" ? `${ref.sql} COLLATE "C"` : ref.sql;
  return `${column} ${sqlOp} ${typed(ref.kind, c, params)}`;
}

function oneOf(ref: FieldRef, values: unknown, op: string, params: SqlParams): string {
  if (!Array.isArray(values)) throw badRequest(`${op} needs an array of values`, "invalid_filter");
  if (!values.length) return "false";
  const parts = values.map((v) => equals(ref, v, params));
  return `(${parts.join(" OR ")})`;
}

/**
 * JavaScript regex flags as PostgreSQL's embedded options: by default `.` stops at a newline and
 * `^`/`$` match only at the ends (ARE "p"); `m` makes `^`/`$` match at lines ("n" with `.`
 * stopping, "w" with `s`), `s` lets `.` cross newlines ("s"); `i` ignores case; `u` changes nothing here.
 */
function regexOptions(flags: string): string {
  const m = flags.includes("m");
  const dotAll = flags.includes("s");
  return `${m ? (dotAll ? "w" : "n") : dotAll ? "s" : "p"}${flags.includes("i") ? "i" : ""}`;
}

function regex(ref: FieldRef, pattern: unknown, options: unknown, params: SqlParams): string {
  let source: string;
  let flags = typeof options === "string" ? options : "";
  if (pattern instanceof RegExp) {
    source = pattern.source;
    flags += pattern.flags;
  } else if (typeof pattern === "string") source = pattern;
  else throw badRequest("$regex needs a string pattern", "invalid_filter");
  const unknown = [...flags].filter((f) => !"imsu".includes(f));
  if (unknown.length) throw badRequest(`$regex option "${unknown.join("")}" is not supported (i, m, s, u are)`, "unsupported_operator");
  const pattern_ = params.add(`(?${regexOptions(flags)})${source}`);
  return either(ref, (r) => `${textOf(r)} ~ ${pattern_}`);
}

function all(ref: FieldRef, values: unknown, params: SqlParams): string {
  if (!Array.isArray(values)) throw badRequest("$all needs an array of values", "invalid_filter");
  if (!values.length) return "false";
  const wanted = jsonParam(values, params);
  return either(ref, (r) => (r.kind === "json" ? `(jsonb_typeof(${r.sql}) = 'array' AND ${r.sql} @> ${wanted})` : "false"));
}

/** One operator applied to one field. */
function operator(ref: FieldRef, field: string, op: string, value: unknown, siblings: Record<string, unknown>, params: SqlParams): string {
  switch (op) {
    case "$eq":
      return equals(ref, value, params);
    case "$ne":
      return not(equals(ref, value, params));
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      return compare(ref, op, value, params);
    case "$in":
      return oneOf(ref, value, op, params);
    case "$nin":
      return not(oneOf(ref, value, op, params));
    case "$regex":
      return regex(ref, value, siblings.$options, params);
    case "$options":
      if (!("$regex" in siblings)) throw badRequest(`$options on ${field} needs a $regex beside it`, "invalid_filter");
      return "true";
    case "$exists":
      {
        const present = ref.many ? `${ref.sql} <> '[]'::jsonb` : either(ref, (r) => `${r.sql} IS NOT NULL`);
        return value ? present : not(present);
      }
    case "$not":
      if (!isOperatorObject(value)) throw badRequest(`$not on ${field} needs an operator object, like { "$not": { "$gt": 5 } }`, "invalid_filter");
      return not(fieldCondition(ref, field, value, params));
    case "$all":
      return all(ref, value, params);
    case "$size":
      if (typeof value !== "number") throw badRequest("$size needs a number", "invalid_filter");
      {
        const size = params.add(value);
        return either(ref, (r) => (r.kind === "json" ? `(jsonb_typeof(${r.sql}) = 'array' AND jsonb_array_length(${r.sql}) = ${size}::int)` : "false"));
      }
    default:
      throw badRequest(`filter operator ${op} (on ${field}) is not supported by this server; supported: ${FIELD_OPERATORS.join(" ")} ${LOGICAL_OPERATORS.join(" ")}`, "unsupported_operator");
  }
}

function fieldCondition(ref: FieldRef, field: string, condition: Record<string, unknown>, params: SqlParams): string {
  const parts = Object.entries(condition).map(([op, v]) => operator(ref, field, op, v, condition, params));
  return parts.length === 1 ? parts[0]! : `(${parts.join(" AND ")})`;
}

/** The condition on one field: an operator object, an exact value, or (an array) any of its values. */
export function compileFieldCondition(shape: TableShape, field: string, condition: unknown, params: SqlParams, options: CompileOptions = {}): string {
  if (field.startsWith("$")) throw badRequest(`filter operator ${field} is not supported by this server; supported: ${FIELD_OPERATORS.join(" ")} ${LOGICAL_OPERATORS.join(" ")}`, "unsupported_operator");
  const ref = fieldRef(shape, field, params, options);
  if (isOperatorObject(condition)) return fieldCondition(ref, field, condition, params);
  if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith("$"))) {
    throw badRequest(`the condition on ${field} mixes operators and fields`, "invalid_filter");
  }
  // Base44 reads an array as "any of these" (a scalar column can never equal an array).
  if (Array.isArray(condition) && ref.kind !== "json") return oneOf(ref, condition, "an array value", params);
  if (Array.isArray(condition)) return `(${equals(ref, condition, params)} OR ${oneOf(ref, condition, "an array value", params)})`;
  return equals(ref, condition as Json, params);
}

/** A whole filter (`{ status: "active", priority: { $gte: 2 }, $or: [...] }`) as one SQL condition. */
export function compileFilter(shape: TableShape, query: unknown, params: SqlParams, options: CompileOptions = {}): string {
  if (query === undefined || query === null) return "true";
  if (!isPlainObject(query)) throw badRequest("a filter must be an object", "invalid_filter");
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key === "$and" || key === "$or" || key === "$nor") {
      if (!Array.isArray(value)) throw badRequest(`${key} needs an array of conditions`, "invalid_filter");
      const inner = value.map((q) => `(${compileFilter(shape, q, params, options)})`);
      if (!inner.length) throw badRequest(`${key} needs at least one condition`, "invalid_filter");
      if (key === "$and") parts.push(`(${inner.join(" AND ")})`);
      else if (key === "$or") parts.push(`(${inner.join(" OR ")})`);
      else parts.push(not(inner.join(" OR ")));
    } else {
      parts.push(compileFieldCondition(shape, key, value, params, options));
    }
  }
  return parts.length ? parts.join(" AND ") : "true";
}

/** MongoDB's order of types: missing/null, numbers, strings, objects, arrays, booleans (an empty array first of all). */
function jsonBracket(e: string): string {
  return `(CASE jsonb_typeof(${e}) WHEN 'number' THEN 2 WHEN 'string' THEN 3 WHEN 'object' THEN 4 WHEN 'array' THEN (CASE WHEN jsonb_array_length(${e}) = 0 THEN 0 ELSE 5 END) WHEN 'boolean' THEN 8 ELSE 1 END)`;
}

const COLUMN_BRACKET: Record<Exclude<ColumnKind, "json">, number> = { number: 2, integer: 2, text: 3, date: 3, timestamp: 3, boolean: 8 };
/** Base44's own timestamps sort as instants, ahead of strings. */
const INSTANT_FIELDS = new Set(["created_date", "updated_date"]);

/** Sort keys for one field, in MongoDB's order: type bracket first, then the value within its type. */
function sortKeys(ref: FieldRef, field: string, dir: "ASC" | "DESC"): string[] {
  const jsonKeys = (e: string) => [
    `${jsonBracket(e)} ${dir}`,
    `(CASE WHEN jsonb_typeof(${e}) = 'number' THEN (${e})::text::numeric END) ${dir}`,
    `(CASE WHEN jsonb_typeof(${e}) = 'string' THEN ${e} #>> '{}' END) COLLATE "C" ${dir}`,
    `${e} ${dir}`,
  ];
  // A path through arrays sorts by the first value it reaches.
  if (ref.kind === "json") return jsonKeys(ref.many ? `(${ref.sql} -> 0)` : ref.sql);
  const column = ref.kind === "text" ? `${ref.sql} COLLATE "C"` : ref.sql;
  const bracket = INSTANT_FIELDS.has(field) && ref.kind === "timestamp" ? 2.5 : COLUMN_BRACKET[ref.kind];
  if (!ref.alt) return [`(CASE WHEN ${ref.sql} IS NULL THEN 1 ELSE ${bracket} END) ${dir}`, `${column} ${dir}`];
  return [`(CASE WHEN ${ref.sql} IS NOT NULL THEN ${bracket} ELSE ${jsonBracket(ref.alt.sql)} END) ${dir}`, `${column} ${dir}`, ...jsonKeys(ref.alt.sql).slice(1)];
}

/**
 * `-created_date`, `+title`, `title` (or several, comma-separated) as ORDER BY, in MongoDB's
 * order: nulls and missing fields first ascending, types in BSON order, text by code point (not
 * the database's locale). Ties end in id order so pages never overlap.
 */
export function compileSort(shape: TableShape, sort: string | undefined, params: SqlParams, fallback = "-created_date", options: CompileOptions = {}): string {
  const keys = (sort && sort.trim() ? sort : fallback).split(",").map((s) => s.trim()).filter(Boolean);
  const parts: string[] = [];
  for (const key of keys) {
    const field = key.replace(/^[-+]/, "");
    if (!field) continue;
    parts.push(...sortKeys(fieldRef(shape, field, params, options), field, key.startsWith("-") ? "DESC" : "ASC"));
  }
  parts.push(`${quoteIdent("id")} COLLATE "C" ASC`);
  return parts.join(", ");
}
