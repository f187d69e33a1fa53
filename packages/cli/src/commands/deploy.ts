// `ownit deploy [dir]`: emit the Dockerfile, compose file, host configs and .env.example from the
// project's facts, as one run (tagged, rollback-able); --dry-run prints the diff and writes nothing.
import path from "node:path";
import type { Command } from "commander";
import { buildPlan, detectProject, resolveProjectRoot } from "@ownit/core";
import { DEPLOY_TARGETS, deployStep, parseTargets, type DeployResult, type PlacementStatus } from "@ownit/deploy";
import { confirmAndApply } from "../confirm-and-apply";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatFindings } from "../format";
import { recoverFirst } from "../recover-first";

export interface DeployOptions {
  target?: string[];
  yes?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
  force?: boolean;
}

const STATUS_LABEL: Record<PlacementStatus, string> = {
  created: "new",
  unchanged: "unchanged",
  regenerated: "updated (ownit wrote it and it was not edited since)",
  overwritten: "overwritten (--force)",
  beside: "yours kept; ownit's version written beside it",
  merged: "extended with the variables it lacked",
};

export async function deploy(ctx: CliContext, dir: string, opts: DeployOptions): Promise<void> {
  const targets = parseTargets(opts.target);
  await recoverFirst(ctx, resolveProjectRoot(path.resolve(ctx.cwd, dir)).root);
  const project = detectProject(path.resolve(ctx.cwd, dir));
  let result: DeployResult | undefined;
  const step = deployStep({ targets, strict: true, onPlaced: (r) => (result = r) });
  const plan = await buildPlan(project, [step], { force: opts.force });
  const placed = result!;

  ctx.out(
    `${color.bold("deploy")}      ${placed.project.framework} (${placed.project.runtime === "static" ? `static files behind nginx on ${placed.project.port}` : `Node server on ${placed.project.port}`}), ${placed.project.packageManager.name}, targets: ${targets.join(", ")}`,
  );
  for (const p of placed.placements) {
    const where = p.writtenTo === p.path ? p.path : `${p.path} → ${p.writtenTo}`;
    ctx.out(
      `  ${(p.status === "unchanged" ? color.dim : p.status === "beside" ? color.yellow : color.green)(where.padEnd(40))} ${color.dim(STATUS_LABEL[p.status])}  ${p.purpose}`,
    );
  }
  for (const s of placed.skipped) ctx.out(color.dim(`  skipped ${s.target}: ${s.reason}`));
  const findings = plan.findings.filter((f) => f.code !== "deploy-target-skipped");
  if (findings.length) for (const line of formatFindings(findings)) ctx.out(line);

  await confirmAndApply(ctx, plan, opts, {
    command: "deploy",
    summary: `deploy files for ${targets.join(", ")}`,
    nothingToChange: "nothing to change: the deploy files are up to date",
  });
}

export function registerDeploy(program: Command, ctx: CliContext): void {
  program
    .command("deploy")
    .description(
      "write a Dockerfile, docker-compose.yml, host configs and .env.example from the project's facts, as a run that can be rolled back",
    )
    .argument("[dir]", "project folder", ".")
    .option("-t, --target <target...>", `where to deploy: ${DEPLOY_TARGETS.join(", ")} or all (default: all)`)
    .option("-y, --yes", "write without asking")
    .option("--dry-run", "print the unified diff and write nothing")
    .option("--allow-dirty", "run even with uncommitted changes in git")
    .option("--force", "overwrite your existing files instead of writing <name>.ownit beside them")
    .action((dir: string, opts: DeployOptions) => deploy(ctx, dir, opts));
}
