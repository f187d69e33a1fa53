// Applying a plan as one run: write every change, commit and tag.
// Any failure puts the project back exactly as it was before the error is passed on; the project
// lock is held throughout, and a plan the project moved away from (another run got there first)
// is refused before anything is recorded.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { environmentError, OwnitError } from "./errors";
import type { RunManifest } from "./ledger";
import { Run } from "./ledger";
import { acquireProjectLock } from "./lock";
import type { Plan } from "./plan";

export interface ApplyOptions {
  command: string;
  summary: string;
  allowDirty?: boolean;
}

/** The first planned file whose bytes on disk are no longer what the plan was made from. */
function changedSincePlan(plan: Plan): string | undefined {
  for (const change of plan.changes) {
    const abs = path.join(plan.project.root, change.path);
    const now = existsSync(abs) && statSync(abs).isFile() ? readFileSync(abs) : null;
    if (now === null ? change.before !== null : change.before === null || !now.equals(change.before)) return change.path;
  }
  return undefined;
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<RunManifest> {
  const lock = acquireProjectLock(plan.project.root, options.command);
  try {
    const moved = changedSincePlan(plan);
    if (moved)
      throw new OwnitError(
        "plan-stale",
        `${moved} changed after the plan was made (another run, or an edit, got there first)`,
        "run the command again to plan from the files as they are now",
      );
    const run = Run.start(plan.project.root, { ...options, lock });
    try {
      run.writeChanges(plan.changes);
      return run.finish({ findings: plan.findings, records: plan.records });
    } catch (error) {
      run.abort(error);
      // A full disk or a read-only file is the machine's state, not a bug: one line naming the path.
      throw environmentError(error) ?? error;
    }
  } finally {
    lock.release();
  }
}
