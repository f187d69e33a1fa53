// Git plumbing for keeping an owned branch beside the builder's: which branch is checked out,
// what the builder committed since a commit, a merge that stops before committing, and file bytes
// at a commit. Paths are relative to the folder given (the project root), as the ledger's are.
import { execFileSync, spawnSync } from "node:child_process";
import { OwnitError } from "./errors";
import { identityEnv } from "./git";

function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  }).trimEnd();
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args);
  } catch {
    return undefined;
  }
}

/** The checked-out branch's short name, or undefined on a detached HEAD. */
export function currentBranch(dir: string): string | undefined {
  return tryGit(dir, ["symbolic-ref", "-q", "--short", "HEAD"]) || undefined;
}

export function branchExists(dir: string, branch: string): boolean {
  return tryGit(dir, ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]) !== undefined;
}

/** Creates `branch` at HEAD and checks it out; the branch HEAD was on keeps its ref untouched. */
export function createAndSwitchBranch(dir: string, branch: string): void {
  try {
    git(dir, ["switch", "-q", "-c", branch]);
  } catch (error) {
    throw new OwnitError(
      "branch-create-failed",
      `could not create branch ${branch} in ${dir}`,
      "check the name with `git check-ref-format --branch <name>`",
      { cause: error },
    );
  }
}

export function switchBranch(dir: string, branch: string): void {
  try {
    git(dir, ["switch", "-q", branch]);
  } catch (error) {
    throw new OwnitError(
      "branch-switch-failed",
      `could not switch to branch ${branch} in ${dir}`,
      "commit or stash your changes, then try again",
      { cause: error },
    );
  }
}

/** The tree id of a commit: equal trees mean byte-identical files. */
export function treeOf(dir: string, ref: string): string {
  return git(dir, ["rev-parse", `${ref}^{tree}`]);
}

export function mergeBase(dir: string, a: string, b: string): string | undefined {
  return tryGit(dir, ["merge-base", a, b]);
}

/** Commits reachable from `tip` but not from `base`, oldest first. */
export function commitsBetween(dir: string, base: string, tip: string): Array<{ commit: string; subject: string }> {
  const out = git(dir, ["log", "--reverse", "--format=%H%x09%s", `${base}..${tip}`]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [commit, ...subject] = line.split("\t");
      return { commit: commit!, subject: subject.join("\t") };
    });
}

export interface PathChange {
  /** A added, M modified, D deleted (renames are split into D and A). */
  status: "A" | "M" | "D";
  path: string;
}

/** Files under dir that differ between two commits. */
export function changedBetween(dir: string, from: string, to: string): PathChange[] {
  const out = git(dir, ["diff", "--name-status", "--no-renames", "--relative", "-z", from, to, "--", "."]);
  return parseNameStatus(out);
}

/** Files under dir whose working-tree bytes differ from a commit (tracked and staged ones). */
export function changedSinceCommit(dir: string, from: string): PathChange[] {
  const out = git(dir, ["diff", "--name-status", "--no-renames", "--relative", "-z", from, "--", "."]);
  return parseNameStatus(out);
}

function parseNameStatus(out: string): PathChange[] {
  const parts = out.split("\0").filter(Boolean);
  const changes: PathChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!.charAt(0);
    changes.push({ status: status === "A" || status === "D" ? status : "M", path: parts[i + 1]! });
  }
  return changes;
}

/** The bytes of a file (relative to dir) at a commit, or null when it did not exist there. */
export function fileAtCommit(dir: string, commit: string, rel: string): Buffer | null {
  const result = spawnSync("git", ["cat-file", "blob", `${commit}:./${rel}`], { cwd: dir, maxBuffer: 512 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : null;
}

export interface MergeOutcome {
  /** Files git could not merge on its own (empty when the merge applied cleanly). */
  conflicts: string[];
}

/** `git merge --no-commit --no-ff <commit>`: the result waits in the index and working tree. */
export function mergeWithoutCommit(dir: string, commit: string): MergeOutcome {
  const result = spawnSync("git", ["merge", "--no-commit", "--no-ff", "-q", commit], { cwd: dir, encoding: "utf8" });
  const conflicts = unmergedPaths(dir);
  if (result.status !== 0 && !conflicts.length) {
    throw new OwnitError(
      "merge-failed",
      `git merge of ${commit.slice(0, 12)} failed in ${dir}: ${(result.stderr || result.stdout).trim().split("\n")[0]}`,
      "check `git status`; nothing was committed",
    );
  }
  return { conflicts };
}

/** Files still in git's conflict state. */
export function unmergedPaths(dir: string): string[] {
  const out = tryGit(dir, ["diff", "--name-only", "--diff-filter=U", "--relative", "-z"]) ?? "";
  return [...new Set(out.split("\0").filter(Boolean))].sort();
}

/** The commit being merged, while a merge waits for its commit. */
export function mergeHead(dir: string): string | undefined {
  return tryGit(dir, ["rev-parse", "--verify", "-q", "MERGE_HEAD"]);
}

/** Drops a merge in progress: index and working tree back to HEAD. */
export function abortMerge(dir: string): void {
  tryGit(dir, ["merge", "--abort"]);
}

/** Writes the tree of a commit into an empty folder (no checkout: refs and index stay as they are). */
export function exportTree(dir: string, commit: string, dest: string): void {
  const archive = spawnSync("git", ["archive", "--format=tar", `${commit}:./`], { cwd: dir, maxBuffer: 1024 * 1024 * 1024 });
  if (archive.status !== 0)
    throw new OwnitError(
      "git-archive-failed",
      `could not read the tree of ${commit.slice(0, 12)} in ${dir}`,
      "check that the commit exists: `git cat-file -t <commit>`",
    );
  const untar = spawnSync("tar", ["-x", "-C", dest], { input: archive.stdout });
  if (untar.status !== 0)
    throw new OwnitError(
      "tar-failed",
      `could not unpack the tree of ${commit.slice(0, 12)} into ${dest}`,
      "check that `tar` is installed and the disk has room",
    );
}

/** Deletes a local branch (only ever one ownit created and committed nothing on). */
export function deleteBranch(dir: string, branch: string): void {
  tryGit(dir, ["branch", "-q", "-D", branch]);
}

/** Settles a conflicted path as deleted (the owned branch removed it on purpose). */
export function resolveAsDeleted(dir: string, rel: string): void {
  git(dir, ["rm", "-q", "-f", "--", rel]);
}

/** Commits a merge whose result equals HEAD's tree (the builder's commits cancel out): git needs it said. */
export function commitEmptyMerge(dir: string, message: string): void {
  execFileSync("git", ["commit", "-q", "--no-verify", "--allow-empty", "-m", message], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...identityEnv(dir) },
  });
}

/** The bytes of many files at one commit, read by one `git cat-file --batch` (null: not there). */
export function filesAtCommit(dir: string, commit: string, rels: string[]): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  if (!rels.length) return out;
  const result = spawnSync("git", ["cat-file", "--batch"], {
    cwd: dir,
    input: rels.map((r) => `${commit}:./${r}\n`).join(""),
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new OwnitError(
      "git-read-failed",
      `could not read files of ${commit.slice(0, 12)} in ${dir}`,
      "check `git status`; nothing was written",
    );
  const data = result.stdout;
  let at = 0;
  for (const rel of rels) {
    const eol = data.indexOf(10, at);
    const header = data.subarray(at, eol).toString("utf8");
    at = eol + 1;
    const [, type, size] = header.split(" ");
    if (type !== "blob" || size === undefined) {
      out.set(rel, null);
      continue;
    }
    out.set(rel, Buffer.from(data.subarray(at, at + Number(size))));
    at += Number(size) + 1;
  }
  return out;
}
