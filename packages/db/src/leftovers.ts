// What a dump keeps on disk only while it runs (the pg_dump password file, the `<out>.partial-*`
// folder being filled): named with the owning pid, removed on every exit the process can catch,
// and swept by the next dump when a SIGKILL left them behind.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processAlive, registerExitCleanup } from "@ownit/core";

export const PGDUMP_TEMP_PREFIX = "ownit-pgdump-";
export const PARTIAL_SUFFIX = ".partial-";

/** The pid a leftover's name carries (`<prefix><pid>-<random>`), or undefined for an older name. */
function ownerPid(rest: string): number | undefined {
  const match = /^(\d+)-/.exec(rest);
  return match ? Number(match[1]) : undefined;
}

/** Removes the entries of dir starting with prefix whose owner is gone (or, with sweepUnowned, that name no owner). */
function sweep(dir: string, prefix: string, sweepUnowned: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = ownerPid(name.slice(prefix.length));
    if (pid === undefined ? !sweepUnowned : pid === process.pid || processAlive(pid)) continue;
    rmSync(path.join(dir, name), { recursive: true, force: true });
    removed.push(path.join(dir, name));
  }
  return removed;
}

/** A private temp folder for pg_dump's passfile, removed by the returned function (and on any catchable exit). */
export function pgDumpTempDir(): { dir: string; remove: () => void } {
  // Password files of dumps that were killed are removed before a new one is written.
  sweep(os.tmpdir(), PGDUMP_TEMP_PREFIX, false);
  const dir = mkdtempSync(path.join(os.tmpdir(), `${PGDUMP_TEMP_PREFIX}${process.pid}-`));
  const { remove } = removedOnExit(dir);
  return { dir, remove };
}

/** Removes dir on any catchable exit; `remove` does it now, `keep` forgets it (the folder stays). */
function removedOnExit(dir: string): { remove: () => void; keep: () => void } {
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  const unregister = registerExitCleanup(removeNow);
  return {
    remove: () => {
      unregister();
      removeNow();
    },
    keep: () => void unregister(),
  };
}

/**
 * The folder an export is built in beside outDir: 0700 and git-ignored from its first moment, removed
 * on any catchable exit; partial folders of killed dumps to the same destination are swept first.
 */
export function partialExportDir(outDir: string, suffix: string): { dir: string; remove: () => void; keep: () => void } {
  // Old partial folders (also those of ownit versions that named no pid) hold user data: never kept.
  sweep(path.dirname(outDir), `${path.basename(outDir)}${PARTIAL_SUFFIX}`, true);
  const dir = `${outDir}${PARTIAL_SUFFIX}${process.pid}-${suffix}`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(dir, ".gitignore"),
    "# ownit export being written: user data and password hashes, never committed\n*\n",
  );
  return { dir, ...removedOnExit(dir) };
}
