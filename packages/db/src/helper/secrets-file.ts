// `dump --via … --with-secrets`: the values of the secrets the project's edge functions read
// (OpenAI, Stripe, Resend keys…), which exist only inside the builder's project, fetched through
// the helper into one env file beside the export: mode 0600, git-ignored, written whole or not at
// all. Only names ever reach output; values go to that file and nowhere else.
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SUPABASE_FUNCTION_DEFAULT_SECRETS } from "../supabase-objects";
import { fetchHelperSecrets } from "./client";

export interface SecretsFileResult {
  file: string;
  found: string[];
  missing: string[];
  /** Names Supabase provides by itself, not copied. */
  platform: string[];
  /** How the file was kept out of git ("" when no repository holds it). */
  ignoredBy: string;
}

/** The env file beside an export folder: ./ownit-export → ./ownit-export.secrets.env */
export function secretsFileFor(exportDir: string): string {
  return `${path.resolve(exportDir)}.secrets.env`;
}

/** NAME='value', or a double-quoted form with escapes when the value holds quotes or newlines. */
function envLine(name: string, value: string): string {
  if (!/['\n\r]/.test(value)) return `${name}='${value}'`;
  return `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\$/g, "\\$")}"`;
}

/** Makes git ignore file: already ignored, or listed in the repository's own .git/info/exclude (no tracked file changes). */
function ignoreInGit(file: string): string {
  const dir = path.dirname(file);
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  let top: string;
  try {
    top = git("rev-parse", "--show-toplevel");
  } catch {
    return "";
  }
  try {
    git("check-ignore", "-q", file);
    return "already ignored";
  } catch {
    // not ignored yet
  }
  const exclude = path.join(git("rev-parse", "--absolute-git-dir"), "info", "exclude");
  mkdirSync(path.dirname(exclude), { recursive: true });
  const line = `/${path.relative(top, file).split(path.sep).join("/")}`;
  const current = existsSync(exclude) ? readFileSync(exclude, "utf8") : "";
  if (!current.split("\n").includes(line)) appendFileSync(exclude, `${current && !current.endsWith("\n") ? "\n" : ""}${line}\n`);
  return ".git/info/exclude";
}

export async function bringSecrets(options: {
  via: string;
  secret: string;
  names: string[];
  exportDir: string;
}): Promise<SecretsFileResult> {
  const platform = options.names.filter((n) => SUPABASE_FUNCTION_DEFAULT_SECRETS.includes(n));
  const wanted = [...new Set(options.names.filter((n) => !platform.includes(n)))].sort();
  const file = secretsFileFor(options.exportDir);
  const answer = wanted.length ? await fetchHelperSecrets(options.via, options.secret, wanted) : { values: {}, missing: [] };
  const found = wanted.filter((n) => typeof answer.values[n] === "string");
  const missing = wanted.filter((n) => !found.includes(n));
  const body = [
    "# Secrets the edge functions read, copied from the builder's project by `ownit dump --with-secrets`.",
    "# Keep this file private (mode 0600, never committed). Set them in your new host's secret store.",
    ...found.map((n) => envLine(n, answer.values[n]!)),
    ...missing.map((n) => `# ${n}: not set in the builder's project`),
    "",
  ].join("\n");
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, body, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return { file, found, missing, platform, ignoredBy: ignoreInGit(file) };
}
