// Undoing a run from its journal: whatever step it reached (killed, or failed), every file it
// recorded goes back to its original bytes, the index entries it staged are reset, a commit of its
// own is stepped off HEAD, its tags are deleted, and a .git/index.lock its killed git left is removed.
import { existsSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeProjectFile } from "./atomic-write";
import { OwnitError } from "./errors";
import { commitMessage, deleteTag, gitPath, headCommit, isGitRepo, resetPaths, resetSoft } from "./git";
import { sha256 } from "./hash";
import { removeEmptyParents, runDir, TAG_PREFIX, type RunManifest } from "./ledger";

/** Steps after which git may have been running on the project's index when the process died. */
export const GIT_STEPS = ["commit", "tag", "rollback-git"];

/** The last step a run's journal records. */
export function lastStep(manifest: RunManifest): { step: string; at: string } | undefined {
  return manifest.journal?.at(-1);
}

/** Whether the run's commit is HEAD (it got as far as `git commit`). */
export function runCommitIsHead(root: string, manifest: RunManifest): boolean {
  const head = headCommit(root);
  if (!head || head === manifest.git?.beforeCommit) return false;
  return (commitMessage(root, head) ?? "").includes(`Ownit-Run: ${manifest.id}`);
}

/**
 * Removes .git/index.lock when the journal shows git was working when the run died and the lock is
 * no older than that step: the lock is the killed git's, not another live git's.
 */
export function removeStaleIndexLock(root: string, manifest: RunManifest): boolean {
  const step = lastStep(manifest);
  if (!step || !GIT_STEPS.includes(step.step) || !isGitRepo(root)) return false;
  const lock = gitPath(root, "index.lock");
  if (!existsSync(lock)) return false;
  if (statSync(lock).mtimeMs < Date.parse(step.at) - 2000) return false;
  rmSync(lock, { force: true });
  return true;
}

/** Puts every file the run recorded back to its original bytes (files already right are left alone). */
export function restoreRecordedFiles(root: string, manifest: RunManifest): void {
  const originals = path.join(runDir(root, manifest.id), "files");
  for (const file of manifest.files) {
    const abs = path.join(root, file.path);
    const now = existsSync(abs) ? sha256(readFileSync(abs)) : null;
    if (now === file.before) continue;
    if (file.before === null) {
      unlinkSync(abs);
      removeEmptyParents(root, path.dirname(abs));
      continue;
    }
    const saved = path.join(originals, file.path);
    const bytes = existsSync(saved) ? readFileSync(saved) : undefined;
    if (!bytes || sha256(bytes) !== file.before) {
      throw new OwnitError(
        "ledger-corrupt",
        `the saved copy of ${file.path} in ${originals} does not match its recorded hash`,
        "restore it from git tag " + (manifest.git?.beforeTag ?? "(none)"),
      );
    }
    writeProjectFile(abs, bytes);
  }
}

/** Undoes whatever part of a migrate-like run happened: files, index, HEAD, tags. */
export function undoRunChanges(root: string, manifest: RunManifest): void {
  removeStaleIndexLock(root, manifest);
  restoreRecordedFiles(root, manifest);
  if (!manifest.git || !isGitRepo(root)) return;
  const reached = new Set((manifest.journal ?? []).map((e) => e.step));
  if (reached.has("commit") && manifest.git.beforeCommit && runCommitIsHead(root, manifest))
    resetSoft(root, manifest.git.beforeCommit);
  if (reached.has("commit"))
    resetPaths(
      root,
      manifest.files.map((f) => f.path),
    );
  deleteTag(root, `${TAG_PREFIX}${manifest.id}`);
  if (manifest.git.beforeTag) deleteTag(root, manifest.git.beforeTag);
}
