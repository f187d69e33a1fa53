// The export helper's source: the edge function `ownit helper` writes into the builder's project,
// with the SHA-256 of a freshly generated one-time secret and an expiry time filled in. The secret
// itself is returned to be shown once and is never written anywhere.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

/** The function's default name: supabase/functions/<name>/index.ts, https://<ref>.supabase.co/functions/v1/<name>. */
export const HELPER_FUNCTION_NAME = "ownit-export";
/** How long a helper answers after it is written: long enough to deploy it and dump, short enough to be forgotten safely. */
export const HELPER_TTL_HOURS = 24;
/** The environment variable `ownit dump --via` reads the secret from (never a flag: flags land in shell history). */
export const HELPER_SECRET_ENV = "OWNIT_HELPER_SECRET";
/** Function names Supabase accepts (a folder under supabase/functions/). */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const TEMPLATE = path.join(import.meta.dirname, "..", "..", "templates", "export-helper", "index.ts");

export interface ExportHelper {
  name: string;
  /** Project-relative path of the function's source. */
  path: string;
  source: string;
  /** Shown to the owner once; only its hash is in source. */
  secret: string;
  secretSha256: string;
  expiresAt: string;
}

export function helperSecretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function exportHelper(options: { name?: string; now?: Date; ttlHours?: number } = {}): ExportHelper {
  const name = options.name ?? HELPER_FUNCTION_NAME;
  const secret = randomBytes(32).toString("base64url");
  const secretSha256 = helperSecretHash(secret);
  const expiresAt = new Date(
    (options.now ?? new Date()).getTime() + (options.ttlHours ?? HELPER_TTL_HOURS) * 3_600_000,
  ).toISOString();
  const source = readFileSync(TEMPLATE, "utf8")
    .replace("__OWNIT_SECRET_SHA256__", secretSha256)
    .replace("__OWNIT_EXPIRES_AT__", expiresAt);
  return { name, path: `supabase/functions/${name}/index.ts`, source, secret, secretSha256, expiresAt };
}
