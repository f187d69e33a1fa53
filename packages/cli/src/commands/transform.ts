// `ownit transform <name> [paths…]`: run one codemod as a run (tagged, rollback-able), or with
// --dry-run print its diff; `ownit transform --list` lists the codemods, one line each.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { buildPlan, detectProject, OwnitError, resolveProjectRoot } from "@ownit/core";
import { codemodStep, findCodemod, formatCounts, loadCodemods, type CodemodResult } from "@ownit/codemod";
import { confirmAndApply } from "../confirm-and-apply";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatFindings } from "../format";
import { recoverFirst } from "../recover-first";
import { TRANSFORMS_DIR } from "../transforms-dir";

export interface TransformOptions {
  list?: boolean;
  dir?: string;
  yes?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
  pruneLocks?: boolean;
}

export async function listTransforms(ctx: CliContext): Promise<void> {
  const all = await loadCodemods(TRANSFORMS_DIR);
  const width = Math.max(0, ...all.map((c) => c.name.length));
  for (const c of all) ctx.out(`${c.name.padEnd(width)}  ${color.dim(`[${c.builders.join(", ")}]`)} ${c.description}`);
}

/** Paths given on the command line, made relative to the project root. */
function relativePaths(ctx: CliContext, root: string, paths: string[]): string[] {
  return paths.map((p) => {
    const abs = path.resolve(ctx.cwd, p);
    const rel = path.relative(root, abs).split(path.sep).join("/");
    if (rel.startsWith("..") || path.isAbsolute(rel))
      throw new OwnitError(
        "path-outside-project",
        `${p} is outside the project ${root}`,
        "pass paths inside the project, or point --dir at the project that holds them",
      );
    // A mistyped path would otherwise match no file and the transform would quietly do nothing.
    if (!existsSync(abs))
      throw new OwnitError(
        "path-not-found",
        `${p} does not exist (looked for ${abs})`,
        "pass files or folders that exist in the project, relative to the folder you run ownit in",
      );
    return rel;
  });
}

export async function transform(
  ctx: CliContext,
  name: string | undefined,
  paths: string[],
  opts: TransformOptions,
): Promise<void> {
  if (opts.list) return listTransforms(ctx);
  if (!name)
    throw new OwnitError(
      "missing-transform-name",
      "which transform? none was named",
      "see `npx ownit transform --list`, then `npx ownit transform <name>`",
    );
  const codemod = await findCodemod(name, TRANSFORMS_DIR);
  await recoverFirst(ctx, resolveProjectRoot(path.resolve(ctx.cwd, opts.dir ?? ".")).root);
  const project = detectProject(path.resolve(ctx.cwd, opts.dir ?? "."));
  if (!codemod.appliesTo(project))
    ctx.out(color.dim(`${name} is not meant for a ${project.builder.id} project; running it because you asked`));

  let result: CodemodResult | undefined;
  const options = { pruneLocks: opts.pruneLocks } as Record<string, unknown>;
  const step = codemodStep(codemod, { paths: relativePaths(ctx, project.root, paths), onResult: (r) => (result = r) });
  const plan = await buildPlan(project, [step], options);

  for (const f of result?.files ?? []) {
    if (f.status === "failed") ctx.err(`${color.red("failed")}  ${f.path}: ${f.reason}`);
    if (f.status === "skipped") ctx.out(color.dim(`skipped ${f.path}: ${f.reason}`));
  }
  const findings = plan.findings.filter((f) => f.code !== "codemod-file-failed" && f.code !== "codemod-file-skipped");
  if (findings.length) for (const line of formatFindings(findings)) ctx.out(line);
  const counts = result?.counts ?? { changed: 0, unchanged: 0, skipped: 0, failed: 0 };
  ctx.out(`${name}: ${formatCounts(counts)}${plan.changes.length ? `, ${plan.changes.length} file(s) in the plan` : ""}`);
  await confirmAndApply(ctx, plan, opts, {
    command: "transform",
    summary: `transform ${name}`,
    nothingToChange: "nothing to change",
  });
  // The files that did go through are applied (or shown); a script must still learn that some did not.
  if (counts.failed)
    throw new OwnitError(
      "transform-files-failed",
      `${counts.failed} file(s) could not be transformed (listed above)`,
      "fix them or finish those changes by hand, then run the transform again",
    );
}

export function registerTransform(program: Command, ctx: CliContext): void {
  program
    .command("transform")
    .description("run one codemod on a project as a run that can be rolled back (--list: the codemods there are)")
    .argument("[name]", "the codemod (see --list)")
    .argument("[paths...]", "only files at or under these paths")
    .option("--list", "list the codemods, one line each")
    .option("-C, --dir <dir>", "the project folder", ".")
    .option("-y, --yes", "apply without asking")
    .option("--dry-run", "print the unified diff and write nothing")
    .option("--allow-dirty", "run even with uncommitted changes in git")
    .option("--prune-locks", "delete lock files that are not authoritative")
    .action((name: string | undefined, paths: string[], opts: TransformOptions) => transform(ctx, name, paths, opts));
}
