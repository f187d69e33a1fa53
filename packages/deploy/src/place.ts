// Puts emitted files into the plan without ever overwriting the owner's work: an existing file of
// theirs keeps its bytes and ours goes beside it as <name>.ownit, unless --force. A file an earlier
// ownit run generated and nobody edited since is ours to regenerate; an existing .env.example (the
// owner's, a codemod's or an earlier run's) is extended with the names it lacks.
import { finding, generatedFiles, type StepContext } from "@ownit/core";
import { BESIDE_SUFFIX } from "./defaults";
import { declaredNames } from "./env-reads";
import { envExampleAdditions } from "./env-example";
import type { EmittedFile } from "./emit";
import type { DeployProject } from "./project";

/** Every step may list names here, so it is merged rather than placed beside. */
const ENV_EXAMPLE = ".env.example";

export type PlacementStatus = "created" | "unchanged" | "regenerated" | "overwritten" | "beside" | "merged";

export interface Placement {
  path: string;
  /** Where the content went (path, or path + .ownit). */
  writtenTo: string;
  status: PlacementStatus;
  purpose: string;
}

export function placeFiles(
  ctx: StepContext,
  project: DeployProject,
  files: EmittedFile[],
  options: { force?: boolean },
): Placement[] {
  const generated = generatedFiles(ctx.project.root);
  const placements: Placement[] = [];
  for (const file of files) {
    const existing = ctx.files.read(file.path);
    const place = (status: PlacementStatus, writtenTo = file.path, content = file.content) => {
      if (status !== "unchanged") ctx.files.write(writtenTo, content, { generated: true });
      placements.push({ path: file.path, writtenTo, status, purpose: file.purpose });
    };
    if (existing === undefined) place("created");
    else if (existing === file.content) place("unchanged");
    else if (options.force) place("overwritten");
    else if (file.path === ENV_EXAMPLE) {
      // Codemods, an earlier run or the owner may all have listed names here: only the missing ones
      // are appended, so a second run finds nothing to add and changes nothing.
      const additions = envExampleAdditions(project, declaredNames(existing));
      if (!additions) place("unchanged");
      else place("merged", file.path, `${existing.trimEnd()}\n\n${additions}\n`);
    } else if (generated.stateOf(file.path, existing) === "as-written") place("regenerated");
    else {
      const beside = `${file.path}${BESIDE_SUFFIX}`;
      place(ctx.files.read(beside) === file.content ? "unchanged" : "beside", beside);
      ctx.report(
        finding({
          severity: "info",
          code: "deploy-file-beside",
          file: file.path,
          message: `${file.path} is yours, so it was left as it is and ownit's version went to ${beside}`,
          hint: `compare the two and merge what you want, or rerun with --force to replace ${file.path}`,
        }),
      );
    }
  }
  return placements;
}
