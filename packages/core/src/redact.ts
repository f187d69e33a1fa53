// Redaction of secrets before anything reaches logs, manifests, findings or snapshots: passwords in
// connection URLs (even unencoded ones with `@`, `/` or `%` in them, which no URL parser accepts),
// password query parameters, libpq keyword/value strings (`host=… password='…'`), JSON-shaped
// secret fields (`"password": "…"`), JWTs and well-known API key shapes.
import { JWT_PATTERN, PROVIDER_KEYS } from "./markers";

// Supabase's newer key formats and common provider keys.
const PREFIXED_KEYS =
  /\b(sb_secret_|sb_publishable_|sk-[a-z]*-?|sk_live_|sk_test_|rk_live_|xox[bap]-|ghp_|github_pat_)[A-Za-z0-9_-]{10,}/g;

export const REDACTED = "***";

/** Connection parameters whose value is a secret, in URLs (`?password=`) and in conninfo strings. */
export const SECRET_PARAMETERS = [
  "password",
  "sslpassword",
  "passfile",
  "apikey",
  "api_key",
  "key",
  "token",
  "secret",
  "access_token",
] as const;
const SECRET_SET = new Set<string>(SECRET_PARAMETERS);

/** Where a URL-shaped token starts: a scheme and `//`. It runs to whitespace or a quote. */
const URL_TOKEN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]+/gi;

/**
 * A URL with its secrets replaced: the userinfo password (everything between the first `:` and
 * the last `@` of the authority, so an unencoded `@` or `/` in the password is covered, as libpq
 * would have read it had it been encoded) and secret query parameters.
 */
function redactUrlToken(match: string): string {
  // Punctuation that ends a sentence is not part of the URL ("…could not connect to postgres://…: refused").
  const tail = /[.,:;!)\]]+$/.exec(match)?.[0] ?? "";
  const token = tail ? match.slice(0, -tail.length) : match;
  return `${redactUrlParts(token)}${tail}`;
}

function redactUrlParts(token: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(token)![0];
  let rest = token.slice(scheme.length);
  // The authority ends at the last `@` before any `?`/`#` (an unencoded password may hold `/` and `@`).
  const queryAt = rest.search(/[?#]/);
  const head = queryAt < 0 ? rest : rest.slice(0, queryAt);
  // No `@` before a `?`/`#`: the `?` or `#` may itself be in the password, so the last `@` anywhere ends it.
  const at = head.includes("@") ? head.lastIndexOf("@") : rest.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = head.slice(0, at);
    const colon = userinfo.indexOf(":");
    if (colon >= 0) rest = `${userinfo.slice(0, colon + 1)}${REDACTED}${rest.slice(at)}`;
  }
  return `${scheme}${redactQuery(rest)}`;
}

/** `?password=…&sslmode=…`: secret parameters replaced, everything else as written. */
function redactQuery(text: string): string {
  const q = text.indexOf("?");
  if (q < 0) return text;
  const hash = text.indexOf("#", q);
  const query = text.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // a malformed escape: compare the name as written
    }
    return SECRET_SET.has(name.toLowerCase()) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
  });
  return `${text.slice(0, q + 1)}${parts.join("&")}${hash < 0 ? "" : text.slice(hash)}`;
}

/**
 * A libpq keyword/value pair's value, read as libpq reads it: after `=` and optional spaces,
 * either a single-quoted string (backslash escapes `\'` and `\\`) or a run up to whitespace
 * (backslash escapes too). Returns where the value ends.
 */
export function conninfoValueEnd(text: string, start: number): number {
  let i = start;
  if (text[i] === "'") {
    for (i++; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === "'") return i + 1;
    }
    return text.length;
  }
  for (; i < text.length && !/\s/.test(text[i]!); i++) if (text[i] === "\\") i++;
  return Math.min(i, text.length);
}

/** Keyword/value pairs of a libpq conninfo string (`host=db port=5432 password='a b'`), values unquoted. */
export function parseConninfo(text: string): Array<{ keyword: string; value: string }> {
  const out: Array<{ keyword: string; value: string }> = [];
  const pair = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/y;
  let i = 0;
  while (i < text.length) {
    pair.lastIndex = i;
    const m = pair.exec(text);
    if (!m) break;
    const start = pair.lastIndex;
    const end = conninfoValueEnd(text, start);
    const raw = text.slice(start, end);
    const value = (raw.startsWith("'") ? raw.slice(1, raw.endsWith("'") && raw.length > 1 ? -1 : undefined) : raw).replace(
      /\\(.)/g,
      "$1",
    );
    out.push({ keyword: m[1]!, value });
    i = end;
  }
  return out;
}

/** libpq's secret keywords (and the PGPASSWORD variable), whose values are redacted wherever they appear. */
export const CONNINFO_SECRETS = ["password", "sslpassword", "PGPASSWORD"] as const;
/**
 * `password=…` anywhere in text: the value replaced. Spaces around `=` (which libpq allows) count
 * only before a quoted value, so code such as `const password = input` in a diff is left as it is.
 */
const SECRET_KEYWORD = new RegExp(`(^|[\\s;,"'(])(${CONNINFO_SECRETS.join("|")})(=|\\s*=\\s*(?='))`, "gi");

function redactKeywordValues(text: string): string {
  let out = "";
  let last = 0;
  SECRET_KEYWORD.lastIndex = 0;
  for (let m = SECRET_KEYWORD.exec(text); m; m = SECRET_KEYWORD.exec(text)) {
    const start = m.index + m[0].length;
    // Inside a URL the query redaction already did it (and `key=` in prose is rarely a secret without a value).
    if (text.slice(start, start + REDACTED.length) === REDACTED) continue;
    const end = conninfoValueEnd(text, start);
    if (end === start) continue;
    const quoted = text[start] === "'";
    out += `${text.slice(last, start)}${quoted ? `'${REDACTED}'` : REDACTED}`;
    last = end;
    SECRET_KEYWORD.lastIndex = end;
  }
  return out + text.slice(last);
}

/**
 * A quoted key that names a secret and its quoted value, as JSON (or a JS object, or a YAML flow map) writes it:
 * `"password": "…"`, `'client_secret': '…'`, `"apiKey":"…"`. The key is matched by its ending, so
 * `db_password` and `serviceRoleKey` count; the value (escapes included) is what gets replaced.
 */
const SECRET_FIELD =
  /(["'])([A-Za-z0-9_-]*(?:password|passwd|secret|token|api_?key|role_?key|private_?key))\1(\s*:\s*)(["'])(?:\\.|(?!\4)[^\\\n])*\4/gi;

function redactSecretFields(text: string): string {
  return text.replace(
    SECRET_FIELD,
    (_m, q: string, key: string, colon: string, vq: string) => `${q}${key}${q}${colon}${vq}${REDACTED}${vq}`,
  );
}

/** Replaces URL passwords, secret parameters (URL, conninfo or JSON), JWTs and well-known API key shapes with a marker. */
export function redact(text: string): string {
  return redactSecretFields(redactKeywordValues(text.replace(URL_TOKEN, redactUrlToken)))
    .replace(JWT_PATTERN, "eyJ***")
    .replace(PREFIXED_KEYS, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(
      PROVIDER_KEY_SHAPES,
      (m: string) =>
        `${m.slice(0, PROVIDER_KEYS.find((k) => new RegExp(`^(?:${k.pattern.source})$`).test(m))?.prefix.length ?? 0)}${REDACTED}`,
    );
}

/** Every provider key shape of markers.ts in one pattern, for redaction. */
const PROVIDER_KEY_SHAPES = new RegExp(PROVIDER_KEYS.map((k) => k.pattern.source).join("|"), "g");

/** Redacts a connection string for display: keeps user, host, port and database. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_SET.has(key.toLowerCase())) parsed.searchParams.set(key, REDACTED);
    }
    // What the parser kept (a password with an unencoded `@` keeps its tail in the username) goes through the text rules too.
    return redact(parsed.toString());
  } catch {
    return redact(url);
  }
}

/** Deeply redacts every string inside a JSON-able value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** Decodes a JWT's payload without verifying it (to learn a Supabase project ref and role). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
