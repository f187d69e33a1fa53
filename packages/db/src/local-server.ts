// A PostgreSQL server of our own on loopback: initdb into a folder, pg_ctl start on a free port,
// stop. Used by `ownit db start` (data under .ownit/pg/) and by the test harness (a temp folder).
// initdb and postgres refuse to run as root, so as root they run as the `postgres` user.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { OwnitError } from "@ownit/core";
import { findServerBinaries, type ServerBinaries } from "./pg-binaries";

/** The account a root process hands the server to (it exists wherever PostgreSQL was installed). */
export const UNPRIVILEGED_USER = "postgres";

export interface LocalServerOptions {
  /** Folder holding data/, the log and the socket; created when missing. */
  dir: string;
  /** Port to listen on (default: a free one; an existing cluster keeps the port it last used). */
  port?: number;
  /** Superuser password (default: trust on loopback, fine for throwaway test servers). */
  password?: string;
  binaries?: ServerBinaries;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
}

export interface LocalServer {
  host: string;
  port: number;
  user: string;
  password?: string;
  dir: string;
  dataDir: string;
  version: string;
  /** postgres://… URL for a database on this server (default: postgres). */
  url(database?: string): string;
  stop(): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

function runAs(): RunAs {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return {};
  try {
    const uid = Number(execFileSync("id", ["-u", UNPRIVILEGED_USER], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", UNPRIVILEGED_USER], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new OwnitError(
      "postgres-as-root",
      `PostgreSQL refuses to run as root and there is no "${UNPRIVILEGED_USER}" user to run it as`,
      `create one (\`useradd --system ${UNPRIVILEGED_USER}\`) or run ownit as a normal user`,
    );
  }
}

/** Hands a folder tree to the server's user (as root only). */
function chownTree(target: string, who: RunAs): void {
  if (who.uid === undefined) return;
  chownSync(target, who.uid, who.gid!);
  if (statSync(target).isDirectory()) for (const entry of readdirSync(target)) chownTree(path.join(target, entry), who);
}

/** Lets the server's user reach a folder that root created (e.g. under a 0700 mkdtemp). */
function openParents(dir: string, who: RunAs): void {
  if (who.uid === undefined) return;
  let current = path.dirname(path.resolve(dir));
  while (current !== path.dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o011);
    current = path.dirname(current);
  }
}

function run(program: string, args: string[], who: RunAs, what: string, logFile?: string): void {
  const result = spawnSync(program, args, {
    encoding: "utf8",
    uid: who.uid,
    gid: who.gid,
    env: { ...process.env, LC_ALL: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) {
    const log = logFile && existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n").slice(-3).join(" | ") : "";
    const detail = (result.stderr || result.stdout || String(result.error ?? "")).trim().split("\n").slice(-2).join(" | ");
    throw new OwnitError(
      "local-postgres-failed",
      `${what} failed: ${detail || log || `exit ${result.status}`}`,
      log ? `see ${logFile}` : "check the folder's permissions and free disk space",
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function pgCtl(binaries: ServerBinaries, dataDir: string, args: string[], who: RunAs, what: string, logFile?: string): void {
  run(binaries.pgCtl, ["-D", dataDir, ...args], who, what, logFile);
}

/** Initialises the cluster when its folder is new, then starts it and waits until it accepts connections. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  // An existing cluster only starts with binaries of the major version that created it.
  const existingMajor = clusterMajor(options.dir);
  const binaries = options.binaries ?? findServerBinaries(existingMajor ? { major: existingMajor } : {});
  const who = runAs();
  const dir = path.resolve(options.dir);
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const portFile = path.join(dir, "port");
  mkdirSync(dir, { recursive: true });
  openParents(dir, who);
  const user = "postgres";

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    const args = ["-D", dataDir, "-U", user, "-E", "UTF8", "--no-locale", "--no-sync"];
    if (options.password !== undefined) {
      const pwfile = path.join(dir, ".pwfile");
      writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
      chownTree(pwfile, who);
      args.push("--auth=scram-sha-256", `--pwfile=${pwfile}`);
    } else {
      args.push("--auth=trust");
    }
    chownTree(dir, who);
    run(binaries.initdb, args, who, `initdb in ${dataDir}`);
  }
  const port = options.port ?? (existsSync(portFile) ? Number(readFileSync(portFile, "utf8")) : await freePort());
  writeFileSync(portFile, `${port}\n`);
  chownTree(dir, who);

  const settings: Record<string, string | number> = {
    port,
    listen_addresses: "127.0.0.1",
    unix_socket_directories: dir,
    fsync: "off",
    ...options.settings,
  };
  const serverArgs = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${String(v).includes(" ") ? `'${v}'` : v}`)
    .join(" ");
  pgCtl(
    binaries,
    dataDir,
    ["-l", logFile, "-o", serverArgs, "-w", "-t", "60", "start"],
    who,
    `starting PostgreSQL ${binaries.version} on port ${port}`,
    logFile,
  );

  const password = options.password;
  const auth = password !== undefined ? `${user}:${encodeURIComponent(password)}@` : `${user}@`;
  return {
    host: "127.0.0.1",
    port,
    user,
    password,
    dir,
    dataDir,
    version: binaries.version,
    url: (database = "postgres") => `postgres://${auth}127.0.0.1:${port}/${database}`,
    async stop() {
      if (existsSync(path.join(dataDir, "postmaster.pid")))
        pgCtl(binaries, dataDir, ["-m", "fast", "-w", "stop"], who, "stopping PostgreSQL", logFile);
    },
  };
}

/** Whether the cluster in dir is running (its postmaster.pid names a live process). */
export function localServerRunning(dir: string): boolean {
  const pidFile = path.join(path.resolve(dir), "data", "postmaster.pid");
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The major version a cluster folder was initialised with (its data/PG_VERSION), if any. */
export function clusterMajor(dir: string): number | undefined {
  const file = path.join(path.resolve(dir), "data", "PG_VERSION");
  return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : undefined;
}

/**
 * Stops the cluster in dir from any process (not only the one that started it), with binaries of
 * the version that created it. Returns false when it was not running.
 */
export function stopLocalServer(dir: string): boolean {
  if (!localServerRunning(dir)) return false;
  const major = clusterMajor(dir);
  const binaries = findServerBinaries(major ? { major } : {});
  const dataDir = path.join(path.resolve(dir), "data");
  pgCtl(
    binaries,
    dataDir,
    ["-m", "fast", "-w", "stop"],
    runAs(),
    "stopping PostgreSQL",
    path.join(path.resolve(dir), "postgres.log"),
  );
  return true;
}
