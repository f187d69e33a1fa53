// Running pg_dump for the schema: the binary chosen by the server's major version, the connection
// given through PG* environment variables and a temporary passfile (0600, deleted afterwards) so
// the password never appears on a command line, and the snapshot of the dump's transaction
// joined with --snapshot so schema and data describe the same moment.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { killPoint, OwnitError } from "@ownit/core";
import { parseConnectionUrl } from "./connection";
import { pgDumpTempDir } from "./leftovers";

export interface PgDumpRun {
  /** The pg_dump program (findClientBinary("pg_dump", serverMajor)). */
  binary: string;
  url: string;
  /** Arguments besides the connection (which goes through the environment). */
  args: string[];
  /** An exported snapshot id to dump at. */
  snapshot?: string;
}

/** A passfile line field: ':' and '\' escaped (see libpq's "The Password File"). */
function passfileField(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
}

/** The environment pg_dump (or psql) needs to reach the database behind url, password in a passfile. */
export function libpqEnvironment(url: string, dir: string): NodeJS.ProcessEnv {
  const p = parseConnectionUrl(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: p.host,
    PGPORT: String(p.port),
    PGUSER: p.user,
    PGDATABASE: p.database,
    PGAPPNAME: "ownit dump",
    PGCONNECT_TIMEOUT: "10",
  };
  delete env.PGPASSWORD;
  delete env.PGSERVICE;
  if (p.sslmode) env.PGSSLMODE = p.sslmode;
  if (p.password !== undefined) {
    const passfile = path.join(dir, "pgpass");
    writeFileSync(passfile, `*:*:*:*:${passfileField(p.password)}\n`, { mode: 0o600 });
    env.PGPASSFILE = passfile;
  }
  return env;
}

/** Runs pg_dump and returns its SQL (schema-only output, small enough to hold). */
export async function runPgDump(run: PgDumpRun): Promise<string> {
  const temp = pgDumpTempDir();
  try {
    const env = libpqEnvironment(run.url, temp.dir);
    killPoint("dump-passfile");
    const args = [...run.args, ...(run.snapshot ? [`--snapshot=${run.snapshot}`] : [])];
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(run.binary, args, { env, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (error) =>
        reject(
          new OwnitError(
            "pg-dump-failed",
            `cannot run ${run.binary}: ${error.message}`,
            "check the PostgreSQL client installation",
          ),
        ),
      );
      child.on("close", (code) => {
        if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
        const detail = Buffer.concat(err).toString("utf8").trim().split("\n").filter(Boolean).slice(-2).join(" | ");
        reject(
          new OwnitError(
            "pg-dump-failed",
            `pg_dump failed (exit ${code}): ${detail}`,
            "the schema could not be read; rerun with --debug and check the message above",
          ),
        );
      });
    });
  } finally {
    temp.remove();
  }
}
