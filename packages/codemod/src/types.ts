// The shape every codemod under transforms/<name>/index.ts exports. Adding a codemod means adding
// one folder: the runner discovers them by folder.
import type { Finding, ProjectFacts, StepContext } from "@ownit/core";

export type BuilderTag = "lovable-vite" | "lovable-tanstack" | "bolt" | "base44" | "any";

/** One file handed to a transform. */
export interface TransformFile {
  /** Path relative to the project root, posix separators. */
  path: string;
  source: string;
}

export interface TransformApi {
  /** jscodeshift bound to the right parser for this file (ts for .ts/.mts/.cts, tsx otherwise, dts for .d.ts). */
  j: import("jscodeshift").JSCodeshift;
  project: ProjectFacts;
  /** Reports a finding tied to this file (file is filled in when omitted). */
  report(finding: Omit<Finding, "file"> & { file?: string }): void;
  /**
   * Reads another project file as the plan saw it when this codemod's pass began (earlier steps'
   * edits included, this pass's own edits not: files may be transformed in any order, in parallel).
   */
  read(path: string): string | undefined;
  options: Record<string, unknown>;
  /**
   * Hands data to this codemod's `project` hook (values moved out of the code, models found).
   * The per-file pass may run in worker threads, so the data must survive structured cloning.
   */
  share(data: unknown): void;
}

/** What one file's transform handed to `share`, in file order. */
export interface SharedData {
  path: string;
  data: unknown;
}

/**
 * A per-file transform returns the new source, or `undefined` when it changes nothing (as jscodeshift
 * counts "unmodified"; `changedText(before, after)` gives that answer). The runner still compares a
 * returned text with the file's, so text rebuilt unchanged is never written. It must be idempotent.
 * A syntax error thrown while parsing is reported as that file's failure; the run goes on.
 */
export type FileTransform = (file: TransformFile, api: TransformApi) => string | undefined | Promise<string | undefined>;

export interface Codemod {
  name: string;
  /** One line for `ownit transform --list`. */
  description: string;
  builders: BuilderTag[];
  /** "cleanup" for removing leftovers (folders, lock files) rather than rewriting code. Default "codemod". */
  kind?: "codemod" | "cleanup";
  /** Globs (relative to the project root) of the files `transform` reads. .gitignore'd files, node_modules, dist, build are never listed. */
  files: string[];
  /**
   * Optional quick text filter: `transform` is only called for files whose source contains one of
   * these (a string or a regex). Files that do not mention them count as unchanged without being
   * parsed, which keeps a 2,000-file project fast.
   */
  mentions?: Array<string | RegExp>;
  appliesTo(project: ProjectFacts): boolean;
  /**
   * Codemods (by name) that must run before this one when both apply, e.g. a README that names
   * the env files other codemods write. Otherwise codemods run in name order.
   */
  after?: string[];
  transform?: FileTransform;
  /**
   * Project-level edits that are not one file's rewrite (remove a folder, write .env.local,
   * edit package.json beside the code change). Runs after the per-file pass, on the same Changeset,
   * with what the per-file transforms shared. When it removes a dependency from package.json the
   * runner brings package-lock.json in line (see lock-sync.ts).
   */
  project?(ctx: StepContext, shared: SharedData[]): void | Promise<void>;
}

/** What happened to one file in a codemod's per-file pass. */
export type FileOutcome =
  { path: string; status: "changed" | "unchanged" } | { path: string; status: "skipped" | "failed"; reason: string };

export interface CodemodResult {
  codemod: string;
  files: FileOutcome[];
  counts: { changed: number; unchanged: number; skipped: number; failed: number };
  /** Files handed to the transform; the others were skipped or never mentioned what it looks for. */
  transformed: number;
  /** Threads the per-file pass ran on (1: the main thread alone). */
  threads: number;
}
