// N workers over a graph of jobs: a job may start once the jobs it waits for are done and no
// running job holds a table it needs. The restore runs its loads, index builds, foreign keys and
// ANALYZEs this way, so a worker that finished its tables builds their indexes while another still
// loads the largest one, instead of idling until every table is in (what pg_restore -j does too).
// Holding tables ourselves means our workers never wait on each other's locks, so never deadlock.
// A free worker takes the ready job with the longest chain of work still hanging on it (its own
// cost plus its heaviest dependant's chain), so a small table's load that a big table's foreign
// key waits for is not left to the end.
// The first failure stops new jobs; running ones finish, then the most telling failure is thrown
// (as drainQueue does).
import { mostTelling, QueueJobError } from "./parallel";

export interface GraphJob {
  id: string;
  /** Ids of jobs that must be done first (ids not in the graph are ignored). */
  after: string[];
  /** Tables this job holds while it runs. */
  tables: string[];
  /** Shared holds of one table may run together (index builds: CREATE INDEX takes a SHARE lock); any other hold is alone. */
  shared?: boolean;
  /** Estimated work (any unit, the same for every job). */
  cost: number;
}

/** Whether a job's tables are free of every running job's holds. */
function free(job: GraphJob, held: Map<string, { shared: boolean; count: number }>): boolean {
  return job.tables.every((t) => {
    const hold = held.get(t);
    return !hold || (hold.shared && job.shared === true);
  });
}

/** Each job's cost plus the costliest chain of jobs waiting on it (a job in a cycle counts only its own cost). */
export function chainCosts(jobs: readonly GraphJob[]): Map<string, number> {
  const dependants = new Map<string, string[]>(jobs.map((j) => [j.id, []]));
  for (const j of jobs) for (const b of new Set(j.after)) if (b !== j.id) dependants.get(b)?.push(j.id);
  const cost = new Map(jobs.map((j) => [j.id, j.cost]));
  const chain = new Map<string, number>();
  const visiting = new Set<string>();
  const walk = (id: string): number => {
    if (chain.has(id)) return chain.get(id)!;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const longest = Math.max(0, ...dependants.get(id)!.map(walk));
    visiting.delete(id);
    chain.set(id, cost.get(id)! + longest);
    return chain.get(id)!;
  };
  for (const j of jobs) walk(j.id);
  return chain;
}

/** Runs every job with at most workers.length at a time; worker i runs its jobs on workers[i] (e.g. its own connection). */
export async function runGraph<J extends GraphJob, W>(
  jobs: readonly J[],
  workers: readonly W[],
  run: (job: J, worker: W) => Promise<void>,
): Promise<void> {
  const ids = new Set(jobs.map((j) => j.id));
  const waiting = new Map(jobs.map((j) => [j.id, new Set(j.after.filter((a) => ids.has(a) && a !== j.id))]));
  const chain = chainCosts(jobs);
  const pending = [...jobs].sort((a, b) => chain.get(b.id)! - chain.get(a.id)!);
  const held = new Map<string, { shared: boolean; count: number }>();
  const idle = [...workers];
  const failures: QueueJobError<J>[] = [];
  let running = 0;
  return new Promise<void>((resolve, reject) => {
    const settle = () => {
      if (running > 0) return;
      if (failures.length) reject(mostTelling(failures));
      else if (pending.length) reject(new Error(`jobs wait on each other: ${pending.map((j) => j.id).join(", ")}`));
      else resolve();
    };
    const startReady = () => {
      for (let i = 0; i < pending.length && idle.length && !failures.length;) {
        const job = pending[i]!;
        if (waiting.get(job.id)!.size || !free(job, held)) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        start(job, idle.shift()!);
      }
      settle();
    };
    const start = (job: J, worker: W) => {
      running++;
      for (const t of job.tables) {
        const hold = held.get(t);
        held.set(t, { shared: job.shared === true, count: (hold?.count ?? 0) + 1 });
      }
      run(job, worker)
        .then(
          () => {
            for (const others of waiting.values()) others.delete(job.id);
          },
          (error: unknown) => failures.push(new QueueJobError(job, error)),
        )
        .finally(() => {
          for (const t of job.tables) {
            const hold = held.get(t)!;
            if (hold.count === 1) held.delete(t);
            else hold.count--;
          }
          running--;
          idle.push(worker);
          startReady();
        });
    };
    startReady();
  });
}
