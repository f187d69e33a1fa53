// `ownit migrate [dir]`: detect, plan, show, confirm, apply as one run (or --dry-run: a diff only).
import path from "node:path";
import type { Command } from "commander";
import { buildPlan, detectProject, resolveProjectRoot } from "@ownit/core";
import { confirmAndApply } from "../confirm-and-apply";
import type { CliContext } from "../context";
import { recoverFirst } from "../recover-first";
import { formatDataNextSteps, formatFindings, formatPlan, formatProject } from "../format";

export interface MigrateOptions {
  yes?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
  pruneLocks?: boolean;
  force?: boolean;
}

export async function migrate(ctx: CliContext, dir: string, opts: MigrateOptions): Promise<void> {
  await recoverFirst(ctx, resolveProjectRoot(path.resolve(ctx.cwd, dir)).root);
  const project = detectProject(path.resolve(ctx.cwd, dir));
  for (const line of formatProject(project)) ctx.out(line);
  const options = { ...opts } as Record<string, unknown>;
  const plan = await buildPlan(project, await ctx.migrationSteps(project, options), options);
  ctx.out();
  for (const line of formatPlan(plan)) ctx.out(line);
  if (plan.findings.length) for (const line of formatFindings(plan.findings)) ctx.out(line);
  await confirmAndApply(ctx, plan, opts, {
    command: "migrate",
    summary: `migrate ${project.builder.id} export`,
    nothingToChange: "nothing to change: the project is already free of builder code ownit knows about",
  });
  const data = formatDataNextSteps(project, ctx.cwd);
  if (data.length) ctx.out();
  for (const line of data) ctx.out(line);
}

export function registerMigrate(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .description("detect, plan and apply every codemod and generated file, as one run that can be rolled back")
    .argument("[dir]", "exported project folder", ".")
    .option("-y, --yes", "apply without asking")
    .option("--dry-run", "print the unified diff of every change and write nothing")
    .option("--allow-dirty", "run even with uncommitted changes in git")
    .option("--prune-locks", "delete lock files that are not authoritative")
    .option("--force", "overwrite existing files the deploy step would otherwise write beside")
    .action((dir: string, opts: MigrateOptions) => migrate(ctx, dir, opts));
}
