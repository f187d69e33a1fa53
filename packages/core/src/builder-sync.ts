// Keeping the builder: the owned app lives on its own branch, and `sync-builder` carries the
// builder's new commits onto it as one run (merge, re-migrate, commit, tag). The builder's branch is
// only ever read. A merge git cannot finish alone is left in git's own conflict state for the owner
// to resolve with their usual tools; `--continue` then finishes the same run.
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  abortMerge,
  branchExists,
  commitEmptyMerge,
  changedBetween,
  changedSinceCommit,
  commitsBetween,
  currentBranch,
  exportTree,
  fileAtCommit,
  filesAtCommit,
  mergeBase,
  mergeHead,
  mergeWithoutCommit,
  resolveAsDeleted,
  unmergedPaths,
  type PathChange,
} from "./branch";
import { matchesGlob, type FileChange } from "./changeset";
import type { BuilderId } from "./detect/types";
import { OwnitError } from "./errors";
import { dirtyPaths, isGitRepo, resolveRef } from "./git";
import { LEDGER_DIR, listRuns, Run, type DatabaseAction, type RunManifest } from "./ledger";
import { acquireProjectLock, type ProjectLock } from "./lock";
import { BASE44, LOCK_FILES } from "./markers";
import type { Plan, Step } from "./plan";

/** The branch `migrate --branch` suggests for the owned app. */
export const DEFAULT_OWNED_BRANCH = "owned";

/** Where a builder pushes when nothing else is known: the repository's default branch. */
export const BUILDER_BRANCH_CANDIDATES = ["main", "master"];

/**
 * Builders whose platform commits to the repository's default branch and reads it back: Lovable
 * and Base44 sync both ways, Bolt pushes its project there. A migration committed on that branch
 * reaches the builder's editor, which needs its own plugins there.
 */
export const BUILDER_SYNCED: ReadonlySet<BuilderId> = new Set(["lovable-vite", "lovable-tanstack", "base44", "bolt"]);

/** Supabase CLI migrations: the builder adds one per schema change. */
export const SUPABASE_MIGRATIONS_GLOB = "supabase/migrations/*.sql";

/** The record key a migrate --branch or sync-builder run keeps its builder facts under. */
export const BUILDER_SYNC_RECORD = "builderSync";

/** Where a sync stopped by a conflict waits for `--continue` (inside the ledger folder, never committed). */
const PENDING_FILE = `${LEDGER_DIR}/sync-builder.json`;

export interface BuilderSyncRecord {
  /** The builder's branch. */
  branch: string;
  /** The builder commit the owned branch now contains (exactly what was merged). */
  commit: string;
  /** The owned branch the run committed on. */
  ownedBranch: string;
  /** The builder commits this run carried over. */
  commits?: string[];
  /** Schema changes the builder made, and whether this run applied them. */
  schemaChanges?: SchemaChange[];
}

export interface SchemaChange {
  kind: "supabase-migration" | "base44-entity";
  status: "A" | "M" | "D";
  path: string;
}

export interface SyncPreview {
  root: string;
  ownedBranch: string;
  builderBranch: string;
  builderCommit: string;
  /** The builder commit the owned branch last took in (where the owned branch started, at first). */
  lastSynced: string;
  /** Builder commits the owned branch does not have yet, oldest first. */
  commits: Array<{ commit: string; subject: string }>;
  /** Files the builder changed since the last sync. */
  changed: PathChange[];
  schemaChanges: SchemaChange[];
}

/** The builder facts a run recorded, if it was a migrate --branch or a sync-builder run. */
export function builderSyncRecord(manifest: RunManifest): BuilderSyncRecord | undefined {
  return manifest.records?.[BUILDER_SYNC_RECORD] as BuilderSyncRecord | undefined;
}

/** The newest applied run on this branch that recorded builder facts. */
export function latestBuilderSync(
  root: string,
  ownedBranch: string | undefined,
): { manifest: RunManifest; record: BuilderSyncRecord } | undefined {
  for (const manifest of listRuns(root)) {
    const record = builderSyncRecord(manifest);
    if (manifest.status === "applied" && record && (!ownedBranch || record.ownedBranch === ownedBranch))
      return { manifest, record };
  }
  return undefined;
}

function requireGit(root: string): void {
  if (!isGitRepo(root))
    throw new OwnitError(
      "not-a-git-repo",
      `${root} is not a git repository`,
      "keeping the builder needs the repository the builder syncs with: clone it, then run ownit there",
    );
}

/** The builder's branch: --from, else the one an earlier run recorded, else main or master. */
export function resolveBuilderBranch(root: string, from?: string): string {
  requireGit(root);
  const owned = currentBranch(root);
  const branch =
    from ?? latestBuilderSync(root, owned)?.record.branch ?? BUILDER_BRANCH_CANDIDATES.find((b) => branchExists(root, b));
  if (!branch)
    throw new OwnitError(
      "builder-branch-unknown",
      `no builder branch found in ${root} (looked for ${BUILDER_BRANCH_CANDIDATES.join(", ")})`,
      "name it with --from <branch>",
    );
  if (!resolveRef(root, branch))
    throw new OwnitError(
      "builder-branch-missing",
      `branch ${branch} does not exist in ${root}`,
      "fetch it (`git fetch origin`) or name another with --from <branch>",
    );
  return branch;
}

/** Where the owned branch stands against the builder's, computed from git alone (nothing written). */
export function previewSync(root: string, from?: string): SyncPreview {
  const builderBranch = resolveBuilderBranch(root, from);
  const ownedBranch = currentBranch(root);
  if (!ownedBranch)
    throw new OwnitError(
      "detached-head",
      `HEAD is detached in ${root}`,
      `check out the owned branch first: git switch ${DEFAULT_OWNED_BRANCH}`,
    );
  if (ownedBranch === builderBranch) {
    throw new OwnitError(
      "on-builder-branch",
      `${ownedBranch} is the builder's branch, and ownit never writes to it`,
      `switch to the owned branch (git switch ${DEFAULT_OWNED_BRANCH}), or create it with \`npx ownit migrate --branch ${DEFAULT_OWNED_BRANCH}\``,
    );
  }
  const builderCommit = resolveRef(root, builderBranch)!;
  // Git's own record is exact: a sync's merge commit has the builder commit as its second parent,
  // so the merge base is the last builder commit taken in (and the fork point before any sync).
  const lastSynced = mergeBase(root, "HEAD", builderCommit);
  if (!lastSynced)
    throw new OwnitError(
      "unrelated-histories",
      `${ownedBranch} and ${builderBranch} share no history in ${root}`,
      `create the owned branch from the builder's: git switch -c ${DEFAULT_OWNED_BRANCH} ${builderBranch}`,
    );
  const commits = commitsBetween(root, "HEAD", builderCommit);
  const changed = commits.length ? changedBetween(root, lastSynced, builderCommit) : [];
  return {
    root,
    ownedBranch,
    builderBranch,
    builderCommit,
    lastSynced,
    commits,
    changed,
    schemaChanges: schemaChangesIn(changed),
  };
}

/** The builder's changes that change the database: Supabase migrations and Base44 entity schemas. */
function schemaChangesIn(changed: PathChange[]): SchemaChange[] {
  const out: SchemaChange[] = [];
  for (const c of changed) {
    if (matchesGlob(SUPABASE_MIGRATIONS_GLOB, c.path)) out.push({ kind: "supabase-migration", status: c.status, path: c.path });
    else if (BASE44.schemaGlobs.some((g) => matchesGlob(g, c.path)))
      out.push({ kind: "base44-entity", status: c.status, path: c.path });
  }
  return out;
}

interface PendingSync {
  builderBranch: string;
  builderCommit: string;
  ownedBranch: string;
  beforeCommit: string;
  lastSynced: string;
  commits: string[];
  startedAt: string;
}

export interface SyncHooks {
  /**
   * Plans every codemod and generated file over the merged tree at root. builderTree is the
   * builder's commit unpacked in a temp folder: its facts say which codemods its code needs.
   */
  plan(root: string, builderTree: string): Promise<Plan>;
  /** Applies the builder's schema changes to the owned database, recording each on the run. */
  applySchemaChanges?(run: Run, changes: SchemaChange[]): Promise<void>;
  /** Undoes a database action recorded before a failure. */
  undoDatabase?(action: DatabaseAction): Promise<void>;
}

export type SyncResult =
  | { status: "up-to-date"; preview: SyncPreview }
  | { status: "conflict"; preview: SyncPreview; conflicts: string[] }
  | { status: "applied"; preview: SyncPreview; manifest: RunManifest; plan: Plan };

function pendingPath(root: string): string {
  return path.join(root, PENDING_FILE);
}

export function pendingSync(root: string): PendingSync | undefined {
  const file = pendingPath(root);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PendingSync) : undefined;
}

function clearPending(root: string): void {
  if (existsSync(pendingPath(root))) unlinkSync(pendingPath(root));
}

/** Merges the builder's new commits and, when git merged them alone, finishes the run. */
export async function syncBuilder(root: string, options: { from?: string }, hooks: SyncHooks): Promise<SyncResult> {
  requireGit(root);
  // Held from before the merge to the run's end: another ownit must not see (or add to) a half-made sync.
  const lock = acquireProjectLock(root, "sync-builder");
  try {
    return await mergeAndFinish(root, options, hooks, lock);
  } finally {
    lock.release();
  }
}

async function mergeAndFinish(
  root: string,
  options: { from?: string },
  hooks: SyncHooks,
  lock: ProjectLock,
): Promise<SyncResult> {
  if (mergeHead(root)) {
    if (pendingSync(root))
      throw new OwnitError(
        "sync-pending",
        `a sync-builder merge in ${root} is waiting for its conflicts to be resolved`,
        "resolve them and `git add` the files, then run `npx ownit sync-builder --continue` (or `git merge --abort` to drop it)",
      );
    throw new OwnitError(
      "merge-in-progress",
      `a git merge is in progress in ${root}`,
      "finish it (`git commit`) or drop it (`git merge --abort`), then sync again",
    );
  }
  clearPending(root);
  const preview = previewSync(root, options.from);
  if (!preview.commits.length) return { status: "up-to-date", preview };
  const dirty = dirtyPaths(root);
  if (dirty.length)
    throw new OwnitError(
      "dirty-tree",
      `${dirty.length} uncommitted change(s) in ${root}: ${dirty.slice(0, 5).join(", ")}`,
      "commit or stash them first: a sync merges into the owned branch",
    );
  const pending: PendingSync = {
    builderBranch: preview.builderBranch,
    builderCommit: preview.builderCommit,
    ownedBranch: preview.ownedBranch,
    beforeCommit: resolveRef(root, "HEAD")!,
    lastSynced: preview.lastSynced,
    commits: preview.commits.map((c) => c.commit),
    startedAt: new Date().toISOString(),
  };
  // Written before the merge, so a sync killed part way is recognised (and --continue can finish it).
  writeFileSync(pendingPath(root), `${JSON.stringify(pending, null, 2)}\n`);
  // The commit is merged by id, so a builder push during the sync changes nothing here.
  const merged = mergeWithoutCommit(root, preview.builderCommit);
  const conflicts = settlePrunedLockFiles(root, pending.beforeCommit, merged.conflicts);
  if (conflicts.length) return { status: "conflict", preview, conflicts };
  return finishSync(root, pending, preview, hooks, lock);
}

/**
 * A lock file the owned branch deleted (`--prune-locks` keeps one) stays deleted when the builder
 * updates it: that conflict is settled without the owner. Returns the conflicts left.
 */
function settlePrunedLockFiles(root: string, beforeCommit: string, conflicts: string[]): string[] {
  return conflicts.filter((rel) => {
    const prunedLock = rel in LOCK_FILES && fileAtCommit(root, beforeCommit, rel) === null;
    if (prunedLock) resolveAsDeleted(root, rel);
    return !prunedLock;
  });
}

/** Finishes a sync whose conflicts the owner resolved (and `git add`ed). */
export async function continueSync(root: string, hooks: SyncHooks): Promise<SyncResult> {
  requireGit(root);
  const lock = acquireProjectLock(root, "sync-builder");
  try {
    return await continueLocked(root, hooks, lock);
  } finally {
    lock.release();
  }
}

async function continueLocked(root: string, hooks: SyncHooks, lock: ProjectLock): Promise<SyncResult> {
  const pending = pendingSync(root);
  if (!pending)
    throw new OwnitError(
      "no-sync-pending",
      `no sync-builder is waiting to continue in ${root}`,
      "start one with `npx ownit sync-builder`",
    );
  if (mergeHead(root) !== pending.builderCommit) {
    clearPending(root);
    throw new OwnitError(
      "sync-merge-gone",
      `the merge of ${pending.builderBranch} that sync-builder started is no longer in progress in ${root}`,
      "it was aborted or committed by hand; run `npx ownit sync-builder` again",
    );
  }
  const left = unmergedPaths(root);
  if (left.length)
    throw new OwnitError(
      "conflicts-unresolved",
      `${left.length} file(s) still in conflict: ${left.join(", ")}`,
      "edit them, `git add` each one, then run `npx ownit sync-builder --continue`",
    );
  const preview = previewSync(root, pending.builderBranch);
  return finishSync(root, pending, preview, hooks, lock);
}

async function finishSync(
  root: string,
  pending: PendingSync,
  preview: SyncPreview,
  hooks: SyncHooks,
  lock: ProjectLock,
): Promise<SyncResult> {
  const builderTree = mkdtempSync(path.join(os.tmpdir(), "ownit-builder-"));
  // The merge waits uncommitted in the tree, so the run starts on a tree we know is ours alone.
  const run = Run.start(root, {
    command: "sync-builder",
    summary: `sync ${pending.commits.length} builder commit(s) from ${pending.builderBranch}`,
    allowDirty: true,
    ownMerge: true,
    lock,
  });
  try {
    exportTree(root, pending.builderCommit, builderTree);
    const plan = await hooks.plan(root, builderTree);
    run.writeChanges(runChanges(root, pending.beforeCommit, plan.changes));
    const schemaChanges = preview.schemaChanges;
    if (hooks.applySchemaChanges && schemaChanges.length) await hooks.applySchemaChanges(run, schemaChanges);
    const record: BuilderSyncRecord = {
      branch: pending.builderBranch,
      commit: pending.builderCommit,
      ownedBranch: pending.ownedBranch,
      commits: pending.commits,
      schemaChanges,
    };
    // Builder commits that cancel out leave nothing to stage; the merge is still committed, so the
    // owned branch contains them and the next sync starts after them.
    if (!run.manifest.files.some((f) => f.before !== f.after))
      commitEmptyMerge(root, `ownit: ${run.manifest.summary} (${run.id})\n\nOwnit-Run: ${run.id}\n`);
    const manifest = run.finish({ findings: plan.findings, records: { ...plan.records, [BUILDER_SYNC_RECORD]: record } });
    clearPending(root);
    return { status: "applied", preview, manifest, plan };
  } catch (error) {
    for (const action of [...run.manifest.database].reverse()) await hooks.undoDatabase?.(action).catch(() => undefined);
    run.abort(error);
    abortMerge(root);
    clearPending(root);
    throw error;
  } finally {
    rmSync(builderTree, { recursive: true, force: true });
  }
}

/**
 * One change per file the run touches, measured from the owned branch before the sync: what the
 * merge brought in, with the codemods' edits on top. Rollback then restores the pre-sync bytes.
 */
export function runChanges(root: string, beforeCommit: string, planned: FileChange[]): FileChange[] {
  const byPath = new Map(planned.map((c) => [c.path, c]));
  const merged = new Set(changedSinceCommit(root, beforeCommit).map((c) => c.path));
  const beforeBytes = filesAtCommit(root, beforeCommit, [...merged]);
  const out: FileChange[] = [];
  for (const rel of [...new Set([...merged, ...byPath.keys()])].sort()) {
    const plannedChange = byPath.get(rel);
    // A file the merge did not touch is as it was before the sync (a gitignored .env.local too).
    const before = merged.has(rel) ? beforeBytes.get(rel)! : plannedChange!.before;
    const abs = path.join(root, rel);
    const after = plannedChange ? plannedChange.after : existsSync(abs) ? readFileSync(abs) : null;
    if (before === null && after === null) continue;
    out.push({
      path: rel,
      before,
      after,
      generated: plannedChange?.generated ?? false,
      steps: plannedChange?.steps ?? ["merge"],
    });
  }
  return out;
}

/**
 * The steps a sync plans: the builder's tree decides which codemods its code needs (its package.json
 * still lists the SDKs the owned one dropped), the merged tree adds any it needs beyond those;
 * generated files (emit steps) come last, as in migrate, so they read what the codemods leave.
 */
export function syncSteps(forBuilderTree: Step[], forMergedTree: Step[], afterCodemods: Step[] = []): Step[] {
  const all = [...forBuilderTree, ...forMergedTree.filter((s) => !forBuilderTree.some((b) => b.id === s.id))];
  const emitsLast = (s: Step) => s.kind === "emit";
  return [...all.filter((s) => !emitsLast(s)), ...afterCodemods, ...all.filter(emitsLast)];
}

/** The command that applies one schema change to the owned database by hand. */
export function schemaApplyCommand(change: SchemaChange): string {
  if (change.kind === "supabase-migration")
    return `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 --single-transaction -f ${change.path}`;
  return `the owned server's schema now has this entity's table and rules: run its CREATE TABLE and policies from ${BASE44_SERVER_SCHEMA} against your database`;
}

/** Where the owned Base44 server keeps the SQL of every entity table (transforms/base44-owned-backend). */
const BASE44_SERVER_SCHEMA = "server/schema.sql";
