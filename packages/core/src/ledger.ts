// The run ledger: every applied command is a run with an id. Before writing, the original bytes
// of every file it touches are kept under .ownit/runs/<id>/; in a git repo the run is also one
// commit between two tags. A run that fails part way puts every file back before it ends. Each
// step is written to the run's journal (atomically) before it is taken, so a run killed anywhere
// can be finished or undone later (journal.ts), and one lock keeps two runs off one project.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic, writeProjectFile } from "./atomic-write";
import type { FileChange } from "./changeset";
import { OwnitError } from "./errors";
import type { Finding } from "./findings";
import { commitPaths, createTag, dirtyPaths, headCommit, isGitRepo, unsafeCommitState } from "./git";
import { sha256 } from "./hash";
import { undoRunChanges } from "./journal";
import { acquireProjectLock, type ProjectLock } from "./lock";
import { killPoint } from "./test-hooks";
import { redactDeep } from "./redact";
import { TOOL_VERSION } from "./version";

export const LEDGER_DIR = ".ownit";
export const RUNS_DIR = `${LEDGER_DIR}/runs`;
export const TAG_PREFIX = "ownit/";

/** "rolling-back": a rollback began and did not end; running rollback again finishes it. */
export type RunStatus = "in-progress" | "applied" | "failed" | "rolled-back" | "rolling-back";

/**
 * A step of a run, recorded before it is taken: start (the before-tag comes next), write-files
 * (originals kept, files about to be written), commit, tag, and for restores restore-load; a
 * rollback adds rollback-database, rollback-files and rollback-git.
 */
export interface JournalEntry {
  step: string;
  at: string;
}

export interface FileRecord {
  path: string;
  before: string | null;
  after: string | null;
  generated: boolean;
}

/** Something a run created outside the file tree (a database restore), with what undoing it needs. */
export interface DatabaseAction {
  kind: string;
  /** Connection string with the password redacted. */
  target: string;
  /** Objects created (schemas, roles, tables) in creation order. */
  objects: string[];
  [key: string]: unknown;
}

export interface RunManifest {
  id: string;
  command: string;
  summary: string;
  toolVersion: string;
  status: RunStatus;
  createdAt: string;
  finishedAt?: string;
  rolledBackAt?: string;
  git?: { beforeTag?: string; tag?: string; beforeCommit?: string; commit?: string };
  files: FileRecord[];
  database: DatabaseAction[];
  records: Record<string, unknown>;
  findings: Finding[];
  error?: string;
  /** The steps taken so far, oldest first (see JournalEntry). */
  journal?: JournalEntry[];
}

export interface StartOptions {
  command: string;
  summary: string;
  allowDirty?: boolean;
  /** The project lock the caller already holds; without one the run takes (and releases) its own. */
  lock?: ProjectLock;
  /** The run commits a merge it started itself (sync-builder), so an in-progress merge is expected. */
  ownMerge?: boolean;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

export function runDir(root: string, id: string): string {
  return path.join(root, RUNS_DIR, id);
}

/** Keeps the ledger out of git without touching the owner's .gitignore. */
export function ensureLedgerDir(root: string): void {
  const dir = path.join(root, LEDGER_DIR);
  mkdirSync(dir, { recursive: true });
  const ignoreFile = path.join(dir, ".gitignore");
  if (!existsSync(ignoreFile)) writeFileAtomic(ignoreFile, "# ownit's run ledger: local state, never committed\n*\n");
}

/** Appends a step to a manifest's journal (the caller saves it). */
export function journalStep(manifest: RunManifest, step: string): void {
  manifest.journal = [...(manifest.journal ?? []), { step, at: new Date().toISOString() }];
}

export class Run {
  readonly root: string;
  readonly manifest: RunManifest;
  private readonly useGit: boolean;
  private readonly lock: ProjectLock;
  private readonly ownsLock: boolean;

  private constructor(root: string, manifest: RunManifest, useGit: boolean, lock: ProjectLock, ownsLock: boolean) {
    this.root = root;
    this.manifest = manifest;
    this.useGit = useGit;
    this.lock = lock;
    this.ownsLock = ownsLock;
  }

  get id(): string {
    return this.manifest.id;
  }

  static start(root: string, options: StartOptions): Run {
    const useGit = isGitRepo(root);
    if (useGit) {
      const unsafe = unsafeCommitState(root, { allowMerge: options.ownMerge });
      if (unsafe)
        throw new OwnitError(
          "git-state-unsafe",
          `${root}: ${unsafe}`,
          "check out a branch (git switch <branch>) and finish or abort the operation (git rebase --abort, git merge --abort), then run again",
        );
    }
    if (useGit && !options.allowDirty) {
      const dirty = dirtyPaths(root);
      if (dirty.length) {
        const shown = dirty.slice(0, 5).join(", ") + (dirty.length > 5 ? ` and ${dirty.length - 5} more` : "");
        throw new OwnitError(
          "dirty-tree",
          `${dirty.length} uncommitted change(s) in ${root}: ${shown}`,
          "commit or stash them first, or pass --allow-dirty",
        );
      }
    }
    ensureLedgerDir(root);
    const lock = options.lock ?? acquireProjectLock(root, options.command);
    try {
      const id = newRunId();
      const manifest: RunManifest = {
        id,
        command: options.command,
        summary: options.summary,
        toolVersion: TOOL_VERSION,
        status: "in-progress",
        createdAt: new Date().toISOString(),
        files: [],
        database: [],
        records: {},
        findings: [],
      };
      const run = new Run(root, manifest, useGit, lock, !options.lock);
      const before = useGit ? headCommit(root) : undefined;
      if (useGit) manifest.git = before ? { beforeTag: `${TAG_PREFIX}${id}-before`, beforeCommit: before } : {};
      mkdirSync(runDir(root, id), { recursive: true });
      // The manifest names the tag before it exists, so a kill in between leaves nothing unknown.
      run.journal("start");
      if (before) createTag(root, `${TAG_PREFIX}${id}-before`, before);
      return run;
    } catch (error) {
      if (!options.lock) lock.release();
      throw error;
    }
  }

  save(): void {
    saveManifest(this.root, this.manifest);
  }

  /** Records a step in the journal (durably) before the caller takes it. */
  journal(step: string): void {
    journalStep(this.manifest, step);
    this.save();
    killPoint(step);
  }

  /** Keeps the originals, records the hashes, then writes every change. */
  writeChanges(changes: FileChange[]): void {
    const originals = path.join(runDir(this.root, this.id), "files");
    // Record everything first, so an interrupted write can still be undone from the manifest.
    for (const change of changes) {
      if (change.before !== null) writeFileAtomic(path.join(originals, change.path), change.before);
      this.manifest.files.push({
        path: change.path,
        before: change.before === null ? null : sha256(change.before),
        after: change.after === null ? null : sha256(change.after),
        generated: change.generated,
      });
    }
    this.journal("write-files");
    for (const change of changes) {
      const abs = path.join(this.root, change.path);
      killPoint("write-file");
      if (change.after === null) {
        if (existsSync(abs)) unlinkSync(abs);
        removeEmptyParents(this.root, path.dirname(abs));
      } else {
        writeProjectFile(abs, change.after);
      }
    }
  }

  recordDatabase(action: DatabaseAction): void {
    this.manifest.database.push(action);
    this.save();
  }

  finish(details: { findings?: Finding[]; records?: Record<string, unknown> } = {}): RunManifest {
    this.manifest.findings = details.findings ?? [];
    this.manifest.records = { ...this.manifest.records, ...(details.records ?? {}) };
    if (this.useGit) {
      const paths = this.manifest.files.map((f) => f.path);
      this.journal("commit");
      const commit = commitPaths(this.root, paths, `ownit: ${this.manifest.summary} (${this.id})\n\nOwnit-Run: ${this.id}\n`);
      const tag = `${TAG_PREFIX}${this.id}`;
      this.manifest.git = { ...this.manifest.git, tag, commit: commit ?? headCommit(this.root) };
      this.journal("tag");
      if (commit) createTag(this.root, tag, commit);
      else if (headCommit(this.root)) createTag(this.root, tag);
    }
    this.manifest.status = "applied";
    this.manifest.finishedAt = new Date().toISOString();
    this.save();
    killPoint("applied");
    if (this.ownsLock) this.lock.release();
    return this.manifest;
  }

  /** Puts back every file written so far (and git as it was) and marks the run failed. */
  abort(error: unknown): void {
    try {
      undoRunChanges(this.root, this.manifest);
      this.manifest.status = "failed";
      this.manifest.error = error instanceof Error ? error.message : String(error);
      this.manifest.finishedAt = new Date().toISOString();
      this.save();
    } finally {
      if (this.ownsLock) this.lock.release();
    }
  }
}

/** Removes folders emptied by a deletion, up to (not including) the root. */
export function removeEmptyParents(root: string, dir: string): void {
  let current = dir;
  const stop = path.resolve(root);
  while (path.resolve(current).startsWith(stop) && path.resolve(current) !== stop) {
    try {
      if (readdirSync(current).length) return;
      rmdirSync(current);
    } catch {
      return;
    }
    current = path.dirname(current);
  }
}

/** A run whose manifest cannot be read: named, with what to do, so it never blocks other runs. */
export interface DamagedRun {
  id: string;
  file: string;
  reason: string;
}

function damagedRunError(root: string, id: string, file: string, reason: string): OwnitError {
  const originals = path.join(runDir(root, id), "files");
  return new OwnitError(
    "run-damaged",
    `the record of run ${id} is damaged (${file}: ${reason})`,
    `the original bytes of the files it touched are in ${originals}; copy back any you need, then move ${runDir(root, id)} out of ${path.join(root, RUNS_DIR)}`,
  );
}

export function readManifest(root: string, id: string): RunManifest {
  const file = path.join(runDir(root, id), "manifest.json");
  if (!existsSync(file))
    throw new OwnitError("run-not-found", `no run ${id} in ${path.join(root, RUNS_DIR)}`, "list runs with `npx ownit runs`");
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as RunManifest;
  } catch (error) {
    throw damagedRunError(root, id, file, readFileSync(file).length ? `not valid JSON (${(error as Error).message})` : "empty");
  }
  if (!manifest || typeof manifest !== "object" || manifest.id !== id || !Array.isArray(manifest.files))
    throw damagedRunError(root, id, file, "not a run manifest");
  manifest.database ??= [];
  return manifest;
}

function runIds(root: string): string[] {
  const dir = path.join(root, RUNS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => existsSync(path.join(dir, id, "manifest.json")));
}

/** Every readable run of a project, newest first (damaged records are left out: see damagedRuns). */
export function listRuns(root: string): RunManifest[] {
  const runs: RunManifest[] = [];
  for (const id of runIds(root)) {
    try {
      runs.push(readManifest(root, id));
    } catch (error) {
      if (!(error instanceof OwnitError && error.code === "run-damaged")) throw error;
    }
  }
  return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** Runs whose manifest cannot be read, each with the reason and the error a command would give. */
export function damagedRuns(root: string): (DamagedRun & { error: OwnitError })[] {
  const out: (DamagedRun & { error: OwnitError })[] = [];
  for (const id of runIds(root)) {
    try {
      readManifest(root, id);
    } catch (error) {
      if (error instanceof OwnitError && error.code === "run-damaged")
        out.push({ id, file: path.join(runDir(root, id), "manifest.json"), reason: error.message, error });
      else throw error;
    }
  }
  return out;
}

export function saveManifest(root: string, manifest: RunManifest): void {
  writeFileAtomic(path.join(runDir(root, manifest.id), "manifest.json"), `${JSON.stringify(redactDeep(manifest), null, 2)}\n`);
}
