// Applying a plan as one run: write every change, run the steps' side effects, commit and tag.
// Any failure puts the project back exactly as it was before the error is passed on.
import type { DatabaseAction, RunManifest } from "./ledger";
import { Run } from "./ledger";
import type { Plan } from "./plan";

export interface ApplyOptions {
  command: string;
  summary: string;
  allowDirty?: boolean;
  /** Called to undo database actions recorded before a failure. */
  undoDatabase?: (action: DatabaseAction) => Promise<void>;
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<RunManifest> {
  const run = Run.start(plan.project.root, options);
  try {
    run.writeChanges(plan.changes);
    for (const { step } of plan.steps) {
      plan.context.files.currentStep = step.id;
      await step.apply?.(plan.context, run);
    }
    return run.finish({ findings: plan.findings, records: plan.records });
  } catch (error) {
    for (const action of [...run.manifest.database].reverse()) {
      await options.undoDatabase?.(action).catch(() => undefined);
    }
    run.abort(error);
    throw error;
  }
}
