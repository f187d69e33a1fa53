// One file through one codemod's transform: the same code runs on the main thread and in the
// worker threads, so a file's outcome never depends on where it was processed.
import { finding, type Finding, type ProjectFacts } from "@ownit/core";
import { jscodeshiftFor } from "./parser";
import { collectTodos } from "./edit/todo";
import type { Codemod, TransformApi } from "./types";

/** A file the runner has read, checked (size, binary, UTF-8, mentions) and queued for the transform. */
export interface FileJob {
  path: string;
  source: string;
}

/** What came of one job; plain data, so it crosses a worker boundary unchanged. */
export interface FileJobResult {
  path: string;
  status: "changed" | "unchanged" | "failed";
  /** The new source, when changed. */
  output?: string;
  reason?: string;
  reports: Finding[];
  shared: unknown[];
}

/** What a transform sees of the plan besides its file. */
export interface TransformEnv {
  project: ProjectFacts;
  options: Record<string, unknown>;
  read(path: string): string | undefined;
}

/** A one-line reason for a thrown error: Babel syntax errors carry the line. */
export function failureReason(error: unknown): string {
  const e = error as { message?: string; loc?: { line: number; column: number }; reasonCode?: string };
  const message = (e?.message ?? String(error)).split("\n")[0]!;
  if (e?.loc && typeof e.loc.line === "number")
    return `syntax error at line ${e.loc.line}: ${message.replace(/\s*\(\d+:\d+\)$/, "")}`;
  return `transform error: ${message}`;
}

export async function transformJob(codemod: Codemod, job: FileJob, env: TransformEnv): Promise<FileJobResult> {
  const reports: Finding[] = [];
  const shared: unknown[] = [];
  const api: TransformApi = {
    get j() {
      return jscodeshiftFor(job.path);
    },
    project: env.project,
    options: env.options,
    read: env.read,
    report: (f) => reports.push(finding({ ...f, file: f.file ?? job.path } as Finding)),
    share: (data) => shared.push(data),
  };
  let output: string | undefined;
  try {
    output = await codemod.transform!({ path: job.path, source: job.source }, api);
  } catch (error) {
    return { path: job.path, status: "failed", reason: failureReason(error), reports, shared };
  }
  const after = typeof output === "string" ? output : job.source;
  reports.push(...collectTodos(job.path, after));
  if (after === job.source) return { path: job.path, status: "unchanged", reports, shared };
  return { path: job.path, status: "changed", output: after, reports, shared };
}
