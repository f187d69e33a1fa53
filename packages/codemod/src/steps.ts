// Codemods as plan steps: `ownit migrate` plans one step per applicable codemod, `ownit transform`
// plans one for the codemod it names. Each step edits the plan's Changeset, never the disk.
import type { ProjectFacts, Step } from "@ownit/core";
import { codemodsFor } from "./discover";
import { runCodemod, type RunCodemodOptions } from "./runner";
import type { Codemod, CodemodResult } from "./types";

export interface CodemodStepOptions extends RunCodemodOptions {
  /** Receives the per-file outcome once the step has planned. */
  onResult?(result: CodemodResult): void;
}

export function codemodStep(codemod: Codemod, options: CodemodStepOptions = {}): Step {
  return {
    id: `codemod:${codemod.name}`,
    title: `${codemod.name}: ${codemod.description}`,
    kind: codemod.kind ?? "codemod",
    async plan(ctx) {
      const result = await runCodemod(codemod, ctx, options);
      options.onResult?.(result);
    },
  };
}

/** One step per codemod under transformsDir that applies to the project (the migrate pipeline's codemod provider). */
export async function codemodSteps(project: ProjectFacts, transformsDir: string): Promise<Step[]> {
  return (await codemodsFor(project, transformsDir)).map((c) => codemodStep(c));
}
