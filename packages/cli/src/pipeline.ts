// The steps `ownit migrate` plans, in order. Each package contributes its own steps;
// this file only strings them together.
import type { ProjectFacts, Step } from "@ownit/core";
import { codemodSteps } from "@ownit/codemod";
import { deploySteps } from "@ownit/deploy";
import { TRANSFORMS_DIR } from "./transforms-dir";

type StepProvider = (project: ProjectFacts, options: Record<string, unknown>) => Promise<Step[]> | Step[];

/** Codemods first (they edit the owner's code), then generated files, then the database. */
// deploySteps stays after every step that edits or adds project files: it emits from what they leave.
const providers: StepProvider[] = [(project) => codemodSteps(project, TRANSFORMS_DIR), deploySteps];

export async function defaultMigrationSteps(project: ProjectFacts, options: Record<string, unknown>): Promise<Step[]> {
  const steps: Step[] = [];
  for (const provide of providers) steps.push(...(await provide(project, options)));
  return steps;
}
