// The run ledger: every applied command is a run with an id. Before writing, the original bytes
// of every file it touches are kept under .ownit/runs/<id>/; in a git repo the run is also one
// commit between two tags. A run that fails part way puts every file back before it ends.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileChange } from "./changeset";
import { OwnitError } from "./errors";
import type { Finding } from "./findings";
import { commitPaths, createTag, deleteTag, dirtyPaths, headCommit, isGitRepo } from "./git";
import { sha256 } from "./hash";
import { redactDeep } from "./redact";
import { TOOL_VERSION } from "./version";

export const LEDGER_DIR = ".ownit";
export const RUNS_DIR = `${LEDGER_DIR}/runs`;
export const TAG_PREFIX = "ownit/";

export type RunStatus = "in-progress" | "applied" | "failed" | "rolled-back";

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
}

export interface StartOptions {
  command: string;
  summary: string;
  allowDirty?: boolean;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

export function runDir(root: string, id: string): string {
  return path.join(root, RUNS_DIR, id);
}

/** Keeps the ledger out of git without touching the owner's .gitignore. */
function ensureLedgerDir(root: string): void {
  const dir = path.join(root, LEDGER_DIR);
  mkdirSync(dir, { recursive: true });
  const ignoreFile = path.join(dir, ".gitignore");
  if (!existsSync(ignoreFile)) writeFileSync(ignoreFile, "# ownit's run ledger: local state, never committed\n*\n");
}

export class Run {
  readonly root: string;
  readonly manifest: RunManifest;
  private readonly useGit: boolean;
  private written: FileChange[] = [];

  private constructor(root: string, manifest: RunManifest, useGit: boolean) {
    this.root = root;
    this.manifest = manifest;
    this.useGit = useGit;
  }

  get id(): string {
    return this.manifest.id;
  }

  static start(root: string, options: StartOptions): Run {
    const useGit = isGitRepo(root);
    if (useGit && !options.allowDirty) {
      const dirty = dirtyPaths(root);
      if (dirty.length) {
        const shown = dirty.slice(0, 5).join(", ") + (dirty.length > 5 ? ` and ${dirty.length - 5} more` : "");
        throw new OwnitError("dirty-tree", `${dirty.length} uncommitted change(s) in ${root}: ${shown}`, "commit or stash them first, or pass --allow-dirty");
      }
    }
    ensureLedgerDir(root);
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
    const run = new Run(root, manifest, useGit);
    if (useGit) {
      const before = headCommit(root);
      manifest.git = {};
      if (before) {
        createTag(root, `${TAG_PREFIX}${id}-before`, before);
        manifest.git = { beforeTag: `${TAG_PREFIX}${id}-before`, beforeCommit: before };
      }
    }
    mkdirSync(runDir(root, id), { recursive: true });
    run.save();
    return run;
  }

  save(): void {
    writeFileSync(path.join(runDir(this.root, this.id), "manifest.json"), `${JSON.stringify(redactDeep(this.manifest), null, 2)}\n`);
  }

  /** Keeps the originals, records the hashes, then writes every change. */
  writeChanges(changes: FileChange[]): void {
    const originals = path.join(runDir(this.root, this.id), "files");
    // Record everything first, so an interrupted write can still be undone from the manifest.
    for (const change of changes) {
      if (change.before !== null) {
        const keep = path.join(originals, change.path);
        mkdirSync(path.dirname(keep), { recursive: true });
        writeFileSync(keep, change.before);
      }
      this.manifest.files.push({
        path: change.path,
        before: change.before === null ? null : sha256(change.before),
        after: change.after === null ? null : sha256(change.after),
        generated: change.generated,
      });
    }
    this.save();
    for (const change of changes) {
      const abs = path.join(this.root, change.path);
      this.written.push(change);
      if (change.after === null) {
        if (existsSync(abs)) unlinkSync(abs);
        removeEmptyParents(this.root, path.dirname(abs));
      } else {
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, change.after);
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
      const commit = commitPaths(this.root, paths, `ownit: ${this.manifest.summary} (${this.id})\n\nOwnit-Run: ${this.id}\n`);
      const tag = `${TAG_PREFIX}${this.id}`;
      if (commit) createTag(this.root, tag, commit);
      else if (headCommit(this.root)) createTag(this.root, tag);
      this.manifest.git = { ...this.manifest.git, tag, commit: commit ?? headCommit(this.root) };
    }
    this.manifest.status = "applied";
    this.manifest.finishedAt = new Date().toISOString();
    this.save();
    return this.manifest;
  }

  /** Puts back every file written so far and marks the run failed. */
  abort(error: unknown): void {
    const originals = path.join(runDir(this.root, this.id), "files");
    for (const change of [...this.written].reverse()) {
      const abs = path.join(this.root, change.path);
      if (change.before === null) {
        if (existsSync(abs)) unlinkSync(abs);
        removeEmptyParents(this.root, path.dirname(abs));
      } else {
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, readFileSync(path.join(originals, change.path)));
      }
    }
    this.written = [];
    if (this.useGit && this.manifest.git?.beforeTag) deleteTag(this.root, this.manifest.git.beforeTag);
    this.manifest.status = "failed";
    this.manifest.error = error instanceof Error ? error.message : String(error);
    this.manifest.finishedAt = new Date().toISOString();
    this.save();
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

export function readManifest(root: string, id: string): RunManifest {
  const file = path.join(runDir(root, id), "manifest.json");
  if (!existsSync(file)) throw new OwnitError("run-not-found", `no run ${id} in ${path.join(root, RUNS_DIR)}`, "list runs with `npx ownit runs`");
  return JSON.parse(readFileSync(file, "utf8")) as RunManifest;
}

/** Every run of a project, newest first. */
export function listRuns(root: string): RunManifest[] {
  const dir = path.join(root, RUNS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(path.join(dir, id, "manifest.json")))
    .map((id) => readManifest(root, id))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

export function saveManifest(root: string, manifest: RunManifest): void {
  writeFileSync(path.join(runDir(root, manifest.id), "manifest.json"), `${JSON.stringify(redactDeep(manifest), null, 2)}\n`);
}
