// Rolling a run back: every file restored byte for byte, generated files removed, database
// objects dropped through the handler the caller supplies. Refuses when files were edited since.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { OwnitError } from "./errors";
import { commitPaths, deleteTag, headCommit, isGitRepo, resetMixed } from "./git";
import { sha256 } from "./hash";
import { removeStaleIndexLock, restoreRecordedFiles, undoRunChanges } from "./journal";
import { journalStep, listRuns, readManifest, saveManifest, TAG_PREFIX, type DatabaseAction, type RunManifest } from "./ledger";
import { acquireProjectLock, type ProjectLock } from "./lock";
import { killPoint } from "./test-hooks";

export interface RollbackOptions {
  force?: boolean;
  /** Undoes one database action (drops what a restore created). Required when the run has any. */
  undoDatabase?: (action: DatabaseAction) => Promise<void>;
  /** The project lock the caller holds; without one rollback takes its own. */
  lock?: ProjectLock;
}

/** The newest run that can be undone: applied, or interrupted mid-write. */
export function latestAppliedRun(root: string): RunManifest {
  const run = listRuns(root).find((r) => r.status === "applied" || r.status === "in-progress" || r.status === "rolling-back");
  if (!run)
    throw new OwnitError("no-runs", `no applied ownit run in ${root}`, "nothing to roll back; `npx ownit runs` lists past runs");
  return run;
}

/** Files whose current bytes are not what the run left. */
export function editedSince(root: string, manifest: RunManifest): string[] {
  return manifest.files
    .filter((f) => {
      const abs = path.join(root, f.path);
      const now = existsSync(abs) ? sha256(readFileSync(abs)) : null;
      return now !== f.after;
    })
    .map((f) => f.path);
}

export async function rollbackRun(root: string, id: string | undefined, options: RollbackOptions = {}): Promise<RunManifest> {
  const lock = options.lock ?? acquireProjectLock(root, "rollback");
  try {
    return await rollbackLocked(root, id, options);
  } finally {
    if (!options.lock) lock.release();
  }
}

async function rollbackLocked(root: string, id: string | undefined, options: RollbackOptions): Promise<RunManifest> {
  const manifest = id ? readManifest(root, id) : latestAppliedRun(root);
  if (manifest.status === "rolled-back")
    throw new OwnitError(
      "already-rolled-back",
      `run ${manifest.id} was already rolled back at ${manifest.rolledBackAt}`,
      "`npx ownit runs` lists runs that can still be rolled back",
    );
  if (manifest.status === "failed")
    throw new OwnitError("run-not-applied", `run ${manifest.id} failed and already put its files back`, "nothing to roll back");
  // An in-progress run was interrupted (killed mid-write): its files are in any state between
  // before and after, so every recorded file is put back regardless of its current bytes. A
  // rolling-back one was itself interrupted: its steps are taken again (each is idempotent).
  const interrupted = manifest.status === "in-progress";
  const resuming = manifest.status === "rolling-back";

  const edited = interrupted || resuming ? [] : editedSince(root, manifest);
  if (edited.length && !options.force) {
    const shown = edited.slice(0, 8).join(", ") + (edited.length > 8 ? ` and ${edited.length - 8} more` : "");
    throw new OwnitError(
      "edited-since-run",
      `${edited.length} file(s) changed since run ${manifest.id}: ${shown}`,
      "roll back later runs first, or pass --force to discard those edits",
    );
  }
  if (manifest.database.length && !options.undoDatabase)
    throw new OwnitError(
      "database-undo-unavailable",
      `run ${manifest.id} restored a database and no handler can undo it`,
      "run the rollback through the ownit CLI",
    );

  // A git killed with the interrupted rollback left its lock: judged by the journal as it was left.
  if (resuming || interrupted) removeStaleIndexLock(root, manifest);
  const step = (name: string) => {
    journalStep(manifest, name);
    saveManifest(root, manifest);
    killPoint(name);
  };
  if (!interrupted) manifest.status = "rolling-back";
  step("rollback-database");
  for (const action of [...manifest.database].reverse()) await options.undoDatabase!(action);

  if (interrupted) {
    undoRunChanges(root, manifest);
  } else {
    step("rollback-files");
    restoreRecordedFiles(root, manifest);
    if (isGitRepo(root) && manifest.git?.commit) {
      step("rollback-git");
      const head = headCommit(root);
      if (head === manifest.git.commit && manifest.git.beforeCommit) {
        // Nothing was committed on top: step HEAD back so history reads as if the run never happened.
        resetMixed(root, manifest.git.beforeCommit);
      } else if (head !== manifest.git.beforeCommit || !resuming) {
        commitPaths(
          root,
          manifest.files.map((f) => f.path),
          `ownit: rollback ${manifest.id}\n\nOwnit-Run: ${manifest.id}\n`,
        );
      }
    }
  }
  // The tags go with the run: git's tags are as they were before it.
  if (isGitRepo(root) && manifest.git) {
    deleteTag(root, `${TAG_PREFIX}${manifest.id}`);
    if (manifest.git.beforeTag) deleteTag(root, manifest.git.beforeTag);
  }

  manifest.status = "rolled-back";
  manifest.rolledBackAt = new Date().toISOString();
  saveManifest(root, manifest);
  return manifest;
}
