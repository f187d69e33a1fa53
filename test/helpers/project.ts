// Test helpers: temp copies of fixtures, tree fingerprints, git repos, and a captured CLI context.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import fg from "fast-glob";
import { sha256, type ProjectFacts, type Step } from "@ownit/core";
import { defaultMigrationSteps, main, type CliContext } from "ownit";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
export const FIXTURES = path.join(REPO_ROOT, "fixtures");

const made: string[] = [];

/** A fresh temp folder, removed by cleanupTemp(). */
export function tempDir(prefix = "ownit-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanupTemp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Copies fixtures/<name> into a temp folder (optionally under a nested sub-folder) and returns the copy's path. */
export function copyFixture(name: string, options: { nestUnder?: string } = {}): string {
  const base = tempDir();
  const dest = options.nestUnder ? path.join(base, options.nestUnder) : path.join(base, name);
  cpSync(path.join(FIXTURES, name), dest, { recursive: true });
  return options.nestUnder ? base : dest;
}

/** path → sha256 of every file, skipping .git and ownit's own ledger. */
export function treeFingerprint(dir: string): Record<string, string> {
  const files = fg.sync("**/*", { cwd: dir, dot: true, onlyFiles: true, ignore: ["**/.git/**", "**/.ownit/**"] }).sort();
  return Object.fromEntries(files.map((f) => [f, sha256(readFileSync(path.join(dir, f)))]));
}

/** The anon key the bundled Lovable export hard-codes in its Supabase client. */
export const LOVABLE_ANON_KEY = /"(eyJ[^"]+)"/.exec(
  readFileSync(path.join(FIXTURES, "lovable-vite/src/integrations/supabase/client.ts"), "utf8"),
)![1]!;

/**
 * file → the needles it still contains, over every file (binary ones too); .git, the ledger,
 * installs and builds aside. The Lovable anon key is named "<the anon key>", never printed.
 */
export function leftovers(dir: string, needles: string[]): Record<string, string[]> {
  const hits: Record<string, string[]> = {};
  for (const file of fg.sync("**/*", {
    cwd: dir,
    dot: true,
    onlyFiles: true,
    ignore: ["**/.git/**", "**/.ownit/**", "**/node_modules/**", "dist/**"],
  })) {
    const text = readFileSync(path.join(dir, file)).toString("latin1");
    const found = needles
      .filter((needle) => text.includes(needle))
      .map((needle) => (needle === LOVABLE_ANON_KEY ? "<the anon key>" : needle));
    if (found.length) hits[file] = found;
  }
  return hits;
}

/** `npm ci` (no install scripts) and `npm run build` in a migrated Vite app, as CI would run them. */
export function installAndBuild(dir: string): void {
  const run = (args: string[]) =>
    execFileSync("npm", args, {
      cwd: dir,
      encoding: "utf8",
      stdio: "pipe",
      timeout: 300_000,
      env: { ...process.env, CI: "1", npm_config_audit: "false", npm_config_fund: "false" },
    });
  run(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]);
  run(["run", "build"]);
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "test",
  GIT_AUTHOR_EMAIL: "test@localhost",
  GIT_COMMITTER_NAME: "test",
  GIT_COMMITTER_EMAIL: "test@localhost",
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, ...GIT_ENV } }).trim();
}

/** Makes dir a git repo with everything committed once. */
export function gitInit(dir: string): void {
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "exported from the builder");
}

export interface CapturedCli {
  ctx: CliContext;
  stdout: string[];
  stderr: string[];
  run(...argv: string[]): Promise<number>;
}

/** A CLI context that captures output and never prompts (tests need no TTY). */
export function capturedCli(
  options: {
    steps?: (project: ProjectFacts, opts: Record<string, unknown>) => Promise<Step[]>;
    interactive?: boolean;
    answer?: boolean;
  } = {},
): CapturedCli {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const ctx: CliContext = {
    cwd: REPO_ROOT,
    // Colour codes out: CI=true makes picocolors colour even without a terminal.
    out: (line = "") => stdout.push(stripVTControlCharacters(line)),
    err: (line = "") => stderr.push(stripVTControlCharacters(line)),
    interactive: options.interactive ?? false,
    debug: false,
    confirm: async () => options.answer ?? false,
    migrationSteps: options.steps ?? defaultMigrationSteps,
  };
  return { ctx, stdout, stderr, run: (...argv) => main(argv, ctx) };
}
