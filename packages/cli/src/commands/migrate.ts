// `ownit migrate [dir]`: detect, plan, show, confirm, apply as one run (or --dry-run: a diff only).
import path from "node:path";
import type { Command } from "commander";
import { applyPlan, buildPlan, detectProject, OwnitError, unifiedDiff, formatFinding, type ProjectFacts } from "@ownit/core";
import type { CliContext } from "../context";
import { color } from "../context";
import { displayPath, formatDataNextSteps, formatFindings, formatPlan, formatProject } from "../format";

export interface MigrateOptions {
  yes?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
  pruneLocks?: boolean;
  force?: boolean;
}

export async function migrate(ctx: CliContext, dir: string, opts: MigrateOptions): Promise<void> {
  const project = detectProject(path.resolve(ctx.cwd, dir));
  await planAndApply(ctx, project, opts);
  const data = formatDataNextSteps(project, ctx.cwd);
  if (data.length) ctx.out();
  for (const line of data) ctx.out(line);
}

async function planAndApply(ctx: CliContext, project: ProjectFacts, opts: MigrateOptions): Promise<void> {
  for (const line of formatProject(project)) ctx.out(line);
  const options = { ...opts } as Record<string, unknown>;
  const plan = await buildPlan(project, await ctx.migrationSteps(project, options), options);
  ctx.out();
  for (const line of formatPlan(plan)) ctx.out(line);
  if (plan.findings.length) for (const line of formatFindings(plan.findings)) ctx.out(line);

  if (opts.dryRun) {
    ctx.out();
    ctx.out(unifiedDiff(plan.changes) || color.dim("(no changes)"));
    ctx.out(color.dim(`dry run: ${plan.changes.length} file(s) would change; nothing was written`));
    return;
  }
  if (!plan.changes.length && !plan.steps.some((s) => s.step.apply)) {
    ctx.out("nothing to change: the project is already free of builder code ownit knows about");
    return;
  }
  if (!opts.yes) {
    if (!ctx.interactive) throw new OwnitError("needs-confirmation", "migrate needs confirmation, and no one is at the terminal to give it", "pass --yes to apply the plan, or --dry-run to see the diff");
    if (!(await ctx.confirm(`Apply ${plan.changes.length} change(s) to ${project.root}?`))) {
      ctx.out("nothing applied");
      return;
    }
  }
  const run = await applyPlan(plan, { command: "migrate", summary: `migrate ${project.builder.id} export`, allowDirty: opts.allowDirty });
  ctx.out();
  ctx.out(color.green(`run ${run.id}: ${run.files.length} file(s) changed${run.git?.tag ? `, tagged ${run.git.tag}` : ""}`));
  const todos = run.findings.filter((f) => f.code === "ownit-todo");
  if (todos.length) {
    ctx.out(color.yellow(`${todos.length} ownit-todo marker(s) left in the code:`));
    for (const t of todos) ctx.out(`  ${formatFinding(t)}`);
  }
  ctx.out(color.dim(`undo with: npx ownit rollback ${displayPath(ctx.cwd, project.root)} ${run.id}`));
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
