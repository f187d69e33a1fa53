// Thin git helpers for the run ledger: clean-tree check, tags, one commit per run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { OwnitError } from "./errors";
import { killPoint } from "./test-hooks";

function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  killPoint("git");
  try {
    // GIT_OPTIONAL_LOCKS=0: a read such as `git status` never takes index.lock, so a second ownit
    // (refused by the project lock a moment later) cannot make the first one's `git add` fail.
    return execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", ...env },
    }).trimEnd();
  } catch (error) {
    // A lock git left behind is the user's to clear (or ours to recover), not a bug.
    const stderr = String((error as { stderr?: string }).stderr ?? "");
    const lock = /Unable to create '([^']+\.lock)': File exists/.exec(stderr);
    if (lock)
      throw new OwnitError(
        "git-locked",
        `git is locked: ${lock[1]} exists`,
        `another git process is running in ${cwd}; if none is, delete ${lock[1]}`,
        { cause: error },
      );
    throw error;
  }
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args);
  } catch {
    return undefined;
  }
}

export function isGitRepo(dir: string): boolean {
  return tryGit(dir, ["rev-parse", "--is-inside-work-tree"]) === "true";
}

export function gitTopLevel(dir: string): string {
  return git(dir, ["rev-parse", "--show-toplevel"]);
}

export function headCommit(dir: string): string | undefined {
  return tryGit(dir, ["rev-parse", "--verify", "-q", "HEAD"]);
}

/** Paths (relative to dir) with uncommitted changes, our own .ownit/ ledger excluded. */
export function dirtyPaths(dir: string): string[] {
  const out = git(dir, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((line) => line.slice(3))
    .filter((p) => !p.split("/").includes(".ownit"));
}

export function tagExists(dir: string, tag: string): boolean {
  return tryGit(dir, ["rev-parse", "--verify", "-q", `refs/tags/${tag}`]) !== undefined;
}

export function createTag(dir: string, tag: string, commit = "HEAD"): void {
  git(dir, ["tag", tag, commit]);
}

export function deleteTag(dir: string, tag: string): void {
  tryGit(dir, ["tag", "-d", tag]);
}

export function resolveRef(dir: string, ref: string): string | undefined {
  return tryGit(dir, ["rev-parse", "--verify", "-q", `${ref}^{commit}`]);
}

/** An identity for ownit's commits when the user has none configured (fresh CI machines). */
export function identityEnv(dir: string): NodeJS.ProcessEnv {
  const email = tryGit(dir, ["config", "user.email"]);
  const name = tryGit(dir, ["config", "user.name"]);
  if (email && name) return {};
  return {
    GIT_AUTHOR_NAME: name || "ownit",
    GIT_AUTHOR_EMAIL: email || "ownit@localhost",
    GIT_COMMITTER_NAME: name || "ownit",
    GIT_COMMITTER_EMAIL: email || "ownit@localhost",
  };
}

/** Stages exactly these paths (added, changed or deleted) and commits them; returns the new commit. */
export function commitPaths(dir: string, paths: string[], message: string): string | undefined {
  // A file the owner's .gitignore keeps out (a .env.local holding keys) is written but never committed.
  const ignored = new Set(ignoredPaths(dir, paths));
  const toStage = paths.filter((p) => !ignored.has(p));
  if (toStage.length) {
    // --ignore-removal is not wanted: deletions must be staged too.
    for (let i = 0; i < toStage.length; i += 200) git(dir, ["add", "-A", "--", ...toStage.slice(i, i + 200)]);
  }
  const staged = tryGit(dir, ["diff", "--cached", "--name-only"]);
  if (!staged) return undefined;
  try {
    git(dir, ["commit", "-q", "--no-verify", "-m", message], identityEnv(dir));
  } catch (error) {
    throw new OwnitError("git-commit-failed", `git commit failed in ${dir}`, "check `git status`; the run was rolled back", {
      cause: error,
    });
  }
  return headCommit(dir);
}

/** The paths .gitignore excludes (tracked files never count as ignored). */
function ignoredPaths(dir: string, paths: string[]): string[] {
  if (!paths.length) return [];
  try {
    const out = execFileSync("git", ["check-ignore", "-z", "--stdin"], {
      cwd: dir,
      input: paths.join("\0"),
      encoding: "utf8",
      stdio: ["pipe", "pipe", "ignore"],
    });
    return out.split("\0").filter(Boolean);
  } catch {
    // exit code 1: none of them is ignored
    return [];
  }
}

/** Moves HEAD (and the index) back to a commit without touching the working tree. */
export function resetMixed(dir: string, commit: string): void {
  git(dir, ["reset", "-q", "--mixed", commit]);
}

/** Puts the index entries of these paths back to HEAD's (or drops them when HEAD has none). */
export function resetPaths(dir: string, paths: string[]): void {
  const hasHead = headCommit(dir) !== undefined;
  for (let i = 0; i < paths.length; i += 200) {
    const chunk = paths.slice(i, i + 200);
    if (hasHead) tryGit(dir, ["reset", "-q", "--", ...chunk]);
    else tryGit(dir, ["rm", "-q", "--cached", "--ignore-unmatch", "--", ...chunk]);
  }
}

/** Moves HEAD back to a commit, leaving the index and the working tree alone. */
export function resetSoft(dir: string, commit: string): void {
  git(dir, ["reset", "-q", "--soft", commit]);
}

/** The full message of a commit. */
export function commitMessage(dir: string, commit: string): string | undefined {
  return tryGit(dir, ["log", "-1", "--format=%B", commit]);
}

/** A path inside the repository's .git folder (worktrees and GIT_DIR respected). */
export function gitPath(dir: string, name: string): string {
  return path.resolve(dir, git(dir, ["rev-parse", "--git-path", name]));
}

/** Why a commit here would land somewhere no branch sees, or inside someone else's operation; undefined when it is safe. */
export function unsafeCommitState(dir: string, options: { allowMerge?: boolean } = {}): string | undefined {
  const operations: [string, string][] = [
    ["rebase-merge", "a rebase is in progress"],
    ["rebase-apply", "a rebase (or git am) is in progress"],
    ["MERGE_HEAD", "a merge is in progress"],
    ["CHERRY_PICK_HEAD", "a cherry-pick is in progress"],
    ["REVERT_HEAD", "a revert is in progress"],
  ];
  for (const [name, why] of operations) {
    if (name === "MERGE_HEAD" && options.allowMerge) continue;
    if (existsSync(gitPath(dir, name))) return `${why}: a commit would become part of it`;
  }
  // Checked after the operations: a rebase detaches HEAD too, and is the better reason to give.
  if (headCommit(dir) && tryGit(dir, ["symbolic-ref", "-q", "HEAD"]) === undefined)
    return "HEAD is detached: a commit would sit on no branch";
  return undefined;
}

/** Files (relative to the repo top level) tracked at a commit. */
export function isTracked(dir: string, rel: string): boolean {
  return tryGit(dir, ["ls-files", "--error-unmatch", "--", rel]) !== undefined;
}
