// The write layer: ledger files replaced atomically (temp file, fsync, rename, fsync of the
// folder), so a kill or a full disk leaves the old bytes or the new ones, never a torn file; and
// project files written in place (keeping their inode and mode), through the same fault hook.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { injectedWriteFault } from "./test-hooks";

function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Replaces file with data so that readers (and a crash) see the old bytes or the new, nothing between. */
export function writeFileAtomic(file: string, data: string | Buffer, options: { mode?: number } = {}): void {
  const fault = injectedWriteFault(file);
  if (fault) throw fault;
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  try {
    const fd = openSync(temp, "w", options.mode ?? 0o644);
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(file));
}

/** Makes a rename in dir durable; some file systems refuse to open folders, which is harmless here. */
function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/** Writes one of the owner's files in place (the journal keeps its original, so a torn write is undone). */
export function writeProjectFile(file: string, data: Buffer): void {
  const fault = injectedWriteFault(file);
  if (fault) throw fault;
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, "w");
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}
