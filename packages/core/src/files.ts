// Listing and reading a project's files: .gitignore respected, build output and dependencies skipped.
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import fg from "fast-glob";
import ignore, { type Ignore } from "ignore";

/** Folders never worth reading: dependencies, build output, VCS and our own ledger. */
export const ALWAYS_SKIPPED_DIRS = [
  "node_modules",
  ".git",
  "dist",
  "build",
  ".output",
  ".next",
  ".vercel",
  ".netlify",
  ".wrangler",
  ".ownit",
  ".turbo",
  ".cache",
  "coverage",
];

/** Vite writes these beside its config when it crashes; they are never source. */
export const ALWAYS_SKIPPED_FILES = ["**/*.timestamp-*.mjs"];

export interface ListOptions {
  /** Glob patterns relative to the root (default: every file). */
  patterns?: string[];
  /** Also list files .gitignore ignores (for findings such as a committed .env). */
  includeIgnored?: boolean;
  /** Folders to skip in addition to ALWAYS_SKIPPED_DIRS. */
  skipDirs?: string[];
  /** Do not skip these folder names (e.g. "dist" when looking for committed build output). */
  keepDirs?: string[];
}

/** Reads every .gitignore in the tree into one matcher (paths relative to root). */
export function gitignoreMatcher(root: string): Ignore {
  const ig = ignore();
  const files = fg.sync("**/.gitignore", { cwd: root, dot: true, ignore: ALWAYS_SKIPPED_DIRS.map((d) => `**/${d}/**`) });
  for (const file of files) {
    const dir = path.posix.dirname(file);
    const lines = readFileSync(path.join(root, file), "utf8").split(/\r?\n/);
    for (const raw of lines) {
      const line = raw.trim();
      if (!line || line.startsWith("#")) continue;
      if (dir === ".") ig.add(line);
      else {
        const negated = line.startsWith("!");
        const body = negated ? line.slice(1) : line;
        const anchored = body.startsWith("/") ? body.slice(1) : body.includes("/") ? body : `**/${body}`;
        ig.add(`${negated ? "!" : ""}${dir}/${anchored}`);
      }
    }
  }
  return ig;
}

/** Project files (posix paths relative to root), sorted. */
export function listProjectFiles(root: string, options: ListOptions = {}): string[] {
  const keep = new Set(options.keepDirs ?? []);
  const skipDirs = [...ALWAYS_SKIPPED_DIRS, ...(options.skipDirs ?? [])].filter((d) => !keep.has(d));
  const found = fg.sync(options.patterns ?? ["**/*"], {
    cwd: root,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: [...skipDirs.map((d) => `**/${d}/**`), ...ALWAYS_SKIPPED_FILES],
  });
  const ig = options.includeIgnored ? undefined : gitignoreMatcher(root);
  return found.filter((f) => !ig || !ig.ignores(f)).sort();
}

export function readText(root: string, rel: string): string | undefined {
  const abs = path.join(root, rel);
  if (!existsSync(abs) || !statSync(abs).isFile()) return undefined;
  return readFileSync(abs, "utf8");
}

export async function readTextAsync(root: string, rel: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(root, rel), "utf8");
  } catch {
    return undefined;
  }
}

export function readJson<T = unknown>(root: string, rel: string): T | undefined {
  const text = readText(root, rel);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Files whose bytes look like text (no NUL in the first 8 KiB). */
export function looksBinary(data: Uint8Array): boolean {
  const end = Math.min(data.length, 8192);
  for (let i = 0; i < end; i++) if (data[i] === 0) return true;
  return false;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
