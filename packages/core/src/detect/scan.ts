// One pass over the project's text files: env vars the code reads, and findings
// (hard-coded builder/Supabase URLs, JWTs, secrets exposed to the browser, committed .env files).
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  BOLT,
  BROWSER_ENV_PREFIXES,
  BUILTIN_ENV,
  ENV_READS,
  JWT_PATTERN,
  KEY_FILE_GLOBS,
  LOVABLE,
  PROVIDER_KEYS,
  SECRET_NAME_PARTS,
  SERVER_ONLY_PATHS,
  SOURCE_GLOBS,
  SUPABASE_PROJECT_URL,
} from "../markers";
import { finding, lineAt, type Finding } from "../findings";
import { gitignoreMatcher, listProjectFiles } from "../files";
import { decodeJwtPayload } from "../redact";
import type { EnvVarUse } from "./types";

/** Files over this size are not scanned (minified bundles, data dumps). */
const MAX_SCAN_BYTES = 2 * 1024 * 1024;

export interface ScanResult {
  envVars: EnvVarUse[];
  findings: Finding[];
  supabaseRefs: string[];
}

function isEnvFile(file: string): boolean {
  return /(^|\/)\.env(\.|$)/.test(file);
}

export function isBrowserExposed(name: string): boolean {
  return BROWSER_ENV_PREFIXES.some((p) => name.startsWith(p));
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME_PARTS.some((part) => name.includes(part));
}

export function scanProject(root: string): ScanResult {
  const envFiles = new Map<string, Set<string>>();
  const findings: Finding[] = [];
  const refs = new Set<string>();
  const note = (name: string, file: string) => {
    if (BUILTIN_ENV.has(name)) return;
    if (!envFiles.has(name)) envFiles.set(name, new Set());
    envFiles.get(name)!.add(file);
  };

  // Committed build output is scanned too: keys baked into dist/ are still shipped.
  const files = listProjectFiles(root, { patterns: SOURCE_GLOBS, keepDirs: ["dist"] });
  for (const file of files) {
    const abs = path.join(root, file);
    if (statSync(abs).size > MAX_SCAN_BYTES) continue;
    const text = readFileSync(abs, "utf8");
    const isCode = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|vue|svelte|astro)$/.test(file);
    const inBuildOutput = file.startsWith("dist/");
    if (isCode && !inBuildOutput) {
      for (const pattern of ENV_READS) for (const m of text.matchAll(pattern)) note(m[1]!, file);
    }
    scanText(file, text, findings, refs);
    const where = SERVER_ONLY_PATHS.some((p) => p.test(file)) || file.startsWith("supabase/migrations/") ? "committed" : "client";
    for (const key of providerKeys(text)) findings.push(providerKeyFinding(file, key, where));
  }

  // Files that hold keys without being app code (Python helpers, .ini settings, *.example templates).
  for (const file of listProjectFiles(root, { patterns: KEY_FILE_GLOBS })) {
    if (isEnvFile(file) || statSync(path.join(root, file)).size > MAX_SCAN_BYTES) continue;
    for (const key of providerKeys(readFileSync(path.join(root, file), "utf8")))
      findings.push(providerKeyFinding(file, key, "committed"));
  }

  scanEnvFiles(root, findings, refs, note);
  const envVars = envVarUses(envFiles);
  findings.push(...exposedSecrets(envVars));
  return { envVars, findings, supabaseRefs: [...refs].sort() };
}

/** .env files: the names they declare, whether they are committed, and the keys they hold. */
function scanEnvFiles(root: string, findings: Finding[], refs: Set<string>, note: (name: string, file: string) => void): void {
  const ig = gitignoreMatcher(root);
  for (const file of listProjectFiles(root, { patterns: [".env", ".env.*", "**/.env", "**/.env.*"], includeIgnored: true })) {
    const text = readFileSync(path.join(root, file), "utf8");
    const isExample = /\.(example|sample|template)$/.test(file);
    for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=/gm)) if (!isExample) note(m[1]!, file);
    if (!isExample && !ig.ignores(file)) {
      findings.push(
        finding({
          severity: "medium",
          code: "env-file-committed",
          file,
          message: `${file} is not gitignored, so its values are committed`,
          hint: "add it to .gitignore and rotate the keys it holds",
        }),
      );
    }
    if (!isExample) scanText(file, text, findings, refs, { envFile: true });
    // A key under a browser prefix ships to every user; any key in a committed file is public already.
    const committed = isExample || !ig.ignores(file);
    for (const key of providerKeys(text)) {
      const name = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=/.exec(text.split("\n")[key.line - 1] ?? "")?.[1];
      if (name && isBrowserExposed(name)) findings.push(providerKeyFinding(file, key, "client", name));
      else if (committed) findings.push(providerKeyFinding(file, key, "committed", name));
    }
  }
}

/** Each variable with where it is read (code first, then the .env files that declare it). */
function envVarUses(envFiles: Map<string, Set<string>>): EnvVarUse[] {
  return [...envFiles.entries()]
    .map(([name, set]) => ({
      name,
      files: [...set].sort((a, b) => Number(isEnvFile(a)) - Number(isEnvFile(b)) || a.localeCompare(b)),
      browserExposed: isBrowserExposed(name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A secret-looking name under a browser prefix: the bundler ships its value to every user. */
function exposedSecrets(envVars: EnvVarUse[]): Finding[] {
  return envVars
    .filter((v) => v.browserExposed && isSecretName(v.name))
    .map((v) =>
      finding({
        severity: "high",
        code: "secret-exposed-to-browser",
        file: v.files[0],
        message: `${v.name} holds a secret but its prefix makes the bundler ship it to every browser (used in ${v.files.join(", ")})`,
        hint: "rotate the key, read it only on a server under a name without a browser prefix",
      }),
    );
}

interface ProviderKeyHit {
  provider: string;
  prefix: string;
  line: number;
}

/** A real key is random: digits and both cases (a CSS class like `sk-circle-bounce` is not). */
function looksRandom(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
}

/** Every well-known provider key shape in the text, with its line (the key itself is not kept). */
function providerKeys(text: string): ProviderKeyHit[] {
  const hits: ProviderKeyHit[] = [];
  for (const { provider, prefix, pattern } of PROVIDER_KEYS) {
    if (!text.includes(prefix.slice(0, 3))) continue;
    for (const m of text.matchAll(pattern)) if (looksRandom(m[0])) hits.push({ provider, prefix, line: lineAt(text, m.index!) });
  }
  return hits;
}

function providerKeyFinding(file: string, key: ProviderKeyHit, where: "client" | "committed", variable?: string): Finding {
  const what = `a ${key.provider} API key (${key.prefix}…)${variable ? ` in ${variable}` : ""}`;
  return where === "client"
    ? finding({
        severity: "high",
        code: "provider-key-in-client",
        file,
        line: key.line,
        message: `${what} sits where the client build reaches it, so it ships to every user`,
        hint: "move the calls that need it to server code that reads it from the server's environment, then rotate the key: it is public already",
      })
    : finding({
        severity: "high",
        code: "provider-key-committed",
        file,
        line: key.line,
        message: `${what} is committed to the repository`,
        hint: "rotate the key (it stays in the git history), then read it from the environment of the server that uses it",
      });
}

/** A builder's app host (<name>.lovable.app) on a domain from the markers. */
// The lookbehind keeps a scan linear: without it a long run of letters is retried from every offset.
const hostPattern = (domain: string) => new RegExp(`(?<![a-z0-9-])[a-z0-9-]+\\.${domain.replaceAll(".", "\\.")}`, "gi");
const BUILDER_HOSTS = [
  ...LOVABLE.hosts.map((domain) => ({ domain, builder: "Lovable", pattern: hostPattern(domain) })),
  ...BOLT.hosts.map((domain) => ({ domain, builder: "Bolt", pattern: hostPattern(domain) })),
];

/** In .env files URLs and anon keys are where they belong; only secret keys there are findings. */
function scanText(file: string, text: string, findings: Finding[], refs: Set<string>, options: { envFile?: boolean } = {}): void {
  const isHistory = file.startsWith("supabase/migrations/") || file.startsWith("dist/");
  const hint = isHistory
    ? "history is not rewritten: rotate the key or move the value to configuration"
    : "read it from an env var";
  for (const m of text.matchAll(SUPABASE_PROJECT_URL)) {
    refs.add(m[1]!.toLowerCase());
    if (options.envFile) continue;
    findings.push(
      finding({
        severity: "low",
        code: "hardcoded-supabase-url",
        file,
        line: lineAt(text, m.index!),
        message: `hard-coded Supabase project URL (ref ${m[1]})`,
        hint,
      }),
    );
  }
  const lower = options.envFile ? "" : text.toLowerCase();
  // In .env files builder URLs are configuration; a file without the domain skips the (slow, look-behind) regex.
  for (const { pattern, builder } of BUILDER_HOSTS.filter((h) => lower.includes(h.domain))) {
    for (const m of text.matchAll(pattern)) {
      findings.push(
        finding({
          severity: "low",
          code: "hardcoded-builder-url",
          file,
          line: lineAt(text, m.index!),
          message: `hard-coded ${builder} URL ${m[0]}`,
          hint: isHistory ? hint : "point it at your own domain through an env var",
        }),
      );
    }
  }
  for (const m of text.matchAll(JWT_PATTERN)) {
    const payload = decodeJwtPayload(m[0]);
    const role = typeof payload?.role === "string" ? payload.role : "unknown";
    const ref = typeof payload?.ref === "string" ? payload.ref : undefined;
    if (ref) refs.add(ref);
    const secret = role === "service_role" || role === "supabase_admin";
    if (options.envFile && !secret) continue;
    findings.push(
      finding({
        severity: secret ? "high" : "medium",
        code: secret ? "service-role-key-in-source" : "jwt-in-source",
        file,
        line: lineAt(text, m.index!),
        message: `JWT with role ${role}${ref ? ` for project ${ref}` : ""} is hard-coded`,
        hint: secret ? "rotate this key now: it bypasses every RLS policy" : hint,
      }),
    );
  }
}

export function exists(root: string, rel: string): boolean {
  return existsSync(path.join(root, rel));
}
