// A plan: the ordered steps of a migration, run in memory against a Changeset so the
// owner sees every file each step touches (or the diff) before anything is written.
import { Changeset, type FileChange } from "./changeset";
import type { ProjectFacts } from "./detect/types";
import { sortFindings, type Finding } from "./findings";

export type StepKind = "codemod" | "cleanup" | "emit";

export interface StepContext {
  project: ProjectFacts;
  files: Changeset;
  report(finding: Finding): void;
  /** Free-form options from the command line (e.g. pruneLocks, force). */
  options: Record<string, unknown>;
  /** Facts a step records for the run manifest (e.g. the Bolt template before .bolt/ goes). */
  record(key: string, value: unknown): void;
}

export interface Step {
  id: string;
  title: string;
  kind: StepKind;
  /**
   * Plans file edits in memory. Must not touch the disk: a step is files only. Work on a database
   * is a run of its own command (restore, cutover, sync-builder --apply-migrations), recorded in
   * the run's ledger and undone through the CLI's table of database actions.
   */
  plan?(ctx: StepContext): void | Promise<void>;
}

export interface PlannedStep {
  step: Step;
  files: string[];
}

export interface Plan {
  project: ProjectFacts;
  steps: PlannedStep[];
  changes: FileChange[];
  findings: Finding[];
  records: Record<string, unknown>;
  context: StepContext;
}

export async function buildPlan(project: ProjectFacts, steps: Step[], options: Record<string, unknown> = {}): Promise<Plan> {
  const files = new Changeset(project.root);
  const findings: Finding[] = [];
  const records: Record<string, unknown> = {};
  const context: StepContext = {
    project,
    files,
    options,
    report: (f) => findings.push(f),
    record: (key, value) => {
      records[key] = value;
    },
  };
  for (const step of steps) {
    files.currentStep = step.id;
    await step.plan?.(context);
  }
  const changes = files.changes();
  const planned = steps.map((step) => ({ step, files: changes.filter((c) => c.steps.includes(step.id)).map((c) => c.path) }));
  return { project, steps: planned, changes, findings: sortFindings(findings), records, context };
}

/** A one-line description of a change for plan listings. */
export function describeChange(change: FileChange): string {
  if (change.before === null) return `+ ${change.path}${change.generated ? " (generated)" : ""}`;
  if (change.after === null) return `- ${change.path}`;
  return `~ ${change.path}`;
}
