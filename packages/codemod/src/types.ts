// The shape every codemod under transforms/<name>/index.ts exports. Adding a codemod means adding
// one folder: the runner discovers them by folder.
import type { Finding, ProjectFacts } from "@ownit/core";

export type BuilderTag = "lovable-vite" | "lovable-tanstack" | "bolt" | "base44" | "any";

/** One file handed to a transform. */
export interface TransformFile {
  /** Path relative to the project root, posix separators. */
  path: string;
  source: string;
}

export interface TransformApi {
  /** jscodeshift bound to the right parser for this file (ts for .ts, tsx otherwise). */
  j: import("jscodeshift").JSCodeshift;
  project: ProjectFacts;
  /** Reports a finding tied to this file (file is filled in when omitted). */
  report(finding: Omit<Finding, "file"> & { file?: string }): void;
  options: Record<string, unknown>;
}

/**
 * A per-file transform returns the new source, or undefined/null when it changes nothing
 * (so the runner counts "unchanged" without diffing). It must be idempotent.
 */
export type FileTransform = (file: TransformFile, api: TransformApi) => string | undefined | null | Promise<string | undefined | null>;

export interface Codemod {
  name: string;
  /** One line for `ownit transform --list`. */
  description: string;
  builders: BuilderTag[];
  /** Globs (relative to the project root) of the files this transform reads. */
  files: string[];
  appliesTo(project: ProjectFacts): boolean;
  transform?: FileTransform;
  /**
   * Project-level edits that are not one file's rewrite (remove a folder, write .env.local,
   * edit package.json beside the code change). Runs after the per-file pass, on the same Changeset.
   */
  project?(ctx: import("@ownit/core").StepContext): void | Promise<void>;
}
