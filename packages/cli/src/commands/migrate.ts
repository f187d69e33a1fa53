// `ownit migrate [dir]`: detect, plan, show, confirm, apply as one run (or --dry-run: a diff only).
import path from "node:path";
import type { Command } from "commander";
import { buildPlan, detectProject, git, resolveProjectRoot, type ProjectFacts } from "@ownit/core";
import { builderBranchAdvice, enterOwnedBranch, leaveOwnedBranchIfUnused } from "../owned-branch";
import { confirmAndApply } from "../confirm-and-apply";
import type { CliContext } from "../context";
import { recoverFirst } from "../recover-first";
import { formatDataNextSteps, formatFindings, formatPlan, formatProject } from "../format";
import { resolveDataHost } from "./detect";

export interface MigrateOptions {
  yes?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
  pruneLocks?: boolean;
  force?: boolean;
  branch?: string;
  dataHost?: string;
}

export async function migrate(ctx: CliContext, dir: string, opts: MigrateOptions): Promise<void> {
  await recoverFirst(ctx, resolveProjectRoot(path.resolve(ctx.cwd, dir)).root);
  const project: ProjectFacts = detectProject(path.resolve(ctx.cwd, dir));
  for (const line of formatProject(project)) ctx.out(line);
  const branch = opts.branch ?? (opts.dryRun ? undefined : await builderBranchAdvice(ctx, project, opts.yes));
  // A dry run plans on the tree as it is: the branch would hold the same files.
  const owned = branch && !opts.dryRun ? enterOwnedBranch(ctx, project.root, branch) : undefined;
  const startedAt = owned && git.headCommit(project.root);
  try {
    const options = { ...opts } as Record<string, unknown>;
    const plan = await buildPlan(project, await ctx.migrationSteps(project, options), options);
    if (owned) Object.assign(plan.records, owned.record);
    ctx.out();
    for (const line of formatPlan(plan)) ctx.out(line);
    if (plan.findings.length) for (const line of formatFindings(plan.findings)) ctx.out(line);
    await confirmAndApply(ctx, plan, opts, {
      command: "migrate",
      summary: `migrate ${project.builder.id} export${owned ? ` onto ${owned.branch}` : ""}`,
      nothingToChange: "nothing to change: the project is already free of builder code ownit knows about",
    });
  } finally {
    if (owned && startedAt && git.headCommit(project.root) === startedAt) leaveOwnedBranchIfUnused(ctx, project.root, owned);
  }
  const data = formatDataNextSteps(
    project,
    ctx.cwd,
    project.supabase.used ? await resolveDataHost(ctx, project, opts.dataHost) : undefined,
  );
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
    .option("--branch <name>", "migrate on a new branch (e.g. owned) and leave the builder's branch as the builder wrote it")
    .option(
      "--data-host <kind>",
      "where the database lives, when ownit cannot tell: own-supabase, lovable-cloud, bolt-database, bolt-database-claimed",
    )
    .action((dir: string, opts: MigrateOptions) => migrate(ctx, dir, opts));
}
