// package-lock.json (or npm-shrinkwrap.json) kept in step with package.json: npm itself re-resolves it
// (`install --package-lock-only`: no node_modules, no install scripts) in a scratch folder holding
// copies of package.json, the lock and .npmrc as the plan sees them, so the project changes only
// through the Changeset. Removals run `--offline` (every package left is in the lock already);
// additions ask the registry for the new packages' versions, as of RESOLVED_BEFORE.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Changeset } from "@ownit/core";
import { DEPENDENCY_SECTIONS, parseJson, removeDependency } from "./json";
import { RESOLVED_BEFORE } from "./tested-versions";

const run = promisify(execFile);

/** The lock files npm writes. */
export const NPM_LOCKS = ["package-lock.json", "npm-shrinkwrap.json"] as const;
export type NpmLockFile = (typeof NPM_LOCKS)[number];

/** npm asking the registry takes seconds; a stuck network must not hang a plan for ever. */
const NPM_TIMEOUT_MS = 180_000;

const NPM_ARGS = ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"];
/** Removals need nothing npm has not got; additions resolve as of this release (hermetic: later publishes do not count). */
const MODE_ARGS = { remove: ["--offline"], add: ["--prefer-offline", `--before=${RESOLVED_BEFORE}`] } as const;

export type NpmLockResult = { text: string } | { error: string };

type Sections = Partial<Record<(typeof DEPENDENCY_SECTIONS)[number], Record<string, string>>>;

/** The line of npm's stderr that says what went wrong. */
function npmErrorLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^npm error (?!A complete log)/.test(l))?.replace(/^npm error\s*/, "") ?? lines.at(-1) ?? "npm failed";
}

/** The root entry of a lock npm can work from (lockfileVersion 2 or 3), or why it cannot. */
function lockRoot(lockText: string): { root: Sections } | { error: string } {
  const lock = parseJson<{ lockfileVersion?: number; packages?: Record<string, Sections> }>(lockText);
  if (!lock) return { error: "it is not valid JSON" };
  if (!lock.packages || (lock.lockfileVersion ?? 1) < 2)
    return { error: `lockfileVersion ${lock.lockfileVersion ?? 1} has no "packages" section` };
  const root = lock.packages[""];
  return root ? { root } : { error: 'it has no root ("") entry' };
}

/** Names the lock's root entry lists that package.json no longer does (in no section, or in another one). */
export function namesGoneFromLock(lockText: string, packageJson: string): string[] | { error: string } {
  const found = lockRoot(lockText);
  if ("error" in found) return found;
  const pkg = parseJson<Sections>(packageJson) ?? {};
  return DEPENDENCY_SECTIONS.flatMap((section) =>
    Object.keys(found.root[section] ?? {}).filter((name) => !Object.prototype.hasOwnProperty.call(pkg[section] ?? {}, name)),
  );
}

/** Names package.json lists that the lock's root entry lacks (resolving them needs the registry). */
export function namesMissingFromLock(lockText: string, packageJson: string): string[] {
  const found = lockRoot(lockText);
  if ("error" in found) return [];
  const pkg = parseJson<Sections>(packageJson) ?? {};
  return DEPENDENCY_SECTIONS.flatMap((s) => Object.keys(pkg[s] ?? {}).filter((name) => !found.root[s]?.[name]));
}

/** What npm is handed: package.json, one lock file, and the project's .npmrc (registry, auth) when it has one. */
export interface NpmLockInput {
  lockName: NpmLockFile;
  lock: string;
  packageJson: string;
  npmrc?: string;
}

/** The lock npm writes for `packageJson` from `lock`. `remove` runs offline; `add` may ask the registry. npm's failure comes back as one line. */
export async function npmLock(input: NpmLockInput, mode: keyof typeof MODE_ARGS): Promise<NpmLockResult> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ownit-lock-"));
  try {
    writeFileSync(path.join(scratch, "package.json"), input.packageJson);
    writeFileSync(path.join(scratch, input.lockName), input.lock);
    if (input.npmrc !== undefined) writeFileSync(path.join(scratch, ".npmrc"), input.npmrc);
    try {
      await run("npm", [...NPM_ARGS, ...MODE_ARGS[mode]], {
        cwd: scratch,
        timeout: NPM_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: "false" },
      });
    } catch (error) {
      const e = error as { stderr?: string; message?: string; killed?: boolean };
      return { error: e.killed ? `no answer within ${NPM_TIMEOUT_MS / 1000} s` : npmErrorLine(e.stderr ?? e.message ?? "") };
    }
    return { text: readFileSync(path.join(scratch, input.lockName), "utf8") };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The lock after package.json dropped dependencies: npm's own pruning, offline. Unchanged (and npm
 * not run) when the lock lists nothing package.json dropped; an error for a lock npm cannot prune
 * without the registry (lockfileVersion 1, not JSON). Names package.json lists that the lock lacks
 * are left out of npm's copy (resolving them needs the registry): the caller reports them.
 */
export async function prunedNpmLock(input: NpmLockInput): Promise<NpmLockResult> {
  const gone = namesGoneFromLock(input.lock, input.packageJson);
  if (!Array.isArray(gone)) return gone;
  if (!gone.length) return { text: input.lock };
  const packageJson = namesMissingFromLock(input.lock, input.packageJson).reduce(removeDependency, input.packageJson);
  return npmLock({ ...input, packageJson }, "remove");
}

/** What npm needs from the plan's files to refresh `lockName`. */
export function npmLockInput(files: Changeset, lockName: NpmLockFile, packageJson: string): NpmLockInput {
  return { lockName, lock: files.read(lockName)!, packageJson, npmrc: files.read(".npmrc") };
}
