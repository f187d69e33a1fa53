// Base44's query and access-rule semantics, as the stand-in API (base44-api.ts) applies them:
// MongoDB's value order and equality (Base44 stores records in MongoDB), the filter operators of
// `q`, sorting, and the `rls` rules of entity schemas. The generated server's parity tests compare
// against these, so each rule says where it comes from; a deviation from Base44 is a bug.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = Record<string, unknown>;
export type Rule = boolean | null | "" | Doc | undefined;

export interface PublicUser {
  id: string;
  email: string;
  full_name: string;
  role: string;
  [field: string]: unknown;
}

/** Who is asking: the owner's API key and the service role pass every rule; an app user meets them. */
export type Principal = { kind: "owner" } | { kind: "service" } | { kind: "user"; user: PublicUser };

/** Errors that become 400, 403, 404 and 422 answers. */
export class BadRequest extends Error {}
export class Forbidden extends Error {}
export class NotFound extends Error {}
export class Unprocessable extends Error {}

// ---------------------------------------------------------------------------------------------
// Values, comparison and sort order (MongoDB's BSON order: null < numbers < strings < objects <
// arrays < booleans; a missing field sorts as null; strings compare by UTF-8 bytes).

/** Base44 only ever sorts by one field: `name`/`+name` ascending, `-name` descending. */
export const STANDIN_DEFAULT_SORT = "-created_date";
export const DATE_FIELDS = new Set(["created_date", "updated_date"]);
export const BUILT_INS = ["id", "created_date", "updated_date", "created_by", "created_by_id", "is_sample"];
export const USER_BUILT_INS = ["id", "email", "full_name", "role", "disabled", "is_verified", "created_date", "updated_date"];

export function rank(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === "number") return 2;
  if (typeof value === "string") return 3;
  if (Array.isArray(value)) return 5;
  if (typeof value === "object") return 4;
  if (typeof value === "boolean") return 8;
  return 9;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2:
      return (a as number) - (b as number);
    case 3:
      return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
    case 8:
      return Number(a) - Number(b);
    case 5: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = Object.entries(a as Doc);
      const y = Object.entries(b as Doc);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const k = Buffer.compare(Buffer.from(x[i]![0]), Buffer.from(y[i]![0]));
        if (k) return k;
        const c = compareValues(x[i]![1], y[i]![1]);
        if (c) return c;
      }
      return x.length - y.length;
    }
  }
}

/** Equality as MongoDB compares values (null and a missing field are equal; objects compare key by key, in order). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return rank(a) === rank(b) && compareValues(a, b) === 0;
}

/** Base44's built-in timestamps compare as instants (a string without a zone is UTC). */
export function instant(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) || value.length === 10 ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A sort key: [bracket, value]. An empty array sorts before null (MongoDB), a non-empty one by its smallest (ascending) or largest (descending) element. */
export type SortKey = [number, Json];
export function sortKey(record: Doc, field: string, descending: boolean): SortKey {
  let value = getPath(record, field)[0];
  if (Array.isArray(value)) {
    if (value.length === 0) return [0, null];
    value = [...value].sort(compareValues)[descending ? value.length - 1 : 0];
  }
  if (DATE_FIELDS.has(field) && instant(value) !== undefined) return [2.5, instant(value)!];
  return [rank(value), (value ?? null) as Json];
}

export function compareKeys(a: SortKey, b: SortKey): number {
  return a[0] - b[0] || compareValues(a[1], b[1]);
}

export function parseSort(sort: string | undefined): { field: string; descending: boolean } {
  const s = (sort || STANDIN_DEFAULT_SORT).trim();
  if (s.startsWith("-")) return { field: s.slice(1), descending: true };
  if (s.startsWith("+")) return { field: s.slice(1), descending: false };
  return { field: s, descending: false };
}

/** Sorted copy; ties are broken by id ascending so every page boundary is stable. */
export function sortRecords(records: Doc[], sort: string | undefined): Array<{ record: Doc; key: SortKey }> {
  const { field, descending } = parseSort(sort);
  return records
    .map((record) => ({ record, key: sortKey(record, field, descending) }))
    .sort(
      (a, b) => (descending ? -compareKeys(a.key, b.key) : compareKeys(a.key, b.key)) || compareValues(a.record.id, b.record.id),
    );
}

/** The values a dotted path reaches, walking into arrays of objects (MongoDB). A missing path gives [undefined]. */
export function getPath(doc: unknown, pathText: string): unknown[] {
  let current: unknown[] = [doc];
  for (const part of pathText.split(".")) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        if (/^\d+$/.test(part)) next.push(value[Number(part)]);
        else
          for (const item of value) if (item && typeof item === "object" && !Array.isArray(item)) next.push((item as Doc)[part]);
      } else if (value && typeof value === "object") next.push((value as Doc)[part]);
    }
    current = next.filter((v) => v !== undefined);
  }
  return current.length ? current : [undefined];
}

// ---------------------------------------------------------------------------------------------
// Filters: `q` is a MongoDB-style query. Root `$and`/`$or`/`$nor`; a field's condition is a value
// (equality; an array value means "any of", Base44's shorthand for $in), an operator object
// ($eq $ne $gt $gte $lt $lte $in $nin $exists $regex(+$options) $all $size $not) or a plain object
// (exact equality of the embedded object). Equality and comparisons on an array field match when
// any element matches; comparisons only match values of the same type; `null` matches a missing
// field; $ne/$nin/$not also match a missing field. Unknown operators are a 400.

const FIELD_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
  "$regex",
  "$options",
  "$all",
  "$size",
  "$not",
]);

function isOperatorObject(value: unknown): value is Doc {
  return (
    Boolean(value) &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value as Doc).length > 0 &&
    Object.keys(value as Doc).every((k) => k.startsWith("$"))
  );
}

/** True when one value (or, for an array, any of its elements) satisfies the predicate. */
function anyValue(values: unknown[], predicate: (v: unknown) => boolean): boolean {
  return values.some((v) => predicate(v) || (Array.isArray(v) && v.some(predicate)));
}

function equalsValue(field: string, candidate: unknown, expected: unknown): boolean {
  if (expected === null) return candidate === null || candidate === undefined;
  if (DATE_FIELDS.has(field) && instant(candidate) !== undefined && instant(expected) !== undefined)
    return instant(candidate) === instant(expected);
  return candidate !== undefined && deepEqual(candidate, expected);
}

function compareOp(
  field: string,
  candidate: unknown,
  expected: unknown,
  test: (c: number) => boolean,
  orEqualNull: boolean,
): boolean {
  if (expected === null) return orEqualNull && (candidate === null || candidate === undefined);
  if (DATE_FIELDS.has(field)) {
    const a = instant(candidate);
    const b = instant(expected);
    if (a !== undefined && b !== undefined) return test(a - b);
  }
  if (candidate === undefined || candidate === null || rank(candidate) !== rank(expected)) return false;
  return test(compareValues(candidate, expected));
}

function matchOperators(field: string, values: unknown[], ops: Doc): boolean {
  for (const [op, arg] of Object.entries(ops)) {
    if (!FIELD_OPERATORS.has(op)) throw new BadRequest(`unsupported operator ${op} on "${field}"`);
    switch (op) {
      case "$eq":
        if (
          !anyValue(values, (v) => equalsValue(field, v, arg)) &&
          !(Array.isArray(arg) && values.some((v) => deepEqual(v, arg)))
        )
          return false;
        break;
      case "$ne":
        if (anyValue(values, (v) => equalsValue(field, v, arg))) return false;
        break;
      case "$gt":
        if (!anyValue(values, (v) => compareOp(field, v, arg, (c) => c > 0, false))) return false;
        break;
      case "$gte":
        if (!anyValue(values, (v) => compareOp(field, v, arg, (c) => c >= 0, true))) return false;
        break;
      case "$lt":
        if (!anyValue(values, (v) => compareOp(field, v, arg, (c) => c < 0, false))) return false;
        break;
      case "$lte":
        if (!anyValue(values, (v) => compareOp(field, v, arg, (c) => c <= 0, true))) return false;
        break;
      case "$in":
        if (!Array.isArray(arg)) throw new BadRequest(`$in on "${field}" needs an array`);
        if (!arg.some((e) => anyValue(values, (v) => equalsValue(field, v, e)))) return false;
        break;
      case "$nin":
        if (!Array.isArray(arg)) throw new BadRequest(`$nin on "${field}" needs an array`);
        if (arg.some((e) => anyValue(values, (v) => equalsValue(field, v, e)))) return false;
        break;
      case "$exists":
        if (values.some((v) => v !== undefined) !== Boolean(arg)) return false;
        break;
      case "$regex": {
        const flags = typeof ops.$options === "string" ? ops.$options.replace(/[^imsu]/g, "") : "";
        let re: RegExp;
        try {
          re = arg instanceof RegExp ? arg : new RegExp(String(arg), flags);
        } catch {
          throw new BadRequest(`invalid $regex on "${field}"`);
        }
        if (!anyValue(values, (v) => typeof v === "string" && re.test(v))) return false;
        break;
      }
      case "$options":
        break;
      case "$all":
        if (!Array.isArray(arg) || arg.length === 0) return false;
        if (!values.some((v) => Array.isArray(v) && arg.every((e) => v.some((x) => deepEqual(x, e))))) return false;
        break;
      case "$size":
        if (!values.some((v) => Array.isArray(v) && v.length === arg)) return false;
        break;
      case "$not":
        if (!isOperatorObject(arg)) throw new BadRequest(`$not on "${field}" needs an operator object`);
        if (matchOperators(field, values, arg)) return false;
        break;
    }
  }
  return true;
}

function matchCondition(field: string, values: unknown[], condition: unknown): boolean {
  if (Array.isArray(condition)) return matchOperators(field, values, { $in: condition });
  if (isOperatorObject(condition)) return matchOperators(field, values, condition);
  return matchOperators(field, values, { $eq: condition });
}

/** Whether a record matches a Base44 query. */
export function matchesQuery(record: Doc, query: Doc | undefined): boolean {
  if (!query) return true;
  for (const [key, condition] of Object.entries(query)) {
    if (key === "$and" || key === "$or" || key === "$nor") {
      if (!Array.isArray(condition)) throw new BadRequest(`${key} needs an array`);
      const results = condition.map((q) => matchesQuery(record, q as Doc));
      if (key === "$and" && !results.every(Boolean)) return false;
      if (key === "$or" && !results.some(Boolean)) return false;
      if (key === "$nor" && results.some(Boolean)) return false;
      continue;
    }
    if (key.startsWith("$")) throw new BadRequest(`unsupported operator ${key} at the top of the query`);
    if (!matchCondition(key, getPath(record, key), condition)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Access rules (docs.base44.com "Security"): an entity's `rls` has create/read/update/delete (and
// the older `write` for create+update+delete). A missing rule, `null` or `""` restricts nothing;
// `true` allows every signed-in user, `false` none; an object is a condition. Condition keys:
// `$or`/`$and`/`$nor`; `user_condition: { role|email|id|data.<f>: value }` (exact equality on the
// user); record fields (`created_by`, `created_by_id`, `id`, `is_sample`, `data.<f>` for a custom
// field, or the custom field's bare name) with a value or $eq/$ne/$in/$nin/$all…, where the value
// may hold {{user.email}}, {{user.id}}, {{user.role}}, {{user.data.<f>}}. Rules apply to every app
// user, admins included (an admin passes where the rule names `user_condition: { role: "admin" }`);
// the owner's API key and the service role bypass them. A record a user may not read does not
// exist for them (lists leave it out, get/update/delete answer 404); a readable record they may not
// change answers 403. Field rules (`properties.<f>.rls.read/write`) hide a field from readers and
// refuse writes to it. The built-in User entity: users read and update themselves, admins everyone.

const NEVER = Symbol("unresolved template");

function userValue(user: PublicUser, key: string): unknown {
  const name = key.startsWith("data.") ? key.slice(5) : key;
  return user[name];
}

function resolveTemplates(value: unknown, user: PublicUser): unknown {
  if (typeof value === "string") {
    const whole = /^\{\{\s*user\.([\w.]+)\s*\}\}$/.exec(value);
    if (whole) {
      const v = userValue(user, whole[1]!);
      return v === undefined ? NEVER : v;
    }
    return value.replace(/\{\{\s*user\.([\w.]+)\s*\}\}/g, (_m, k: string) => String(userValue(user, k) ?? ""));
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, user));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTemplates(v, user)]));
  return value;
}

function containsNever(value: unknown): boolean {
  if (value === NEVER) return true;
  if (Array.isArray(value)) return value.some(containsNever);
  if (value && typeof value === "object") return Object.values(value).some(containsNever);
  return false;
}

function matchesRuleCondition(condition: Doc, user: PublicUser, record: Doc): boolean {
  for (const [key, raw] of Object.entries(condition)) {
    if (key === "$or" || key === "$and" || key === "$nor") {
      const parts = (raw as Doc[]).map((c) => matchesRuleCondition(c, user, record));
      if (key === "$or" && !parts.some(Boolean)) return false;
      if (key === "$and" && !parts.every(Boolean)) return false;
      if (key === "$nor" && parts.some(Boolean)) return false;
      continue;
    }
    if (key === "user_condition") {
      for (const [k, v] of Object.entries(raw as Doc)) {
        const expected = resolveTemplates(v, user);
        if (containsNever(expected) || !deepEqual(userValue(user, k), expected)) return false;
      }
      continue;
    }
    const expected = resolveTemplates(raw, user);
    if (containsNever(expected)) return false;
    const field = key.startsWith("data.") ? key.slice(5) : key;
    if (!matchCondition(field, getPath(record, field), expected)) return false;
  }
  return true;
}

export type Operation = "create" | "read" | "update" | "delete";

export function ruleFor(rls: Record<string, Rule> | undefined, op: Operation): Rule {
  if (!rls) return undefined;
  if (rls[op] !== undefined) return rls[op];
  return op === "read" ? undefined : rls.write;
}

export function allowed(rule: Rule, principal: Principal, record: Doc): boolean {
  if (principal.kind !== "user") return true;
  if (rule === undefined || rule === null || rule === "" || rule === true) return true;
  if (rule === false) return false;
  return matchesRuleCondition(rule as Doc, principal.user, record);
}

/** MongoDB update operators for updateMany: $set, $unset, $inc, $push, $pull, $addToSet. */
export function applyUpdateOperators(record: Doc, update: Doc): void {
  const ops = Object.keys(update).length && Object.keys(update).every((k) => k.startsWith("$")) ? update : { $set: update };
  for (const [op, changes] of Object.entries(ops)) {
    for (const [field, value] of Object.entries(changes as Doc)) {
      if (BUILT_INS.includes(field)) continue;
      switch (op) {
        case "$set":
          record[field] = value;
          break;
        case "$unset":
          delete record[field];
          break;
        case "$inc":
          record[field] = (typeof record[field] === "number" ? (record[field] as number) : 0) + Number(value);
          break;
        case "$push":
          record[field] = [...(Array.isArray(record[field]) ? (record[field] as unknown[]) : []), value];
          break;
        case "$addToSet": {
          const list = Array.isArray(record[field]) ? (record[field] as unknown[]) : [];
          record[field] = list.some((x) => deepEqual(x, value)) ? list : [...list, value];
          break;
        }
        case "$pull":
          record[field] = (Array.isArray(record[field]) ? (record[field] as unknown[]) : []).filter((x) => !deepEqual(x, value));
          break;
        default:
          throw new BadRequest(`unsupported update operator ${op}`);
      }
    }
  }
}
