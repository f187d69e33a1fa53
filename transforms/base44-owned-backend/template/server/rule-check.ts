// The grammar of Base44 access rules, checked before a rule is ever compiled: an entity's `rls`
// block may name only the operations (create, read, update, delete, and the older `write`), and
// each rule is `true`, `false` or a non-empty condition. Anything else (a misspelled key, `[]`,
// `""`, `null`, `{}`, an empty `user_condition`, an unknown operator) is malformed, and a
// malformed rule denies: the server treats the whole entity as closed, and generation reports
// the file. No imports: ownit's generator runs this same check on the export.

/** Operation keys of an `rls` block; `write` is Base44's older spelling of create + update + delete. */
export const RULE_OPERATIONS = ["create", "read", "update", "delete", "write"] as const;
/** Keys of a field-level rule (`properties.<field>.rls`). */
export const FIELD_RULE_KEYS = ["read", "write", "update"] as const;
/** Operators a rule's field condition may use (the filter compiler's, minus none). */
export const RULE_FIELD_OPERATORS = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$regex", "$options", "$exists", "$not", "$all", "$size"];
const LOGICAL = ["$and", "$or", "$nor"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/** Problems of one condition object (where `at` says where it sits, for the message). */
function conditionProblems(condition: Record<string, unknown>, at: string): string[] {
  const keys = Object.keys(condition);
  if (!keys.length) return [`${at} is an empty condition {}`];
  const out: string[] = [];
  for (const key of keys) {
    const value = condition[key];
    if (LOGICAL.includes(key)) {
      if (!Array.isArray(value) || !value.length) out.push(`${at}.${key} needs a non-empty list of conditions`);
      else value.forEach((c, i) => out.push(...(isPlainObject(c) ? conditionProblems(c, `${at}.${key}[${i}]`) : [`${at}.${key}[${i}] is not a condition`])));
    } else if (key === "user_condition") {
      if (!isPlainObject(value) || !Object.keys(value).length) out.push(`${at}.user_condition needs an object of user fields`);
      else for (const [field, expected] of Object.entries(value)) {
        if (!(isScalar(expected) || (Array.isArray(expected) && expected.length > 0 && expected.every(isScalar)))) out.push(`${at}.user_condition.${field} must be a value or a list of values`);
      }
    } else if (key.startsWith("$")) {
      out.push(`${at} uses ${key}, which is not a rule operator`);
    } else if (isPlainObject(value)) {
      const ops = Object.keys(value);
      if (!ops.length) out.push(`${at}.${key} is an empty condition {}`);
      for (const op of ops) if (!RULE_FIELD_OPERATORS.includes(op)) out.push(`${at}.${key} uses ${op}, which is not a rule operator`);
    }
  }
  return out;
}

/** Problems of one rule value (an operation's, or a field's). */
export function ruleValueProblems(rule: unknown, at: string): string[] {
  if (rule === true || rule === false) return [];
  if (isPlainObject(rule)) return conditionProblems(rule, at);
  return [`${at} is ${JSON.stringify(rule) ?? String(rule)}: a rule is true, false or a condition`];
}

/** Problems of an entity's `rls` block; none when it is absent (Base44's default: open to signed-in users). */
export function rlsProblems(rls: unknown, at = "rls"): string[] {
  if (rls === undefined) return [];
  if (!isPlainObject(rls)) return [`${at} is ${JSON.stringify(rls)}: it must be an object of operations`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(rls)) {
    if (!(RULE_OPERATIONS as readonly string[]).includes(key)) out.push(`${at}.${key} is not an operation (${RULE_OPERATIONS.join(", ")})`);
    else out.push(...ruleValueProblems(value, `${at}.${key}`));
  }
  return out;
}

/** Problems of a field-level rule block. */
export function fieldRuleProblems(rls: unknown, at: string): string[] {
  if (!isPlainObject(rls)) return [`${at} is ${JSON.stringify(rls)}: it must be an object with read and/or write`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(rls)) {
    if (!(FIELD_RULE_KEYS as readonly string[]).includes(key)) out.push(`${at}.${key} is not read or write`);
    else out.push(...ruleValueProblems(value, `${at}.${key}`));
  }
  return out;
}

const TEMPLATE_FIELD = /\{\{\s*user\.([\w.]+)\s*\}\}/g;

/** The user fields a rule depends on: `{{user.x}}` templates and `user_condition` keys (without a `data.` prefix). */
export function userFieldsOf(rule: unknown, into = new Set<string>()): Set<string> {
  const norm = (path: string) => (path.startsWith("data.") ? path.slice(5) : path).split(".")[0]!;
  if (typeof rule === "string") for (const m of rule.matchAll(TEMPLATE_FIELD)) into.add(norm(m[1]!));
  else if (Array.isArray(rule)) for (const r of rule) userFieldsOf(r, into);
  else if (isPlainObject(rule)) {
    for (const [key, value] of Object.entries(rule)) {
      if (key === "user_condition" && isPlainObject(value)) for (const field of Object.keys(value)) into.add(norm(field));
      userFieldsOf(value, into);
    }
  }
  return into;
}
