// The entity API over PostgreSQL with Base44's semantics: list/filter with sort, limit, skip and
// fields, cursor pages, count, get, create (schema defaults, required fields), update (a
// top-level merge), delete and the bulk forms, every one through the entity's access rules and
// field rules. A record a user may not read does not exist for them (404); one they may read but
// not change answers 403. The built-in User entity keeps Base44's fixed rules: people read and
// update only themselves, admins everyone; identity and role are not changed through it.
import type pg from "pg";
import type { AppConfig, EntityConfig } from "./config";
import { quoteIdent, type TableShape } from "./db";
import { badRequest, forbidden, fromPgError, HttpError, notFound } from "./errors";
import { compileFilter, compileSort, fieldRef, SqlParams } from "./query";
import { assignment, newRecordId, pickFields, rowToRecord, splitRecord, SYSTEM_FIELDS, type EntityRecord, type Row } from "./records";
import { userFieldsOf } from "./rule-check";
import { compileAccess, compileRule, isAdmin, type Actor, type Operation } from "./rules";

/** Base44's limits: 5,000 records per read (and by default), 100 per cursor page by default, 500 per bulk write. */
export const MAX_LIMIT = 5000;
export const DEFAULT_LIST_LIMIT = 5000;
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_DISTINCT = 1000;
export const MAX_BULK = 500;
export const DEFAULT_SORT = "-created_date";

/** User fields that are identity, not profile: never changed through updateMe or by a non-admin. */
const USER_IDENTITY_FIELDS = ["id", "email", "created_date", "updated_date"];
const USER_ADMIN_FIELDS = ["role", "disabled", "is_verified"];

/** A rejected request: 422 like Base44's validation errors. */
const unprocessable = (message: string) => new HttpError(422, "validation_failed", message);

export interface ListOptions {
  query?: unknown;
  sort?: string;
  limit?: number;
  skip?: number;
  fields?: string[];
}

interface Queryable {
  query: pg.Pool["query"];
}

function limitOf(limit: number | undefined, fallback: number, max = MAX_LIMIT): number {
  if (limit === undefined || limit === null || Number.isNaN(limit)) return fallback;
  if (limit < 0) throw badRequest("limit must be a non-negative integer");
  return Math.min(Math.floor(limit) || fallback, max);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class EntityStore {
  /** User fields some access rule depends on: only admins change them, unless the User schema gives one a write rule. */
  private readonly ruleUserFields: Set<string>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly config: AppConfig,
    private readonly shapes: Map<string, TableShape>,
  ) {
    const fields = new Set<string>();
    for (const entity of Object.values(config.entities)) {
      userFieldsOf(entity.rls, fields);
      for (const r of Object.values(entity.fieldRules ?? {})) userFieldsOf(r, fields);
    }
    const userRules = config.entities[config.userEntity]?.fieldRules ?? {};
    for (const field of [...fields]) if (userRules[field]?.write !== undefined || USER_IDENTITY_FIELDS.includes(field)) fields.delete(field);
    this.ruleUserFields = fields;
  }

  /** The built-in User entity's name. */
  get userEntity(): string {
    return this.config.userEntity;
  }

  entityNames(): string[] {
    return [...this.shapes.keys()];
  }

  private entity(name: string): { shape: TableShape; config: EntityConfig } {
    const shape = this.shapes.get(name);
    const config = this.config.entities[name];
    if (!shape || !config) throw notFound(`Entity schema ${name} not found (this app has ${this.entityNames().join(", ")})`);
    return { shape, config };
  }

  private isUsers(name: string): boolean {
    return name === this.config.userEntity;
  }

  /** The access condition for an operation; the User entity's fixed rules instead of a schema's. */
  private rule(name: string, op: Operation, actor: Actor, params: SqlParams): string {
    const { shape, config } = this.entity(name);
    if (this.isUsers(name)) {
      if (isAdmin(actor)) return "true";
      if (actor.kind !== "user" || op === "create" || op === "delete") return "false";
      return `${quoteIdent("id")} = ${params.add(actor.user.id)}`;
    }
    return compileRule(shape, config.rls, op, actor, params, this.config.appId);
  }

  private table(name: string): string {
    return quoteIdent(this.entity(name).shape.table);
  }

  private async run(db: Queryable, sql: string, values: unknown[], where: string): Promise<pg.QueryResult<Row>> {
    try {
      return (await db.query(sql, values)) as pg.QueryResult<Row>;
    } catch (error) {
      throw fromPgError(error, where) ?? error;
    }
  }

  /** Field rules that hide fields from readers, as extra select columns `__read_<i>`. */
  private readableColumns(name: string, actor: Actor, params: SqlParams): { select: string; hidden: (row: Row) => string[] } {
    const { shape, config } = this.entity(name);
    const rules = Object.entries(config.fieldRules ?? {}).filter(([, r]) => r.read !== undefined);
    if (!rules.length) return { select: "*", hidden: () => [] };
    const extra = rules.map(([, r], i) => `(${compileAccess(shape, r.read, actor, params, this.config.appId)}) AS ${quoteIdent(`__read_${i}`)}`);
    return { select: `*, ${extra.join(", ")}`, hidden: (row) => rules.filter((_r, i) => row[`__read_${i}`] !== true).map(([field]) => field) };
  }

  /** Fields with a read rule, each as the SQL condition under which this actor may read it. */
  private masks(name: string, actor: Actor, params: SqlParams): Record<string, string> {
    const { shape, config } = this.entity(name);
    const out: Record<string, string> = Object.create(null);
    for (const [field, r] of Object.entries(config.fieldRules ?? {})) if (r.read !== undefined) out[field] = compileAccess(shape, r.read, actor, params, this.config.appId);
    return out;
  }

  /** The caller's filter (blind to fields they may not read) and the read rule, as one condition. */
  private visibleWhere(name: string, actor: Actor, query: unknown, params: SqlParams): string {
    const { shape } = this.entity(name);
    return `(${compileFilter(shape, query, params, { masked: this.masks(name, actor, params) })}) AND (${this.rule(name, "read", actor, params)})`;
  }

  private present(name: string, row: Row, hidden: string[], fields?: string[]): EntityRecord {
    const record = rowToRecord(this.entity(name).shape, row);
    for (const field of hidden) delete record[field];
    return pickFields(record, fields);
  }

  async list(name: string, actor: Actor, options: ListOptions = {}): Promise<EntityRecord[]> {
    const { shape } = this.entity(name);
    const params = new SqlParams();
    const { select, hidden } = this.readableColumns(name, actor, params);
    const where = this.visibleWhere(name, actor, options.query, params);
    const order = compileSort(shape, options.sort, params, DEFAULT_SORT, { masked: this.masks(name, actor, params) });
    const limit = params.add(limitOf(options.limit, DEFAULT_LIST_LIMIT));
    const skip = options.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw badRequest("skip must be a non-negative integer");
    const offset = params.add(skip);
    const { rows } = await this.run(this.pool, `SELECT ${select} FROM ${this.table(name)} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params.values, `${name} list`);
    return rows.map((r) => this.present(name, r, hidden(r), options.fields));
  }

  /** One cursor page (`v2/list`): the cursor carries the walk's query, sort, fields and position. */
  async page(name: string, actor: Actor, options: ListOptions & { cursor?: string; distinct?: string }): Promise<{ items: unknown[]; next_cursor: string | null; has_more: boolean }> {
    let walk: ListOptions & { offset: number; distinct?: string } = { query: options.query, sort: options.sort, fields: options.fields, distinct: options.distinct, offset: 0 };
    if (options.cursor) {
      try {
        walk = JSON.parse(Buffer.from(options.cursor, "base64url").toString("utf8"));
      } catch {
        throw badRequest("the cursor is not one this server issued", "invalid_cursor");
      }
    }
    const distinct = walk.distinct !== undefined;
    const limit = limitOf(options.limit, DEFAULT_PAGE_LIMIT, distinct ? MAX_DISTINCT : MAX_LIMIT);
    const rows = distinct
      ? await this.distinct(name, actor, walk.distinct!, walk.query, limit + 1, walk.offset)
      : await this.list(name, actor, { query: walk.query, sort: walk.sort, fields: walk.fields, limit: limit + 1, skip: walk.offset });
    const has_more = rows.length > limit;
    const items = rows.slice(0, limit);
    const next = { ...walk, offset: walk.offset + items.length };
    return { items, has_more, next_cursor: has_more ? Buffer.from(JSON.stringify(next)).toString("base64url") : null };
  }

  /** The distinct values of a field (array elements one by one), in MongoDB's order. */
  private async distinct(name: string, actor: Actor, field: string, query: unknown, limit: number, offset: number): Promise<unknown[]> {
    const { shape } = this.entity(name);
    const params = new SqlParams();
    const where = this.visibleWhere(name, actor, query, params);
    const ref = fieldRef(shape, field, params, { masked: this.masks(name, actor, params) });
    const value = ref.kind === "json" ? ref.sql : ref.alt ? `COALESCE(to_jsonb(${ref.sql}), ${ref.alt.sql})` : `to_jsonb(${ref.sql})`;
    const sql = `WITH v AS (SELECT ${value} AS v FROM ${this.table(name)} WHERE ${where}),
      e AS (SELECT CASE WHEN jsonb_typeof(v) = 'array' THEN x ELSE v END AS v FROM v LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE '[]'::jsonb END) x ON true)
      SELECT DISTINCT v FROM e WHERE v IS NOT NULL AND v <> 'null'::jsonb
      ORDER BY v LIMIT ${params.add(limit)} OFFSET ${params.add(offset)}`;
    const { rows } = await this.run(this.pool, sql, params.values, `${name} distinct ${field}`);
    return rows.map((r) => r.v);
  }

  async count(name: string, actor: Actor, query?: unknown): Promise<number> {
    const params = new SqlParams();
    const where = this.visibleWhere(name, actor, query, params);
    const { rows } = await this.run(this.pool, `SELECT count(*)::int AS n FROM ${this.table(name)} WHERE ${where}`, params.values, `${name} count`);
    return rows[0]!.n as number;
  }

  async get(name: string, actor: Actor, id: string): Promise<EntityRecord> {
    const params = new SqlParams();
    const { select, hidden } = this.readableColumns(name, actor, params);
    const where = `${quoteIdent("id")} = ${params.add(id)} AND (${this.rule(name, "read", actor, params)})`;
    const { rows } = await this.run(this.pool, `SELECT ${select} FROM ${this.table(name)} WHERE ${where}`, params.values, `${name} ${id}`);
    if (!rows[0]) throw notFound(`${name} ${id} not found`);
    return this.present(name, rows[0], hidden(rows[0]));
  }

  /** Field rules on the fields a write sets, as extra select columns `__write_<i>`; `refused` names the first one a row fails. */
  private writeChecks(name: string, actor: Actor, written: string[], params: SqlParams): { columns: string[]; refused: (row: Row) => string | undefined } {
    const { shape, config } = this.entity(name);
    const rules = Object.entries(config.fieldRules ?? {}).filter(([field, r]) => r.write !== undefined && written.includes(field));
    return {
      columns: rules.map(([, r], i) => `(${compileAccess(shape, r.write, actor, params, this.config.appId)}) AS ${quoteIdent(`__write_${i}`)}`),
      refused: (row) => rules.find((_r, i) => row[`__write_${i}`] !== true)?.[0],
    };
  }

  async create(name: string, actor: Actor, data: unknown): Promise<EntityRecord> {
    const [created] = await this.createMany(name, actor, [data]);
    return created!;
  }

  /** Creates records in one transaction; the create rule and field rules are checked on each new record before commit. */
  async createMany(name: string, actor: Actor, list: unknown): Promise<EntityRecord[]> {
    const { shape, config } = this.entity(name);
    if (!Array.isArray(list)) throw badRequest(`${name} bulkCreate needs an array of records`);
    if (list.length > MAX_BULK) throw badRequest(`${name} bulkCreate takes at most ${MAX_BULK} records per call`);
    if (this.isUsers(name) && actor.kind !== "service") throw forbidden("users join by invitation or sign-up, not through the entity API");
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const out: EntityRecord[] = [];
      for (const data of list) {
        if (!isObject(data)) throw badRequest(`a ${name} record must be a JSON object`);
        const split = splitRecord(shape, data);
        const id = newRecordId();
        const params = new SqlParams();
        const cols = [quoteIdent("id")];
        const vals = [params.add(id)];
        const set = (column: string, sqlValue: string) => {
          if (!shape.columns.has(column)) return;
          cols.push(quoteIdent(column));
          vals.push(sqlValue);
        };
        if (actor.kind === "user") {
          set("created_by", params.add(actor.user.email));
          set("created_by_id", params.add(actor.user.id));
        }
        set("created_date", "now()");
        set("updated_date", "now()");
        set("is_sample", "false");
        for (const c of split.columns) {
          cols.push(quoteIdent(c.column));
          vals.push(`${params.add(c.value)}${c.json ? "::jsonb" : ""}`);
        }
        if (shape.overflow && Object.keys(split.overflow).length) {
          cols.push(quoteIdent(shape.overflow));
          vals.push(`${params.add(JSON.stringify(split.overflow))}::jsonb`);
        }
        // One round trip: the new row comes back with the create rule, the field rules and the read rules evaluated on it.
        const { select, hidden } = this.readableColumns(name, actor, params);
        const writes = this.writeChecks(name, actor, Object.keys(data), params);
        const returning = [select, `(${this.rule(name, "create", actor, params)}) AS ${quoteIdent("__create")}`, ...writes.columns].join(", ");
        const { rows } = await this.run(client, `INSERT INTO ${this.table(name)} (${cols.join(", ")}) VALUES (${vals.join(", ")}) RETURNING ${returning}`, params.values, `${name} create`);
        const row = rows[0]!;
        // Required fields are checked after defaults applied, as Base44 did.
        const record = rowToRecord(shape, row);
        const missing = config.required.filter((f) => record[f] === undefined || record[f] === null);
        if (missing.length) throw unprocessable(`${name}: missing required field(s) ${missing.join(", ")}`);
        if (row.__create !== true) throw forbidden(`not allowed to create ${name}`);
        const field = writes.refused(row);
        if (field) throw forbidden(`not allowed to write ${name}.${field}`);
        out.push(this.present(name, row, hidden(row)));
      }
      await client.query("COMMIT");
      return out;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Why a write matched nothing: unreadable or missing is 404, readable but refused is 403. */
  private async refusal(name: string, actor: Actor, id: string, op: Operation): Promise<HttpError> {
    const params = new SqlParams();
    const visible = await this.run(this.pool, `SELECT 1 FROM ${this.table(name)} WHERE ${quoteIdent("id")} = ${params.add(id)} AND (${this.rule(name, "read", actor, params)})`, params.values, `${name} ${id}`);
    return visible.rowCount ? forbidden(`not allowed to ${op} ${name} ${id}`) : notFound(`${name} ${id} not found`);
  }

  /** What a write may change: never the built-ins; on User, identity never and role only by an admin. */
  private writable(name: string, actor: Actor, data: Record<string, unknown>, options: { profileOnly?: boolean } = {}): Record<string, unknown> {
    if (!this.isUsers(name)) return data;
    if (!isAdmin(actor)) {
      // A user who could set a field a rule reads (`{{user.team}}`) could grant themselves any record.
      const ruled = Object.keys(data).find((k) => this.ruleUserFields.has(k.split(".")[0]!) && !USER_ADMIN_FIELDS.includes(k));
      if (ruled) throw forbidden(`${name}.${ruled} decides what this user may access, so only an admin changes it (give it a write rule in the User schema to let users set it)`);
    }
    const fixed = new Set([...USER_IDENTITY_FIELDS, ...(options.profileOnly || !isAdmin(actor) ? USER_ADMIN_FIELDS : [])]);
    return Object.fromEntries(Object.entries(data).filter(([k]) => !fixed.has(k)));
  }

  async update(name: string, actor: Actor, id: string, data: unknown, options: { profileOnly?: boolean } = {}): Promise<EntityRecord> {
    const { shape } = this.entity(name);
    if (!isObject(data)) throw badRequest(`an update of ${name} must be a JSON object`);
    const changes = this.writable(name, actor, data, options);
    const split = splitRecord(shape, changes);
    const params = new SqlParams();
    const sets = split.columns.map((c) => assignment(c, params.add(c.value)));
    if (shape.overflow && (split.clearOverflow.length || Object.keys(split.overflow).length)) {
      const overflow = quoteIdent(shape.overflow);
      sets.push(`${overflow} = (COALESCE(${overflow}, '{}'::jsonb) - ${params.add(split.clearOverflow)}::text[]) || ${params.add(JSON.stringify(split.overflow))}::jsonb`);
    }
    if (shape.columns.has("updated_date")) sets.push(`${quoteIdent("updated_date")} = now()`);
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      // The update rule and the field rules, checked on the stored record, which stays locked until commit.
      const guard = new SqlParams();
      const writes = this.writeChecks(name, actor, Object.keys(changes), guard);
      const target = await this.run(client, `SELECT ${["1", ...writes.columns].join(", ")} FROM ${this.table(name)} WHERE ${quoteIdent("id")} = ${guard.add(id)} AND (${this.rule(name, "update", actor, guard)}) FOR UPDATE`, guard.values, `${name} update`);
      if (!target.rowCount) throw await this.refusal(name, actor, id, "update");
      const field = writes.refused(target.rows[0]!);
      if (field) throw forbidden(`not allowed to write ${name}.${field}`);
      // The record as it now is (even when the change took it out of this user's sight, as Base44 answered).
      const { select, hidden } = this.readableColumns(name, actor, params);
      const byId = `${quoteIdent("id")} = ${params.add(id)}`;
      const sql = sets.length ? `UPDATE ${this.table(name)} SET ${sets.join(", ")} WHERE ${byId} RETURNING ${select}` : `SELECT ${select} FROM ${this.table(name)} WHERE ${byId}`;
      const { rows } = await this.run(client, sql, params.values, `${name} update`);
      await client.query("COMMIT");
      return this.present(name, rows[0]!, hidden(rows[0]!));
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async bulkUpdate(name: string, actor: Actor, list: unknown): Promise<EntityRecord[]> {
    if (!Array.isArray(list)) throw badRequest(`${name} bulkUpdate needs an array of { id, …changes }`);
    if (list.length > MAX_BULK) throw badRequest(`${name} bulkUpdate takes at most ${MAX_BULK} records per call`);
    const out: EntityRecord[] = [];
    for (const item of list) {
      if (!isObject(item) || typeof item.id !== "string") throw badRequest(`every ${name} in a bulkUpdate needs its id`);
      out.push(await this.update(name, actor, item.id, item));
    }
    return out;
  }

  async remove(name: string, actor: Actor, id: string): Promise<{ success: boolean }> {
    const params = new SqlParams();
    const where = `${quoteIdent("id")} = ${params.add(id)} AND (${this.rule(name, "delete", actor, params)}) AND (${this.rule(name, "read", actor, params)})`;
    const { rowCount } = await this.run(this.pool, `DELETE FROM ${this.table(name)} WHERE ${where}`, params.values, `${name} delete`);
    if (!rowCount) throw await this.refusal(name, actor, id, "delete");
    return { success: true };
  }

  async deleteMany(name: string, actor: Actor, query: unknown): Promise<{ success: boolean; deleted: number }> {
    const params = new SqlParams();
    const where = `${this.visibleWhere(name, actor, query ?? {}, params)} AND (${this.rule(name, "delete", actor, params)})`;
    const { rowCount } = await this.run(this.pool, `DELETE FROM ${this.table(name)} WHERE ${where}`, params.values, `${name} deleteMany`);
    return { success: true, deleted: rowCount ?? 0 };
  }

  /**
   * updateMany(query, { $set, $unset, $inc, $push, $addToSet, $pull }) in batches of 500, as Base44 does.
   * Long on purpose: each operator's SQL sits beside the others, so the field-rule checks that
   * guard every one of them read in one place.
   */
  async updateMany(name: string, actor: Actor, query: unknown, update: unknown): Promise<{ success: boolean; updated: number; has_more: boolean }> {
    const { shape } = this.entity(name);
    if (!isObject(update)) throw badRequest(`${name} updateMany needs an update like { "$set": { … } }`);
    // A plain object of fields means $set, as MongoDB's update shorthand.
    const ops = Object.keys(update).length && Object.keys(update).every((k) => k.startsWith("$")) ? update : { $set: update };
    const params = new SqlParams();
    const sets: string[] = [];
    const overflowSteps: string[] = [];
    const table = this.table(name);
    const jsonColumn = (op: string, field: string) => {
      if (shape.columns.get(field) !== "json") throw badRequest(`${op} on ${name}.${field} needs an array field`);
      return quoteIdent(field);
    };
    const written = new Set<string>();
    for (const [op, fieldsValue] of Object.entries(ops)) {
      if (!isObject(fieldsValue)) throw badRequest(`${op} in ${name} updateMany needs an object of fields`);
      const fields = this.writable(name, actor, fieldsValue);
      for (const key of SYSTEM_FIELDS) delete fields[key];
      // A dotted key (`amount.x`) writes inside its top-level field: that field's rule applies.
      for (const key of Object.keys(fields)) written.add(key.split(".")[0]!);
      switch (op) {
        case "$set": {
          const split = splitRecord(shape, fields);
          sets.push(...split.columns.map((c) => assignment(c, params.add(c.value))));
          if (split.clearOverflow.length) overflowSteps.push(`- ${params.add(split.clearOverflow)}::text[]`);
          if (Object.keys(split.overflow).length) overflowSteps.push(`|| ${params.add(JSON.stringify(split.overflow))}::jsonb`);
          break;
        }
        case "$unset":
          for (const field of Object.keys(fields)) {
            if (shape.columns.has(field) && field !== shape.overflow) sets.push(`${quoteIdent(field)} = NULL`);
            overflowSteps.push(`- ${params.add(field)}::text`);
          }
          break;
        case "$inc":
          for (const [field, by] of Object.entries(fields)) {
            if (typeof by !== "number") throw badRequest(`$inc of ${name}.${field} needs a number`);
            const kind = shape.columns.get(field);
            if (kind !== "number" && kind !== "integer") throw badRequest(`$inc on ${name}.${field} needs a number field`);
            sets.push(`${quoteIdent(field)} = COALESCE(${quoteIdent(field)}, 0) + ${params.add(by)}`);
          }
          break;
        case "$push":
          for (const [field, value] of Object.entries(fields)) {
            const col = jsonColumn(op, field);
            sets.push(`${col} = (CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END) || jsonb_build_array(${params.add(JSON.stringify(value))}::jsonb)`);
          }
          break;
        case "$addToSet":
          for (const [field, value] of Object.entries(fields)) {
            const col = jsonColumn(op, field);
            const v = params.add(JSON.stringify(value));
            sets.push(`${col} = (CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END) || (CASE WHEN jsonb_typeof(${col}) = 'array' AND ${col} @> jsonb_build_array(${v}::jsonb) THEN '[]'::jsonb ELSE jsonb_build_array(${v}::jsonb) END)`);
          }
          break;
        case "$pull":
          for (const [field, value] of Object.entries(fields)) {
            const col = jsonColumn(op, field);
            sets.push(`${col} = (SELECT COALESCE(jsonb_agg(x), '[]'::jsonb) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${col}) = 'array' THEN ${col} ELSE '[]'::jsonb END) x WHERE x <> ${params.add(JSON.stringify(value))}::jsonb)`);
          }
          break;
        default:
          throw badRequest(`update operator ${op} (in ${name} updateMany) is not supported by this server; supported: $set $unset $inc $push $addToSet $pull`, "unsupported_operator");
      }
    }
    if (shape.overflow && overflowSteps.length) {
      // Parenthesised one step at a time: `-` binds tighter than `||` in PostgreSQL.
      sets.push(`${quoteIdent(shape.overflow)} = ${overflowSteps.reduce((expr, step) => `(${expr} ${step})`, `COALESCE(${quoteIdent(shape.overflow)}, '{}'::jsonb)`)}`);
    }
    if (!sets.length) return { success: true, updated: 0, has_more: false };
    if (shape.columns.has("updated_date")) sets.push(`${quoteIdent("updated_date")} = now()`);
    const where = `${this.visibleWhere(name, actor, query ?? {}, params)} AND (${this.rule(name, "update", actor, params)})`;
    // The field rules of every field any operator touches, on every matched record, as `update` checks them:
    // one refusal and nothing changes.
    const { config } = this.entity(name);
    const fieldChecks = Object.entries(config.fieldRules ?? {})
      .filter(([field, r]) => r.write !== undefined && written.has(field))
      .map(([, r]) => `COALESCE((${compileAccess(shape, r.write, actor, params, this.config.appId)}), false)`);
    const allowed = fieldChecks.length ? fieldChecks.join(" AND ") : "true";
    const batch = params.add(MAX_BULK + 1);
    const sql = `WITH matched AS (SELECT ${quoteIdent("id")}, (${allowed}) AS allowed FROM ${table} WHERE ${where} ORDER BY ${quoteIdent("id")} LIMIT ${batch} FOR UPDATE),
      refused AS (SELECT count(*)::int AS n FROM matched WHERE NOT allowed),
      changed AS (UPDATE ${table} SET ${sets.join(", ")} WHERE ${quoteIdent("id")} IN (SELECT ${quoteIdent("id")} FROM matched ORDER BY ${quoteIdent("id")} LIMIT ${MAX_BULK}) AND (SELECT n FROM refused) = 0 RETURNING 1)
      SELECT (SELECT count(*)::int FROM changed) AS updated, (SELECT count(*)::int FROM matched) AS matched, (SELECT n FROM refused) AS refused`;
    const { rows } = await this.run(this.pool, sql, params.values, `${name} updateMany`);
    if ((rows[0]!.refused as number) > 0) throw forbidden(`not allowed to write ${name}.${[...written].find((f) => config.fieldRules?.[f]?.write !== undefined)} on ${rows[0]!.refused} of the matched records: nothing was changed`);
    return { success: true, updated: rows[0]!.updated as number, has_more: (rows[0]!.matched as number) > MAX_BULK };
  }

  /** For realtime (server/realtime.ts): the rows a subquery yields (this entity's table rows) as this actor may read them, read rule and field rules applied; rows it may not read are left out. */
  async readableRows(name: string, actor: Actor, source: (params: SqlParams) => string): Promise<Array<{ row: Row; record: EntityRecord }>> {
    const params = new SqlParams();
    const from = source(params);
    const { select, hidden } = this.readableColumns(name, actor, params);
    const { rows } = await this.run(this.pool, `SELECT ${select} FROM (${from}) AS ${quoteIdent("snapshot")} WHERE ${this.rule(name, "read", actor, params)}`, params.values, `${name} realtime`);
    return rows.map((row) => ({ row, record: this.present(name, row, hidden(row)) }));
  }
}
