// Rolling a run back: every file restored byte for byte, generated files removed, database
// objects dropped through the handler the caller supplies. Refuses when files were edited since.
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { OwnitError } from "./errors";
import * as git from "./git";
import { commitPaths, headCommit, isGitRepo, resetMixed } from "./git";
import { sha256 } from "./hash";
import { listRuns, readManifest, removeEmptyParents, runDir, saveManifest, type DatabaseAction, type RunManifest } from "./ledger";

export interface RollbackOptions {
  force?: boolean;
  /** Undoes one database action (drops what a restore created). Required when the run has any. */
  undoDatabase?: (action: DatabaseAction) => Promise<void>;
}

/** The newest run that can be undone: applied, or interrupted mid-write. */
export function latestAppliedRun(root: string): RunManifest {
  const run = listRuns(root).find((r) => r.status === "applied" || r.status === "in-progress");
  if (!run) throw new OwnitError("no-runs", `no applied ownit run in ${root}`, "nothing to roll back; `npx ownit runs` lists past runs");
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
  const manifest = id ? readManifest(root, id) : latestAppliedRun(root);
  if (manifest.status === "rolled-back") throw new OwnitError("already-rolled-back", `run ${manifest.id} was already rolled back at ${manifest.rolledBackAt}`, "`npx ownit runs` lists runs that can still be rolled back");
  if (manifest.status === "failed") throw new OwnitError("run-not-applied", `run ${manifest.id} failed and already put its files back`, "nothing to roll back");
  // An in-progress run was interrupted (killed mid-write): its files are in any state between
  // before and after, so every recorded file is put back regardless of its current bytes.
  const interrupted = manifest.status === "in-progress";

  const edited = interrupted ? [] : editedSince(root, manifest);
  if (edited.length && !options.force) {
    const shown = edited.slice(0, 8).join(", ") + (edited.length > 8 ? ` and ${edited.length - 8} more` : "");
    throw new OwnitError("edited-since-run", `${edited.length} file(s) changed since run ${manifest.id}: ${shown}`, "roll back later runs first, or pass --force to discard those edits");
  }

  if (manifest.database.length) {
    if (!options.undoDatabase) throw new OwnitError("database-undo-unavailable", `run ${manifest.id} restored a database and no handler can undo it`, "run the rollback through the ownit CLI");
    for (const action of [...manifest.database].reverse()) await options.undoDatabase(action);
  }

  const originals = path.join(runDir(root, manifest.id), "files");
  for (const file of manifest.files) {
    const abs = path.join(root, file.path);
    if (file.before === null) {
      if (existsSync(abs)) unlinkSync(abs);
      removeEmptyParents(root, path.dirname(abs));
    } else {
      const bytes = readFileSync(path.join(originals, file.path));
      if (sha256(bytes) !== file.before) throw new OwnitError("ledger-corrupt", `the saved copy of ${file.path} in ${originals} does not match its recorded hash`, "restore it from git tag " + (manifest.git?.beforeTag ?? "(none)"));
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, bytes);
    }
  }

  if (interrupted && manifest.git?.beforeTag) git.deleteTag(root, manifest.git.beforeTag);
  if (isGitRepo(root) && manifest.git?.commit) {
    const head = headCommit(root);
    if (head === manifest.git.commit && manifest.git.beforeCommit) {
      // Nothing was committed on top: step HEAD back so history reads as if the run never happened.
      resetMixed(root, manifest.git.beforeCommit);
    } else {
      commitPaths(root, manifest.files.map((f) => f.path), `ownit: rollback ${manifest.id}\n\nOwnit-Run: ${manifest.id}\n`);
    }
  }

  manifest.status = "rolled-back";
  manifest.rolledBackAt = new Date().toISOString();
  saveManifest(root, manifest);
  return manifest;
}
