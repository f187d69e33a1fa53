// Redaction of secrets before anything reaches logs, manifests, findings or snapshots.
import { PROVIDER_KEYS } from "./markers";

const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g;
// postgres://user:password@host → postgres://user:***@host
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;
// Supabase's newer key formats and common provider keys.
const PREFIXED_KEYS = /\b(sb_secret_|sb_publishable_|sk-[a-z]*-?|sk_live_|sk_test_|rk_live_|xox[bap]-|ghp_|github_pat_)[A-Za-z0-9_-]{10,}/g;

export const REDACTED = "***";

/** Replaces JWTs, URL passwords and well-known API key shapes with a marker. */
export function redact(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}$3`)
    .replace(JWT, "eyJ***")
    .replace(PREFIXED_KEYS, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(PROVIDER_KEY_SHAPES, (m: string) => `${m.slice(0, PROVIDER_KEYS.find((k) => new RegExp(`^(?:${k.pattern.source})$`).test(m))?.prefix.length ?? 0)}${REDACTED}`);
}

/** Every provider key shape of markers.ts in one pattern, for redaction. */
const PROVIDER_KEY_SHAPES = new RegExp(PROVIDER_KEYS.map((k) => k.pattern.source).join("|"), "g");

/** Redacts a connection string for display: keeps user, host, port and database. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    for (const key of ["password", "sslpassword", "apikey", "key", "token"]) {
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, REDACTED);
    }
    return parsed.toString();
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
