// The per-file pass of one codemod over a plan's Changeset: list the files its globs match, read
// each as the plan sees it, run the transform, write back what changed. One file's failure (syntax
// error, binary, not UTF-8, too big) is reported with the file and the reason; the rest go on.
import { finding, looksBinary, type Finding, type StepContext } from "@ownit/core";
import { FILE_FAILED, FILE_SKIPPED, MAX_FILE_BYTES } from "./limits";
import { jscodeshiftFor } from "./parser";
import { collectTodos } from "./edit/todo";
import type { Codemod, CodemodResult, FileOutcome, TransformApi } from "./types";

export interface RunCodemodOptions {
  /** Only files at or under these project-relative paths (`ownit transform <name> src/pages`). */
  paths?: string[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function underPaths(file: string, paths: string[] | undefined): boolean {
  if (!paths?.length) return true;
  return paths.some((p) => {
    const clean = p.replace(/^\.\/?/, "").replace(/\/$/, "");
    return clean === "" || file === clean || file.startsWith(`${clean}/`);
  });
}

function mentionsAny(source: string, mentions: Codemod["mentions"]): boolean {
  if (!mentions?.length) return true;
  return mentions.some((m) => (typeof m === "string" ? source.includes(m) : m.test(source)));
}

/** A one-line reason for a thrown error: Babel syntax errors carry the line. */
export function failureReason(error: unknown): string {
  const e = error as { message?: string; loc?: { line: number; column: number }; reasonCode?: string };
  const message = (e?.message ?? String(error)).split("\n")[0]!;
  if (e?.loc && typeof e.loc.line === "number") return `syntax error at line ${e.loc.line}: ${message.replace(/\s*\(\d+:\d+\)$/, "")}`;
  return `transform error: ${message}`;
}

export function countOutcomes(files: FileOutcome[]): CodemodResult["counts"] {
  const counts = { changed: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const f of files) counts[f.status]++;
  return counts;
}

/** `N changed, N unchanged, N skipped, N failed`. */
export function formatCounts(counts: CodemodResult["counts"]): string {
  return `${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.skipped} skipped, ${counts.failed} failed`;
}

/** Runs one codemod's per-file pass and then its project-level edits, on ctx's Changeset. */
export async function runCodemod(codemod: Codemod, ctx: StepContext, options: RunCodemodOptions = {}): Promise<CodemodResult> {
  const outcomes: FileOutcome[] = [];
  if (codemod.transform) {
    const files = ctx.files.list({ patterns: codemod.files }).filter((f) => underPaths(f, options.paths));
    for (const path of files) outcomes.push(await transformOne(codemod, ctx, path));
  }
  await codemod.project?.(ctx);
  for (const o of outcomes) {
    if (o.status === "failed") ctx.report(finding({ severity: "medium", code: FILE_FAILED, file: o.path, message: `${codemod.name} could not process this file: ${o.reason}`, hint: "fix the file (or finish this change by hand), then run the transform again" }));
    if (o.status === "skipped") ctx.report(finding({ severity: "info", code: FILE_SKIPPED, file: o.path, message: `${codemod.name} skipped this file: ${o.reason}` }));
  }
  return { codemod: codemod.name, files: outcomes, counts: countOutcomes(outcomes) };
}

async function transformOne(codemod: Codemod, ctx: StepContext, path: string): Promise<FileOutcome> {
  const bytes = ctx.files.readBytes(path);
  if (bytes === null) return { path, status: "unchanged" };
  if (bytes.length > MAX_FILE_BYTES) return { path, status: "skipped", reason: `larger than ${MAX_FILE_BYTES / 1024} KiB` };
  if (looksBinary(bytes)) return { path, status: "skipped", reason: "binary file" };
  let source: string;
  try {
    source = utf8.decode(bytes);
  } catch {
    return { path, status: "skipped", reason: "not UTF-8 text" };
  }
  if (!mentionsAny(source, codemod.mentions)) return { path, status: "unchanged" };
  const api: TransformApi = {
    get j() {
      return jscodeshiftFor(path);
    },
    project: ctx.project,
    options: ctx.options,
    read: (rel) => ctx.files.read(rel),
    report: (f) => ctx.report(finding({ ...f, file: f.file ?? path } as Finding)),
  };
  let output: string | undefined | null;
  try {
    output = await codemod.transform!({ path, source }, api);
  } catch (error) {
    return { path, status: "failed", reason: failureReason(error) };
  }
  const after = typeof output === "string" ? output : source;
  for (const todo of collectTodos(path, after)) ctx.report(todo);
  if (after === source) return { path, status: "unchanged" };
  ctx.files.write(path, after);
  return { path, status: "changed" };
}
