// Files in parallel up to the core count. Parsing is CPU-bound, so the extra hands are worker
// threads; the main thread takes files from the same queue from the first moment, and each worker
// joins as soon as it has loaded (tsx, jscodeshift, the codemod), so nobody sits idle waiting for
// a worker to start. (On a machine whose cores are already busy, the workers' start-up CPU is
// simply extra: the bench shows both cases.) A worker that dies fails only the file it held.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ProjectFacts } from "@ownit/core";
import type { FileJob, FileJobResult } from "./transform-file";

/** What a worker needs to stand in for the main thread. */
export interface WorkerInit {
  /** The codemod's folder (transforms/<name>), loaded again inside the worker. */
  folder: string;
  root: string;
  project: ProjectFacts;
  options: Record<string, unknown>;
  /** Files earlier steps of the plan changed: path → text (null: removed). */
  overlay: Array<[string, string | null]>;
}

/**
 * Below this many files to transform, no thread is started. A worker needs about 0.5 s (and 0.6 s
 * of CPU) to load tsx, jscodeshift and the codemod before its first file, while a jscodeshift parse
 * of a 2-3 KB component costs 2-6 ms: fewer files than this are done by the main thread alone
 * before a worker could help. (Measured with `npm run bench`, scripts/bench/codemods.ts.)
 */
export const PARALLEL_MIN_FILES = 200;

const WORKER_ENTRY = new URL("./worker.mjs", import.meta.url);

/** How many threads (the main one included) a pass over `files` files should use; an explicit request wins. */
export function threadsFor(files: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  return files >= PARALLEL_MIN_FILES ? availableParallelism() : 1;
}

function crashed(job: FileJob, error: unknown): FileJobResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    path: job.path,
    status: "failed",
    reason: `transform error: the worker thread died (${message.split("\n")[0]})`,
    reports: [],
    shared: [],
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Jobs a worker holds at once: it starts the next the moment it finishes one, instead of waiting
 * for the main thread (busy with its own file) to hand it another.
 */
const WORKER_QUEUE_DEPTH = 8;

/** The shared queue: jobs in order, and those a dead worker had not started yet, first. */
class JobQueue {
  private next = 0;
  private readonly returned: number[] = [];
  constructor(private readonly size: number) {}
  take(): number {
    if (this.returned.length) return this.returned.shift()!;
    return this.next < this.size ? this.next++ : -1;
  }
  giveBack(ids: number[]): void {
    this.returned.push(...ids);
  }
}

/**
 * Runs every job, on the main thread through `local` and on `threads - 1` workers, and returns the
 * results in job order.
 */
export async function runJobs(
  jobs: FileJob[],
  local: (job: FileJob) => Promise<FileJobResult>,
  threads = 1,
  init?: WorkerInit,
): Promise<FileJobResult[]> {
  const results: FileJobResult[] = new Array(jobs.length);
  const queue = new JobQueue(jobs.length);

  const workers: Promise<void>[] = [];
  if (init) for (let i = 1; i < Math.min(threads, jobs.length); i++) workers.push(driveWorker(init, jobs, queue, results));

  for (let i = queue.take(); i >= 0; i = queue.take()) {
    results[i] = await local(jobs[i]!);
    // Let the workers' messages in between files.
    if (workers.length) await yieldToEventLoop();
  }
  await Promise.all(workers);
  // A worker that died gave its unstarted jobs back after the main thread had finished: do them now.
  for (let i = queue.take(); i >= 0; i = queue.take()) results[i] = await local(jobs[i]!);
  return results;
}

/** One worker: kept WORKER_QUEUE_DEPTH jobs ahead, until the queue is empty. */
function driveWorker(init: WorkerInit, jobs: FileJob[], queue: JobQueue, results: FileJobResult[]): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: init, execArgv: [] });
    const pending: number[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      worker.removeAllListeners();
      worker.on("error", () => undefined);
      void worker.terminate().then(
        () => resolve(),
        () => resolve(),
      );
    };
    const fill = () => {
      while (pending.length < WORKER_QUEUE_DEPTH) {
        const id = queue.take();
        if (id < 0) break;
        pending.push(id);
        worker.postMessage({ id, job: jobs[id] });
      }
      if (!pending.length) finish();
    };
    worker.on("message", (message: { id: number; result: FileJobResult } | { ready: true }) => {
      if ("id" in message) {
        results[message.id] = message.result;
        pending.splice(pending.indexOf(message.id), 1);
      }
      fill();
    });
    // A worker that fails to start simply never takes a job; one that dies fails the file it was
    // working on (its oldest) and gives the others back.
    const lost = (error: unknown) => {
      const [current, ...unstarted] = pending.splice(0);
      if (current !== undefined) results[current] = crashed(jobs[current]!, error);
      queue.giveBack(unstarted);
      finish();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`exit code ${code}`)));
  });
}
