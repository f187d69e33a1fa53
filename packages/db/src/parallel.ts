// One way for N connections to drain a queue of work: dump's COPY readers, restore's loaders and
// index builders, verify's checksum readers. Items are taken in the order given (callers put the
// largest tables first); the first failure stops the others from taking more and is rethrown once
// every worker has settled, so nothing still writes when the caller cleans up.
import { availableParallelism } from "node:os";

/** The default for --jobs: one connection per core. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Error a job threw, with the item it was working on. */
export class QueueJobError<T> extends Error {
  constructor(
    readonly item: T,
    readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/**
 * How telling an error is: the server's own explains more than a socket's (EPIPE), which explains
 * more than a plain one, which explains more than the follow-on "not queryable" of a connection
 * that died with another.
 */
function telling(error: unknown): number {
  const e = error as { code?: string; message?: string; severity?: string; cause?: unknown };
  if (e?.severity || (e?.cause as { severity?: string })?.severity) return 3; // the server said it (a pg DatabaseError)
  if (e?.code) return 2;
  return /not queryable/i.test(String(e?.message ?? error)) ? 0 : 1;
}

/**
 * Runs job(item, worker) for every item, with workers.length jobs at a time (worker i runs on
 * workers[i], e.g. its own connection). Resolves when all are done; on a failure the remaining
 * items are dropped, running jobs finish, and the most telling failure (the earliest among equals)
 * is thrown as a QueueJobError.
 */
export async function drainQueue<T, W>(
  items: readonly T[],
  workers: readonly W[],
  job: (item: T, worker: W) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const failures: QueueJobError<T>[] = [];
  const run = async (worker: W) => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await job(item, worker);
      } catch (error) {
        queue.length = 0; // the other workers stop after their current item
        failures.push(new QueueJobError(item, error));
      }
    }
  };
  await Promise.all(workers.slice(0, Math.max(1, Math.min(workers.length, items.length))).map(run));
  if (failures.length) throw mostTelling(failures);
}

/** The failure that explains most (the earliest among equals). */
export function mostTelling<T>(failures: QueueJobError<T>[]): QueueJobError<T> {
  return failures.reduce((best, f) => (telling(f.cause) > telling(best.cause) ? f : best));
}
