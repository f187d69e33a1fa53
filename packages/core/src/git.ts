// Thin git helpers for the run ledger: clean-tree check, tags, one commit per run.
import { execFileSync } from "node:child_process";
import { OwnitError } from "./errors";

function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } }).trimEnd();
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
    throw new OwnitError("git-commit-failed", `git commit failed in ${dir}`, "check `git status`; the run was rolled back", { cause: error });
  }
  return headCommit(dir);
}

/** The paths .gitignore excludes (tracked files never count as ignored). */
function ignoredPaths(dir: string, paths: string[]): string[] {
  if (!paths.length) return [];
  try {
    const out = execFileSync("git", ["check-ignore", "-z", "--stdin"], { cwd: dir, input: paths.join("\0"), encoding: "utf8", stdio: ["pipe", "pipe", "ignore"] });
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

/** Files (relative to the repo top level) tracked at a commit. */
export function isTracked(dir: string, rel: string): boolean {
  return tryGit(dir, ["ls-files", "--error-unmatch", "--", rel]) !== undefined;
}
