// remove-lovable-folder: `.lovable/` holds Lovable's editor state (project.json with the Lovable
// project id, plan.md with the agent's plans); nothing in the app reads it. The project id is kept
// in the run manifest before the folder goes; the run keeps every removed byte for rollback.
import { finding } from "@ownit/core";
import { parseJson, type Codemod } from "@ownit/codemod";

const FOLDER = ".lovable";

const codemod: Codemod = {
  name: "remove-lovable-folder",
  description: "remove .lovable/ (Lovable's editor state), keeping its project id in the run manifest",
  builders: ["lovable-vite", "lovable-tanstack"],
  kind: "cleanup",
  files: [],
  appliesTo: (project) => project.builder.id.startsWith("lovable"),
  project(ctx) {
    const files = ctx.files.list({ patterns: [`${FOLDER}/**/*`], includeIgnored: true });
    if (!files.length) return;
    const projectId = parseJson<{ projectId?: string }>(ctx.files.read(`${FOLDER}/project.json`) ?? "")?.projectId;
    if (projectId) ctx.record("lovableProjectId", projectId);
    ctx.files.removeDir(FOLDER);
    ctx.report(
      finding({
        severity: "info",
        code: "lovable-folder-removed",
        file: `${FOLDER}/`,
        message: `removed ${FOLDER}/ (${files.map((f) => f.slice(FOLDER.length + 1)).join(", ")}): Lovable's editor state${projectId ? `, project ${projectId}` : ""}`,
        hint: "git history and `npx ownit rollback` still have it",
      }),
    );
  },
};

export default codemod;
