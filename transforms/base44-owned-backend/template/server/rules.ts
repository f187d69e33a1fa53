// Base44's per-entity access rules (the `rls` block of each entity schema) enforced as SQL
// conditions added to every query, so a record is visible and writable exactly when its rule
// says so. Rules are Mongo-style conditions over the record (`created_by`, `created_by_id`,
// `data.<field>`) with `{{user.email}}`-style templates and `user_condition` checks on the signed-in
// user. An operation with no rule is open to signed-in users (Base44's default); a malformed rule
// (see rule-check.ts) denies, and so does anything that fails to compile. Values substituted from
// the user's profile are literals, never operators. Rules bind admins too, as on Base44 (a rule
// lets them through by naming `user_condition: { role: "admin" }`); only server code acting as the
// service role (a backend function's `asServiceRole`) passes every rule.
import { HttpError } from "./errors";
import type { TableShape } from "./db";
import { compileFieldCondition, type SqlParams } from "./query";
import { rlsProblems } from "./rule-check";

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
  if (Object.hasOwn(rls, op)) return rls[op];
  if (op !== "read" && Object.hasOwn(rls, "write")) return rls.write;
  return undefined;
}

const TEMPLATE = /\{\{\s*user\.([\w.]+)\s*\}\}/g;
const WHOLE_TEMPLATE = /^\{\{\s*user\.([\w.]+)\s*\}\}$/;
const EMAIL_TEMPLATE = /^\{\{\s*user\.email\s*\}\}$/;
const UNRESOLVED = Symbol("unresolved");

/** Whether the user proved they own their email (a link mailed to it was used, or Base44 said so). */
export function emailVerified(user: UserRecord): boolean {
  return user.is_verified === true;
}

/** A field of the user: `email`, `id`, `role`, or a custom field (`data.department` or `department`). */
function userValue(user: UserRecord, path: string): unknown {
  const key = path.startsWith("data.") ? path.slice(5) : path;
  // An email nobody proved to own links no record: anyone could sign up as a departed colleague.
  if (key === "email" && !emailVerified(user)) return undefined;
  let value: unknown = user;
  for (const part of key.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const regexLiteral = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Replaces `{{user.x}}` templates with the user's values; anything unresolvable poisons the
 * condition. What comes from the user is data, never rule syntax: an object put where a value
 * goes is compared as a literal (`{ $eq: … }`), a `$regex` operand is escaped, and a `$not`
 * operand may not come from the user at all.
 */
function substitute(value: unknown, user: UserRecord | undefined, parent?: string): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_TEMPLATE.exec(value);
    if (whole) {
      const v = user ? userValue(user, whole[1]!) : undefined;
      if (v === undefined || v === null || parent === "$not") return UNRESOLVED;
      if (parent === "$regex") return typeof v === "string" || typeof v === "number" ? regexLiteral(String(v)) : UNRESOLVED;
      if (parent === "$options") return UNRESOLVED;
      // A field's value position: an object from the user is a value to equal, not operators.
      if (parent === undefined && typeof v === "object" && !Array.isArray(v)) return { $eq: v };
      return v;
    }
    let poisoned = false;
    const text = value.replace(TEMPLATE, (_m, path: string) => {
      const v = user ? userValue(user, path) : undefined;
      if (v === undefined || v === null || typeof v === "object") poisoned = true;
      return parent === "$regex" ? regexLiteral(String(v)) : String(v);
    });
    return poisoned || (parent === "$options" && text !== value) ? UNRESOLVED : text;
  }
  if (Array.isArray(value)) {
    const out = value.map((v) => substitute(v, user, parent ?? "[]"));
    return out.includes(UNRESOLVED) ? UNRESOLVED : out;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = substitute(v, user, k);
      if (s === UNRESOLVED) return UNRESOLVED;
      out[k] = s;
    }
    return out;
  }
  return value;
}

/** `user_condition: { role: "admin" }`: equality on the user's own fields (an array: any of); malformed denies. */
function userCondition(condition: unknown, user: UserRecord | undefined): boolean {
  if (!user) return false;
  if (!condition || typeof condition !== "object" || Array.isArray(condition) || !Object.keys(condition).length) return false;
  return Object.entries(condition).every(([path, expected]) => {
    const actual = userValue(user, path);
    if (actual === undefined) return false;
    return Array.isArray(expected) ? expected.some((e) => e === actual) : expected === actual;
  });
}

function compileCondition(shape: TableShape, condition: Record<string, unknown>, user: UserRecord | undefined, params: SqlParams, constants: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === "$and" || key === "$or" || key === "$nor") {
      if (!Array.isArray(value) || !value.length) return "false";
      const inner = value.map((c) => `(${compileRuleValue(shape, c, user, params, constants)})`);
      parts.push(key === "$and" ? `(${inner.join(" AND ")})` : key === "$or" ? `(${inner.join(" OR ")})` : `NOT COALESCE((${inner.join(" OR ")}), false)`);
    } else if (key === "user_condition") {
      parts.push(userCondition(value, user) ? "true" : "false");
    } else if (key.startsWith("$")) {
      return "false";
    } else if (key === "created_by" && typeof value === "string" && EMAIL_TEMPLATE.test(value) && user && !emailVerified(user) && shape.columns.has("created_by_id")) {
      // Before the email is verified, "created by me" means created by this account, not by whoever had the address.
      parts.push(compileFieldCondition(shape, "created_by_id", user.id, params));
    } else {
      const resolved = substitute(value, user);
      parts.push(resolved === UNRESOLVED ? "false" : compileFieldCondition(shape, key, resolved, params, { dataPrefix: true, constants }));
    }
  }
  return parts.length ? parts.join(" AND ") : "false";
}

/** A rule as SQL: true, false or a condition; anything else (null, "", [], a number) denies. */
function compileRuleValue(shape: TableShape, rule: unknown, user: UserRecord | undefined, params: SqlParams, constants: Record<string, unknown>): string {
  if (rule === true) return "true";
  if (typeof rule === "object" && rule !== null && !Array.isArray(rule)) return compileCondition(shape, rule as Record<string, unknown>, user, params, constants);
  return "false";
}

/** The SQL condition a record must meet under one rule (an entity's or a field's) for this actor. */
export function compileAccess(shape: TableShape, rule: unknown, actor: Actor, params: SqlParams, appId: string): string {
  if (actor.kind === "service") return "true";
  const user = actor.kind === "user" ? actor.user : undefined;
  // Fields Base44 keeps out of the record but lets rules name.
  const constants = { entity_name: shape.entity, app_id: appId, environment: "prod", is_deleted: false, deleted_date: null };
  // A rule that does not compile (an operator the compiler refuses, a user value of the wrong
  // type) denies; the parameters it had added are taken back so the query stays valid.
  const mark = params.values.length;
  try {
    return compileRuleValue(shape, rule, user, params, constants);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    params.values.length = mark;
    return "false";
  }
}

const rlsChecked = new WeakMap<object, boolean>();

/** Whether an entity's `rls` block is well-formed (checked once per block). */
export function rlsIsValid(rls: unknown): boolean {
  if (rls === undefined) return true;
  if (typeof rls !== "object" || rls === null) return false;
  let ok = rlsChecked.get(rls);
  if (ok === undefined) rlsChecked.set(rls, (ok = rlsProblems(rls).length === 0));
  return ok;
}

/** The SQL condition a record must meet for this actor to perform `op` on it. */
export function compileRule(shape: TableShape, rls: Record<string, unknown> | undefined, op: Operation, actor: Actor, params: SqlParams, appId: string): string {
  if (actor.kind !== "service" && !rlsIsValid(rls)) return "false";
  // An operation the block leaves out is open to signed-in users (Base44's default).
  if (actor.kind !== "service" && ruleFor(rls, op) === undefined) return "true";
  return compileAccess(shape, ruleFor(rls, op), actor, params, appId);
}
