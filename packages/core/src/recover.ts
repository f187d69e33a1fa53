// The first step of every command on a project: a run left in-progress (its process killed) is
// undone from its journal, or finished when its database restore turns out to have committed, and
// a rollback left half-way is completed. Each outcome comes back as one sentence to print. A run
// whose process still holds the project lock is running, not interrupted, and is left alone.
import { OwnitError } from "./errors";
import { lastStep, undoRunChanges } from "./journal";
import { listRuns, saveManifest, type DatabaseAction, type RunManifest } from "./ledger";
import { acquireProjectLock, lockHolder } from "./lock";
import { rollbackRun } from "./rollback";

/** What a database action's target says about a restore the process died in. */
export type DatabaseSettlement =
  | { committed: true; objects: string[]; databaseSettings?: string[] }
  | { committed: false }
  /** The target cannot be asked (no password recorded, unreachable): the run is left as it is. */
  | { unknown: string };

export interface RecoveryHandlers {
  /** Asks a restore's target whether the killed run's transaction committed (restore-marker). */
  settleDatabase?: (action: DatabaseAction, manifest: RunManifest) => Promise<DatabaseSettlement>;
  undoDatabase?: (action: DatabaseAction) => Promise<void>;
}

export interface Recovery {
  id: string;
  outcome: "undone" | "finished" | "rolled-back" | "left";
  message: string;
}

/** Runs left in-progress or rolling-back whose process is gone. */
export function interruptedRuns(root: string): RunManifest[] {
  const holder = lockHolder(root);
  if (holder?.live) return [];
  return listRuns(root).filter((r) => r.status === "in-progress" || r.status === "rolling-back");
}

async function settle(root: string, run: RunManifest, handlers: RecoveryHandlers): Promise<Recovery> {
  const at = lastStep(run)?.step ?? "start";
  if (run.status === "rolling-back") {
    await rollbackRun(root, run.id, { undoDatabase: handlers.undoDatabase, lock: { file: "", release() {} } });
    return {
      id: run.id,
      outcome: "rolled-back",
      message: `the rollback of run ${run.id} (${run.command}) was interrupted at ${at}; it is finished now`,
    };
  }
  const pending = run.database.filter((a) => a.pending === true);
  if (pending.length && !handlers.settleDatabase)
    return {
      id: run.id,
      outcome: "left",
      message: `run ${run.id} (${run.command}) was interrupted during a database restore; run ownit again through the CLI to settle it`,
    };
  for (const action of pending) {
    const answer = await handlers.settleDatabase!(action, run);
    if ("unknown" in answer)
      return {
        id: run.id,
        outcome: "left",
        message: `run ${run.id} (${run.command}) was interrupted at ${at} and its target cannot be asked: ${answer.unknown}`,
      };
    if (answer.committed) {
      action.objects = answer.objects;
      if (answer.databaseSettings) action.databaseSettings = answer.databaseSettings;
      delete action.pending;
    }
  }
  // A restore whose transaction never committed left nothing in the target.
  run.database = run.database.filter((a) => a.pending !== true);
  if (run.database.length && !run.files.length) {
    // A restore that committed is done: the ledger catches up, and `ownit rollback` can undo it.
    run.status = "applied";
    run.finishedAt = new Date().toISOString();
    saveManifest(root, run);
    return {
      id: run.id,
      outcome: "finished",
      message: `run ${run.id} (${run.command}) was interrupted at ${at}, after its restore committed; recorded it as applied (\`ownit rollback ${run.id}\` undoes it)`,
    };
  }
  if (run.database.length) {
    // Database work inside a run that also changes files: undone with the files.
    if (!handlers.undoDatabase)
      return {
        id: run.id,
        outcome: "left",
        message: `run ${run.id} (${run.command}) was interrupted at ${at}; run ownit again through the CLI to undo its database work`,
      };
    for (const action of [...run.database].reverse()) await handlers.undoDatabase(action);
  }
  undoRunChanges(root, run);
  run.status = "failed";
  run.error = `interrupted at ${at}; undone`;
  run.finishedAt = new Date().toISOString();
  saveManifest(root, run);
  return {
    id: run.id,
    outcome: "undone",
    message: `run ${run.id} (${run.command}) was interrupted at ${at}; undone: ${run.files.length ? `${run.files.length} file(s) put back` : "nothing had changed"}${run.git ? ", git as before the run" : ""}${pending.length ? ", the target was untouched" : ""}`,
  };
}

/** Finishes or undoes every interrupted run, under the project lock; [] when there was none. */
export async function recoverInterruptedRuns(root: string, handlers: RecoveryHandlers = {}): Promise<Recovery[]> {
  if (!interruptedRuns(root).length) return [];
  const lock = acquireProjectLock(root, "recovery");
  try {
    const out: Recovery[] = [];
    for (const run of listRuns(root).filter((r) => r.status === "in-progress" || r.status === "rolling-back")) {
      try {
        out.push(await settle(root, run, handlers));
      } catch (error) {
        if (error instanceof OwnitError)
          throw new OwnitError(error.code, `recovering interrupted run ${run.id}: ${error.message}`, error.hint, {
            cause: error,
          });
        throw error;
      }
    }
    return out;
  } finally {
    lock.release();
  }
}
