// The per-file pass of one codemod over a plan's Changeset: list the files its globs match, read
// each as the plan sees it, run the transform (in parallel when there are many), write back what
// changed. One file's failure (syntax error, binary, not UTF-8, too big) is reported with the file
// and the reason; the rest go on. Then the codemod's project-level edits, then lock files.
import { finding, looksBinary, type StepContext } from "@ownit/core";
import { codemodFolder } from "./discover";
import { FILE_FAILED, FILE_SKIPPED, MAX_FILE_BYTES } from "./limits";
import { syncLockFiles } from "./lock-sync";
import { runJobs, threadsFor, type WorkerInit } from "./pool";
import { transformJob, type FileJob, type FileJobResult } from "./transform-file";
import type { Codemod, CodemodResult, FileOutcome, SharedData } from "./types";

export { failureReason } from "./transform-file";

export interface RunCodemodOptions {
  /** Only files at or under these project-relative paths (`ownit transform <name> src/pages`). */
  paths?: string[];
  /** Threads for the per-file pass, the main one included (default: the core count once there are enough files). */
  threads?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const BOM = "\uFEFF";

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

export function countOutcomes(files: FileOutcome[]): CodemodResult["counts"] {
  const counts = { changed: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const f of files) counts[f.status]++;
  return counts;
}

/** `N changed, N unchanged, N skipped, N failed`. */
export function formatCounts(counts: CodemodResult["counts"]): string {
  return `${counts.changed} changed, ${counts.unchanged} unchanged, ${counts.skipped} skipped, ${counts.failed} failed`;
}

/** Reads one file and decides whether the transform must see it; an outcome when it need not. */
function prepare(codemod: Codemod, ctx: StepContext, path: string): FileJob | FileOutcome {
  const bytes = ctx.files.readBytes(path);
  if (bytes === null) return { path, status: "unchanged" };
  if (bytes.length > MAX_FILE_BYTES) return { path, status: "skipped", reason: `larger than ${MAX_FILE_BYTES / 1024} KiB` };
  if (looksBinary(bytes)) return { path, status: "skipped", reason: "binary file" };
  // Plain-string mentions are searched in the bytes: most files never need decoding at all.
  if (
    codemod.mentions?.length &&
    codemod.mentions.every((m) => typeof m === "string") &&
    !codemod.mentions.some((m) => bytes.includes(m as string))
  ) {
    return { path, status: "unchanged" };
  }
  let source: string;
  try {
    source = utf8.decode(bytes);
  } catch {
    return { path, status: "skipped", reason: "not UTF-8 text" };
  }
  if (!mentionsAny(source, codemod.mentions)) return { path, status: "unchanged" };
  return { path, source };
}

/** What earlier steps of the plan changed, for a worker's view of the project. */
function overlayOf(ctx: StepContext): WorkerInit["overlay"] {
  return ctx.files.changes().map((c) => [c.path, c.after === null ? null : c.after.toString("utf8")]);
}

/** Runs one codemod's per-file pass and then its project-level edits, on ctx's Changeset. */
export async function runCodemod(codemod: Codemod, ctx: StepContext, options: RunCodemodOptions = {}): Promise<CodemodResult> {
  const packageJsonBefore = ctx.files.read("package.json");
  const outcomes: FileOutcome[] = [];
  const shared: SharedData[] = [];
  let transformed = 0;
  let threads = 1;
  if (codemod.transform) {
    const files = ctx.files.list({ patterns: codemod.files }).filter((f) => underPaths(f, options.paths));
    const jobs: FileJob[] = [];
    const bom = new Set<string>();
    for (const path of files) {
      const prepared = prepare(codemod, ctx, path);
      if (!("source" in prepared)) {
        outcomes.push(prepared);
        continue;
      }
      // A byte-order mark is kept out of the parser's way and put back on write.
      if (prepared.source.startsWith(BOM)) {
        bom.add(path);
        prepared.source = prepared.source.slice(1);
      }
      jobs.push(prepared);
    }

    const env = { project: ctx.project, options: ctx.options, read: (rel: string) => ctx.files.read(rel) };
    const folder = codemodFolder(codemod);
    threads = folder ? threadsFor(jobs.length, options.threads) : 1;
    transformed = jobs.length;
    const init: WorkerInit | undefined =
      threads > 1 && folder
        ? { folder, root: ctx.files.root, project: ctx.project, options: ctx.options, overlay: overlayOf(ctx) }
        : undefined;
    const results: FileJobResult[] = await runJobs(jobs, (job) => transformJob(codemod, job, env), threads, init);

    // Written only now, in path order, so every transform saw the same starting point.
    for (const r of results) {
      for (const f of r.reports) ctx.report(f);
      for (const data of r.shared) shared.push({ path: r.path, data });
      if (r.status === "changed") ctx.files.write(r.path, bom.has(r.path) ? BOM + r.output! : r.output!);
      outcomes.push(
        r.status === "failed" ? { path: r.path, status: "failed", reason: r.reason! } : { path: r.path, status: r.status },
      );
    }
    outcomes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  await codemod.project?.(ctx, shared);
  await syncLockFiles(ctx, packageJsonBefore);
  for (const o of outcomes) {
    if (o.status === "failed")
      ctx.report(
        finding({
          severity: "medium",
          code: FILE_FAILED,
          file: o.path,
          message: `${codemod.name} could not process this file: ${o.reason}`,
          hint: "fix the file (or finish this change by hand), then run the transform again",
        }),
      );
    if (o.status === "skipped")
      ctx.report(
        finding({
          severity: "info",
          code: FILE_SKIPPED,
          file: o.path,
          message: `${codemod.name} skipped this file: ${o.reason}`,
        }),
      );
  }
  return { codemod: codemod.name, files: outcomes, counts: countOutcomes(outcomes), transformed, threads };
}
