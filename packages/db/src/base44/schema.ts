// Base44 entity JSON schemas → PostgreSQL tables. One function names a table, one turns a schema
// (plus, when known, what the records really hold) into a table definition, one prints its
// CREATE TABLE. The generated server and the dump both build tables through these, so the names
// and types agree everywhere.
//
// The mapping, in one place:
//   id text PRIMARY KEY (24-hex ObjectIds, not uuids); created_date/updated_date timestamptz;
//   created_by, created_by_id text; is_sample boolean.
//   string → text, format date → date, format date-time → timestamptz (a value without a zone is
//   UTC), number → double precision (what a JS number is), integer → bigint, boolean → boolean,
//   array/object/untyped → jsonb; enum → CHECK, default → DEFAULT, required → NOT NULL.
//   `_extra jsonb` keeps every field the schema does not declare and every value that does not
//   fit its column's type, under its own field name, so no value is ever dropped. Reading a
//   record back: columns first, then `_extra`'s keys over them (see rowToRecord in records.ts).
//   The User entity becomes `users`: email (unique), full_name, role, disabled, is_verified plus
//   the custom fields of User.jsonc.
import { qualified, quoteIdent, quoteLiteral } from "../sql";
import { BASE44_BUILT_IN_FIELDS, BASE44_USER_ENTITY, BASE44_USER_FIELDS, PG_MAX_IDENTIFIER_BYTES } from "./constants";

/** One property of an entity schema (JSON Schema, as Base44 stores it). */
export interface Base44Property {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  default?: unknown;
  items?: Base44Property;
  properties?: Record<string, Base44Property>;
  required?: string[];
  description?: string;
  title?: string;
  /** Field-level rules: `read`/`write` (and create/update/delete). */
  rls?: Base44Rls;
  [key: string]: unknown;
}

/** `true` allows everyone, `false` no one, a condition object the users and records it matches; null/"" mean no restriction. */
export type Base44RlsRule = boolean | null | "" | Record<string, unknown>;

export interface Base44Rls {
  create?: Base44RlsRule;
  read?: Base44RlsRule;
  update?: Base44RlsRule;
  delete?: Base44RlsRule;
  /** Older spelling: create, update and delete at once. */
  write?: Base44RlsRule;
  [key: string]: unknown;
}

/** An entity schema file (`base44/entities/<Name>.jsonc`) or an entry of `GET …/entity-schemas`. */
export interface Base44EntitySchema {
  name?: string;
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, Base44Property>;
  required?: string[];
  rls?: Base44Rls;
  [key: string]: unknown;
}

export type ColumnKind = "text" | "date" | "timestamptz" | "double" | "bigint" | "boolean" | "jsonb";

/** The SQL type each column kind is created with. */
export const COLUMN_SQL_TYPES: Record<ColumnKind, string> = {
  text: "text",
  date: "date",
  timestamptz: "timestamptz",
  double: "double precision",
  bigint: "bigint",
  boolean: "boolean",
  jsonb: "jsonb",
};

export interface EntityColumn {
  /** Column name: the record field it holds, unchanged (always quoted in SQL). */
  name: string;
  /** The record field; absent for the extra column. */
  field?: string;
  kind: ColumnKind;
  sqlType: string;
  /** For jsonb columns from a schema: which JSON shape fits (an array column refuses objects). */
  json?: "array" | "object" | "any";
  notNull: boolean;
  builtIn: boolean;
  primaryKey?: boolean;
  unique?: boolean;
  /** A JSON value for DEFAULT (only when it fits the column). */
  default?: unknown;
  /** Allowed values, enforced with a CHECK (only when every record respects them). */
  enum?: Array<string | number | boolean>;
  format?: string;
  description?: string;
}

export interface EntityTable {
  entity: string;
  schema: "public";
  name: string;
  columns: EntityColumn[];
  primaryKey: string[];
  /** The jsonb column holding undeclared fields and misfit values. */
  extraColumn: string;
  /** True for the built-in User entity (the users table). */
  users: boolean;
  /** What the conversion had to decide (fields that could not be columns, dropped constraints): findings for the owner. */
  notes: string[];
}

/** What the records of an entity hold, per field: how many values of each JSON shape. */
export interface FieldStats {
  string: number;
  /** Strings that are ISO date-times PostgreSQL stores exactly (at most microseconds). */
  dateTime: number;
  /** Strings that are calendar dates (YYYY-MM-DD). */
  date: number;
  /** Numbers that are safe integers. */
  integer: number;
  number: number;
  boolean: number;
  array: number;
  object: number;
  null: number;
  /** Values outside the field's enum (counted only when the schema has one). */
  enumMisses: number;
}

export interface TableDataStats {
  rowCount: number;
  fields: Record<string, FieldStats>;
  /** Values of `email` that occur more than once (users only). */
  duplicateEmails?: number;
}

export interface EntityTableOptions {
  /** The entity name when the schema does not carry one. */
  name?: string;
  /** What the records hold: NOT NULL, CHECK and UNIQUE are kept only where the data allows them. */
  data?: TableDataStats;
  /** Table name to use (default entityTableName(name)); the dump resolves collisions with it. */
  tableName?: string;
}

/** The column that keeps undeclared fields (renamed only if a schema declares a field of that name). */
export const BASE44_EXTRA_COLUMN = "_extra";
const EXTRA_COLUMN_FALLBACK = "_ownit_extra";

/**
 * Table name for an entity: `User` → `users`, otherwise snake_case (`TeamMember` → `team_member`,
 * `HTTPLog` → `http_log`). No plurals: the mapping must be predictable from the name alone.
 */
export function entityTableName(name: string): string {
  if (name === BASE44_USER_ENTITY) return "users";
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
  return truncateIdentifier(snake);
}

/** Table names for a set of entities, with collisions (`TeamMember`, `Team_Member`) resolved by a numeric suffix in name order. */
export function entityTableNames(names: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  // User first: it owns `users` whatever else is called that; then code-point order (not locale: the same everywhere).
  for (const name of [...names].sort(
    (a, b) => Number(b === BASE44_USER_ENTITY) - Number(a === BASE44_USER_ENTITY) || (a < b ? -1 : a > b ? 1 : 0),
  )) {
    const base = entityTableName(name);
    let table = base;
    for (let n = 2; used.has(table); n++) table = truncateIdentifier(`${base.slice(0, PG_MAX_IDENTIFIER_BYTES - 4)}_${n}`);
    used.add(table);
    out.set(name, table);
  }
  return out;
}

function truncateIdentifier(name: string): string {
  return Buffer.byteLength(name) <= PG_MAX_IDENTIFIER_BYTES
    ? name
    : Buffer.from(name)
        .subarray(0, PG_MAX_IDENTIFIER_BYTES)
        .toString("utf8")
        .replace(/\uFFFD+$/, "");
}

/** The column kind a schema property asks for. */
export function propertyColumnKind(property: Base44Property | undefined): { kind: ColumnKind; json?: EntityColumn["json"] } {
  const types = property?.type === undefined ? [] : Array.isArray(property.type) ? property.type : [property.type];
  const type = types.find((t) => t !== "null");
  switch (type) {
    case "string":
      if (property?.format === "date") return { kind: "date" };
      if (property?.format === "date-time") return { kind: "timestamptz" };
      return { kind: "text" };
    case "number":
      return { kind: "double" };
    case "integer":
      return { kind: "bigint" };
    case "boolean":
      return { kind: "boolean" };
    case "array":
      return { kind: "jsonb", json: "array" };
    case "object":
      return { kind: "jsonb", json: "object" };
    default:
      return { kind: "jsonb", json: "any" };
  }
}

/** How many of a field's values fit a column (the rest go to the extra column). */
export function conformingCount(stats: FieldStats, column: Pick<EntityColumn, "kind" | "json">): number {
  switch (column.kind) {
    case "text":
      return stats.string;
    case "date":
      return stats.date;
    case "timestamptz":
      return stats.dateTime;
    case "double":
      return stats.number + stats.integer;
    case "bigint":
      return stats.integer;
    case "boolean":
      return stats.boolean;
    case "jsonb":
      if (column.json === "array") return stats.array;
      if (column.json === "object") return stats.object;
      return nonNullCount(stats);
  }
}

/** Non-null values a field holds, of any shape. */
export function nonNullCount(stats: FieldStats): number {
  return stats.string + stats.number + stats.integer + stats.boolean + stats.array + stats.object;
}

function builtInColumns(users: boolean): EntityColumn[] {
  const col = (name: string, kind: ColumnKind, extra: Partial<EntityColumn> = {}): EntityColumn => ({
    name,
    field: name,
    kind,
    sqlType: COLUMN_SQL_TYPES[kind],
    notNull: false,
    builtIn: true,
    ...extra,
  });
  if (users) {
    return [
      col("id", "text", { primaryKey: true, notNull: true }),
      col("email", "text", { notNull: true, unique: true, format: "email" }),
      col("full_name", "text"),
      col("role", "text", { notNull: true, default: "user" }),
      col("disabled", "boolean"),
      col("is_verified", "boolean"),
      col("created_date", "timestamptz", { notNull: true }),
      col("updated_date", "timestamptz", { notNull: true }),
    ];
  }
  return [
    col("id", "text", { primaryKey: true, notNull: true }),
    col("created_date", "timestamptz", { notNull: true }),
    col("updated_date", "timestamptz", { notNull: true }),
    col("created_by", "text"),
    col("created_by_id", "text"),
    col("is_sample", "boolean"),
  ];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a value fits a column as it is (else it goes to the extra column). */
export function valueFitsColumn(column: Pick<EntityColumn, "kind" | "json">, value: unknown): boolean {
  switch (column.kind) {
    case "text":
      return typeof value === "string";
    case "date":
      return typeof value === "string" && isCalendarDate(value);
    case "timestamptz":
      return typeof value === "string" && isStorableDateTime(value);
    case "double":
      return typeof value === "number" && Number.isFinite(value);
    case "bigint":
      return Number.isSafeInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "jsonb":
      if (column.json === "array") return Array.isArray(value);
      if (column.json === "object") return isPlainObject(value);
      return value !== null;
  }
}

/** A schema's default or enum value is kept only when it fits the column as it is. */
function defaultFits(kind: ColumnKind, json: EntityColumn["json"], value: unknown): boolean {
  return value !== null && value !== undefined && valueFitsColumn({ kind, json }, value);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A YYYY-MM-DD string naming a real calendar day. */
export function isCalendarDate(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** An ISO date-time (zone optional: Base44 often leaves the Z out, meaning UTC) with at most microseconds, as timestamptz keeps it exactly. */
export function isStorableDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  if (!isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`)) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60;
}

/**
 * The table for an entity schema. Without `data` it is the table a fresh app would create
 * (required fields NOT NULL); with `data` a constraint stays only where every record satisfies it,
 * and the reason a constraint was left out is noted.
 */
export function entitySchemaToTable(schema: Base44EntitySchema, options: EntityTableOptions = {}): EntityTable {
  const entity = options.name ?? schema.name;
  if (!entity) throw new Error("entitySchemaToTable: the schema has no name and none was given");
  const users = entity === BASE44_USER_ENTITY;
  const notes: string[] = [];
  const properties = schema.properties ?? {};
  const reserved = new Set<string>(users ? BASE44_USER_FIELDS : BASE44_BUILT_IN_FIELDS);
  const required = new Set(schema.required ?? []);
  const extraColumn = BASE44_EXTRA_COLUMN in properties ? EXTRA_COLUMN_FALLBACK : BASE44_EXTRA_COLUMN;

  const builtIns = builtInColumns(users);
  const declared: EntityColumn[] = [];
  for (const [field, property] of Object.entries(properties)) {
    if (reserved.has(field)) {
      // Base44 keeps these itself; a schema that declares one only adds a description.
      const builtIn = builtIns.find((c) => c.name === field);
      if (builtIn && property?.description) builtIn.description = property.description;
      continue;
    }
    if (field === extraColumn || Buffer.byteLength(field) > PG_MAX_IDENTIFIER_BYTES) {
      notes.push(
        `field "${field}" of ${entity} cannot be a column (its name is longer than PostgreSQL's ${PG_MAX_IDENTIFIER_BYTES}-byte limit); its values are kept in ${extraColumn}`,
      );
      continue;
    }
    const { kind, json } = propertyColumnKind(property);
    const column: EntityColumn = {
      name: field,
      field,
      kind,
      sqlType: COLUMN_SQL_TYPES[kind],
      notNull: required.has(field),
      builtIn: false,
    };
    if (json) column.json = json;
    if (property?.format) column.format = property.format;
    if (property?.description) column.description = property.description;
    if (property && "default" in property) {
      if (defaultFits(kind, json, property.default)) column.default = property.default;
      else
        notes.push(
          `default ${JSON.stringify(property.default)} of ${entity}.${field} does not fit its ${column.sqlType} column and was left out`,
        );
    }
    if (Array.isArray(property?.enum) && kind !== "jsonb") {
      const values = property.enum.filter((v): v is string | number | boolean => v !== null && defaultFits(kind, json, v));
      if (values.length) column.enum = values;
    }
    declared.push(column);
  }

  const columns = [...builtIns.slice(0, users ? 6 : 1), ...declared, ...builtIns.slice(users ? 6 : 1)];
  columns.push({
    name: extraColumn,
    kind: "jsonb",
    sqlType: "jsonb",
    json: "object",
    notNull: true,
    builtIn: true,
    default: {},
    description: "fields the entity schema does not declare, and values that do not fit their column's type",
  });

  if (options.data) applyDataLimits(entity, columns, options.data, notes, extraColumn);
  return {
    entity,
    schema: "public",
    name: options.tableName ?? entityTableName(entity),
    columns,
    primaryKey: ["id"],
    extraColumn,
    users,
    notes,
  };
}

/** Drops NOT NULL, CHECK and UNIQUE where some record would break them, and says why. */
function applyDataLimits(
  entity: string,
  columns: EntityColumn[],
  data: TableDataStats,
  notes: string[],
  extraColumn: string,
): void {
  for (const column of columns) {
    if (!column.field || column.primaryKey) continue;
    const stats = data.fields[column.field] ?? emptyFieldStats();
    const fits = conformingCount(stats, column);
    const misfits = nonNullCount(stats) - fits;
    if (misfits > 0)
      notes.push(
        `${misfits} value(s) of ${entity}.${column.field} are not ${describeKind(column)}; they are kept in ${extraColumn} under "${column.field}"`,
      );
    if (column.notNull && fits < data.rowCount) {
      column.notNull = false;
      if (!column.builtIn)
        notes.push(
          `${entity}.${column.field} is required by the schema but ${data.rowCount - fits} record(s) lack it (or hold another type): the column allows NULL`,
        );
    }
    if (column.enum && stats.enumMisses > 0) {
      notes.push(
        `${stats.enumMisses} value(s) of ${entity}.${column.field} are outside its enum (${column.enum.join(", ")}): no CHECK constraint`,
      );
      delete column.enum;
    }
  }
  const email = columns.find((c) => c.unique && c.name === "email");
  if (email && (data.duplicateEmails ?? 0) > 0) {
    email.unique = false;
    notes.push(
      `${data.duplicateEmails} email address(es) occur on more than one ${entity} record: users.email is not UNIQUE; merge the duplicates before users sign in`,
    );
  }
}

function describeKind(column: Pick<EntityColumn, "kind" | "json">): string {
  if (column.kind === "jsonb") return column.json === "array" ? "arrays" : column.json === "object" ? "objects" : "JSON values";
  return {
    text: "strings",
    date: "dates (YYYY-MM-DD)",
    timestamptz: "date-times",
    double: "numbers",
    bigint: "integers",
    boolean: "booleans",
  }[column.kind];
}

export function emptyFieldStats(): FieldStats {
  return { string: 0, dateTime: 0, date: 0, integer: 0, number: 0, boolean: 0, array: 0, object: 0, null: 0, enumMisses: 0 };
}

/**
 * A schema guessed from what the records hold, for an entity with no schema file and no schema
 * from the API: a field gets the narrowest type every one of its values fits.
 */
export function inferEntitySchema(name: string, data: TableDataStats): Base44EntitySchema {
  const reserved = new Set<string>(name === BASE44_USER_ENTITY ? BASE44_USER_FIELDS : BASE44_BUILT_IN_FIELDS);
  const properties: Record<string, Base44Property> = {};
  for (const [field, s] of Object.entries(data.fields)) {
    if (reserved.has(field)) continue;
    const total = nonNullCount(s);
    if (total === 0) properties[field] = {};
    else if (s.string === total)
      properties[field] =
        s.dateTime === total
          ? { type: "string", format: "date-time" }
          : s.date === total
            ? { type: "string", format: "date" }
            : { type: "string" };
    else if (s.integer === total) properties[field] = { type: "integer" };
    else if (s.integer + s.number === total) properties[field] = { type: "number" };
    else if (s.boolean === total) properties[field] = { type: "boolean" };
    else if (s.array === total) properties[field] = { type: "array" };
    else if (s.object === total) properties[field] = { type: "object" };
    else properties[field] = {};
  }
  return { name, type: "object", properties };
}

function sqlValue(column: EntityColumn, value: unknown): string {
  switch (column.kind) {
    case "text":
      return quoteLiteral(String(value));
    case "date":
      return `${quoteLiteral(String(value))}::date`;
    case "timestamptz":
      return `${quoteLiteral(String(value))}::timestamptz`;
    case "double":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "jsonb":
      return `${quoteLiteral(JSON.stringify(value))}::jsonb`;
  }
}

/**
 * CREATE TABLE for an entity table with its comments, then its indexes (newest-first lists,
 * owner rules). The dump puts the tables in schema.sql and the indexes in post-data.sql (built
 * once, after the rows): `{ indexes: false }` / `{ tables: false }`.
 */
export function tableDefinitionSql(table: EntityTable, parts: { tables?: boolean; indexes?: boolean } = {}): string {
  const tableName = qualified(table.schema, table.name);
  const wantTables = parts.tables ?? true;
  const wantIndexes = parts.indexes ?? true;
  const lines = table.columns.map((c) => {
    let line = `  ${quoteIdent(c.name)} ${c.sqlType}`;
    if (c.primaryKey) line += " PRIMARY KEY";
    else if (c.notNull) line += " NOT NULL";
    if (c.unique) line += " UNIQUE";
    if (c.default !== undefined) line += ` DEFAULT ${sqlValue(c, c.default)}`;
    if (c.enum?.length) line += ` CHECK (${quoteIdent(c.name)} IN (${c.enum.map((v) => sqlValue(c, v)).join(", ")}))`;
    return line;
  });
  const out: string[] = [];
  if (wantTables) {
    out.push(`CREATE TABLE ${tableName} (\n${lines.join(",\n")}\n);`);
    out.push(`COMMENT ON TABLE ${tableName} IS ${quoteLiteral(`Base44 entity ${table.entity}`)};`);
    for (const c of table.columns) {
      if (c.description) out.push(`COMMENT ON COLUMN ${tableName}.${quoteIdent(c.name)} IS ${quoteLiteral(c.description)};`);
    }
  }
  if (wantIndexes) {
    const has = (name: string) => table.columns.some((c) => c.name === name);
    // Base44 lists newest first by default; rules filter on created_by.
    if (has("created_date"))
      out.push(
        `CREATE INDEX ${quoteIdent(truncateIdentifier(`${table.name}_created_date_idx`))} ON ${tableName} (${quoteIdent("created_date")} DESC);`,
      );
    if (!table.users && has("created_by"))
      out.push(
        `CREATE INDEX ${quoteIdent(truncateIdentifier(`${table.name}_created_by_idx`))} ON ${tableName} (${quoteIdent("created_by")});`,
      );
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
