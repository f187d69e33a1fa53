// Base44's per-entity access rules (the `rls` block of each entity schema) enforced as SQL
// conditions added to every query, so a record is visible and writable exactly when its rule
// says so. Rules are Mongo-style conditions over the record (`created_by`, `created_by_id`,
// `data.<field>`) with `{{user.email}}`-style templates and `user_condition` checks on the signed-in
// user. An operation with no rule is open (Base44's default). Rules bind admins too, as on Base44
// (a rule lets them through by naming `user_condition: { role: "admin" }`); only server code acting
// as the service role (a backend function's `asServiceRole`) passes every rule.
import { badRequest } from "./errors";
import type { TableShape } from "./db";
import { compileFieldCondition, type SqlParams } from "./query";

export type Operation = "create" | "read" | "update" | "delete";

/** The signed-in user as rules see it: the User record. */
export type UserRecord = Record<string, unknown> & { id: string; email: string; role?: string };

/** Who is asking: a signed-in user, nobody, or server code acting with full rights. */
export type Actor = { kind: "user"; user: UserRecord } | { kind: "anonymous" } | { kind: "service" };

export const ADMIN_ROLE = "admin";

/** The service role, or a signed-in user whose role is admin (who manages users). */
export function isAdmin(actor: Actor): boolean {
  return actor.kind === "service" || (actor.kind === "user" && actor.user.role === ADMIN_ROLE);
}

/** The rule for one operation; `write` is Base44's older spelling of create + update + delete. */
export function ruleFor(rls: Record<string, unknown> | undefined, op: Operation): unknown {
  if (!rls) return undefined;
  if (op in rls) return rls[op];
  if (op !== "read" && "write" in rls) return rls.write;
  return undefined;
}

const TEMPLATE = /\{\{\s*user\.([\w.]+)\s*\}\}/g;
const UNRESOLVED = Symbol("unresolved");

/** A field of the user: `email`, `id`, `role`, or a custom field (`data.department` or `department`). */
function userValue(user: UserRecord, path: string): unknown {
  const key = path.startsWith("data.") ? path.slice(5) : path;
  let value: unknown = user;
  for (const part of key.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Replaces `{{user.x}}` templates with the user's values; anything unresolvable poisons the condition. */
function substitute(value: unknown, user: UserRecord | undefined): unknown {
  if (typeof value === "string") {
    const whole = /^\{\{\s*user\.([\w.]+)\s*\}\}$/.exec(value);
    if (whole) {
      const v = user ? userValue(user, whole[1]!) : undefined;
      return v === undefined || v === null ? UNRESOLVED : v;
    }
    let poisoned = false;
    const text = value.replace(TEMPLATE, (_m, path: string) => {
      const v = user ? userValue(user, path) : undefined;
      if (v === undefined || v === null) poisoned = true;
      return String(v);
    });
    return poisoned ? UNRESOLVED : text;
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => substitute(v, user));
    return out.includes(UNRESOLVED) ? UNRESOLVED : out;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = substitute(v, user);
      if (s === UNRESOLVED) return UNRESOLVED;
      out[k] = s;
    }
    return out;
  }
  return value;
}

/** `user_condition: { role: "admin" }`: equality on the user's own fields (an array: any of). */
function userCondition(condition: unknown, user: UserRecord | undefined): boolean {
  if (!user) return false;
  if (!condition || typeof condition !== "object" || Array.isArray(condition)) throw badRequest("user_condition must be an object of user fields", "invalid_rule");
  return Object.entries(condition).every(([path, expected]) => {
    const actual = userValue(user, path);
    return Array.isArray(expected) ? expected.some((e) => e === actual) : expected === actual;
  });
}

function compileCondition(shape: TableShape, condition: Record<string, unknown>, user: UserRecord | undefined, params: SqlParams, constants: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === "$and" || key === "$or" || key === "$nor") {
      if (!Array.isArray(value) || !value.length) throw badRequest(`${key} in an access rule of ${shape.entity} needs a list of conditions`, "invalid_rule");
      const inner = value.map((c) => `(${compileRuleValue(shape, c, user, params, constants)})`);
      parts.push(key === "$and" ? `(${inner.join(" AND ")})` : key === "$or" ? `(${inner.join(" OR ")})` : `NOT COALESCE((${inner.join(" OR ")}), false)`);
    } else if (key === "user_condition") {
      parts.push(userCondition(value, user) ? "true" : "false");
    } else {
      const resolved = substitute(value, user);
      parts.push(resolved === UNRESOLVED ? "false" : compileFieldCondition(shape, key, resolved, params, { dataPrefix: true, constants }));
    }
  }
  return parts.length ? parts.join(" AND ") : "true";
}

function compileRuleValue(shape: TableShape, rule: unknown, user: UserRecord | undefined, params: SqlParams, constants: Record<string, unknown>): string {
  if (rule === undefined || rule === null || rule === "" || rule === true) return "true";
  if (rule === false) return "false";
  if (typeof rule === "object" && !Array.isArray(rule)) return compileCondition(shape, rule as Record<string, unknown>, user, params, constants);
  throw badRequest(`an access rule of ${shape.entity} is neither true, false nor a condition`, "invalid_rule");
}

/** The SQL condition a record must meet under one rule (an entity's or a field's) for this actor. */
export function compileAccess(shape: TableShape, rule: unknown, actor: Actor, params: SqlParams, appId: string): string {
  if (actor.kind === "service") return "true";
  const user = actor.kind === "user" ? actor.user : undefined;
  // Fields Base44 keeps out of the record but lets rules name.
  const constants = { entity_name: shape.entity, app_id: appId, environment: "prod", is_deleted: false, deleted_date: null };
  return compileRuleValue(shape, rule, user, params, constants);
}

/** The SQL condition a record must meet for this actor to perform `op` on it. */
export function compileRule(shape: TableShape, rls: Record<string, unknown> | undefined, op: Operation, actor: Actor, params: SqlParams, appId: string): string {
  return compileAccess(shape, ruleFor(rls, op), actor, params, appId);
}
