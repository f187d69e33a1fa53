// The steps `ownit migrate` plans, in order. Each package contributes its own steps;
// this file only strings them together.
import type { ProjectFacts, Step } from "@ownit/core";
import { codemodSteps } from "@ownit/codemod";

type StepProvider = (project: ProjectFacts, options: Record<string, unknown>) => Promise<Step[]> | Step[];

/** Codemods first (they edit the owner's code), then generated files, then the database. */
const providers: StepProvider[] = [codemodSteps];

export async function defaultMigrationSteps(project: ProjectFacts, options: Record<string, unknown>): Promise<Step[]> {
  const steps: Step[] = [];
  for (const provide of providers) steps.push(...(await provide(project, options)));
  return steps;
}
