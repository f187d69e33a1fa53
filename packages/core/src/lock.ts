// One lock per project: .ownit/lock holds the pid and command of the ownit process working on it,
// created exclusively, so a second run refuses with one line instead of racing the first. A lock
// whose process is gone (killed) is stale and taken over.
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { OwnitError } from "./errors";
import { processAlive } from "./exit-cleanup";
import { ensureLedgerDir, LEDGER_DIR } from "./ledger";

/** The lock file, inside the ledger folder. */
export function lockFile(root: string): string {
  return path.join(root, LEDGER_DIR, "lock");
}

export interface LockHolder {
  pid: number;
  command: string;
  startedAt: string;
  host: string;
}

export interface ProjectLock {
  readonly file: string;
  release(): void;
}

/** Who holds the project's lock, or undefined when it is free; `live` is false for a stale lock. */
export function lockHolder(root: string): (LockHolder & { live: boolean }) | undefined {
  const file = lockFile(root);
  if (!existsSync(file)) return undefined;
  let holder: LockHolder | undefined;
  try {
    holder = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
  } catch {
    // Killed between creating the file and writing it: nobody can be holding it.
    return { pid: 0, command: "unknown", startedAt: "", host: hostname(), live: false };
  }
  // A lock from another machine (a shared folder) cannot be checked: treat it as held.
  const live = holder.host !== hostname() || processAlive(holder.pid);
  return { ...holder, live };
}

/** Takes the project's lock for command, or refuses naming who holds it. */
export function acquireProjectLock(root: string, command: string): ProjectLock {
  const file = lockFile(root);
  // The ledger folder ignores itself in git before anything is put in it.
  ensureLedgerDir(root);
  for (let attempt = 0; attempt < 2; attempt++) {
    const holder: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString(), host: hostname() };
    // Written whole beside the lock, then linked into place (link refuses an existing name): a lock
    // file another process sees always names its holder, never an empty file read as stale.
    const draft = `${file}.${process.pid}`;
    writeFileSync(draft, `${JSON.stringify(holder)}\n`, { mode: 0o644 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const held = lockHolder(root);
      if (held?.live) {
        throw new OwnitError(
          "project-locked",
          `another ownit ${held.command} (pid ${held.pid}, since ${held.startedAt}) is working on ${root}`,
          `wait for it to finish; if no ownit is running, delete ${file}`,
        );
      }
      rmSync(file, { force: true });
      continue;
    } finally {
      rmSync(draft, { force: true });
    }
    let released = false;
    return {
      file,
      release() {
        if (released) return;
        released = true;
        // Only our own lock is removed (a stale-lock takeover by another process keeps theirs).
        const now = lockHolder(root);
        if (now && now.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new OwnitError("project-locked", `cannot take ${file}`, `if no ownit is running, delete ${file}`);
}

/** Runs fn holding the project's lock. */
export async function withProjectLock<T>(root: string, command: string, fn: (lock: ProjectLock) => Promise<T> | T): Promise<T> {
  const lock = acquireProjectLock(root, command);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}
