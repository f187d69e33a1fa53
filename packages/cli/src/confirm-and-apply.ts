// The end every planning command shares (migrate, transform, deploy): a dry run prints the diff,
// a plan with nothing to do says so, anything else is confirmed (or --yes) and applied as one run.
import { applyPlan, formatFinding, OwnitError, unifiedDiff, type Plan, type RunManifest } from "@ownit/core";
import type { CliContext } from "./context";
import { color } from "./context";
import { displayPath } from "./format";

export interface ApplyChoices {
  yes?: boolean;
  dryRun?: boolean;
  allowDirty?: boolean;
}

export interface RunLabel {
  /** The command, as the ledger records it and the messages name it ("deploy"). */
  command: string;
  summary: string;
  /** Said when the plan changes nothing. */
  nothingToChange: string;
}

/** Returns the run when the plan was applied; undefined for a dry run, nothing to do, or a no. */
export async function confirmAndApply(
  ctx: CliContext,
  plan: Plan,
  choices: ApplyChoices,
  label: RunLabel,
): Promise<RunManifest | undefined> {
  if (choices.dryRun) {
    ctx.out();
    ctx.out(unifiedDiff(plan.changes) || color.dim("(no changes)"));
    ctx.out(color.dim(`dry run: ${plan.changes.length} file(s) would change; nothing was written`));
    return;
  }
  if (!plan.changes.length) {
    ctx.out(label.nothingToChange);
    return;
  }
  if (!choices.yes) {
    if (!ctx.interactive)
      throw new OwnitError(
        "needs-confirmation",
        `${label.command} needs confirmation, and no one is at the terminal to give it`,
        "pass --yes to apply the plan, or --dry-run to see the diff",
      );
    if (!(await ctx.confirm(`Apply ${plan.changes.length} change(s) to ${plan.project.root}?`))) {
      ctx.out("nothing applied");
      return;
    }
  }
  const run = await applyPlan(plan, { command: label.command, summary: label.summary, allowDirty: choices.allowDirty });
  ctx.out();
  ctx.out(color.green(`run ${run.id}: ${run.files.length} file(s) changed${run.git?.tag ? `, tagged ${run.git.tag}` : ""}`));
  const todos = run.findings.filter((f) => f.code === "ownit-todo");
  if (todos.length) {
    ctx.out(color.yellow(`${todos.length} ownit-todo marker(s) left in the code:`));
    for (const t of todos) ctx.out(`  ${formatFinding(t)}`);
  }
  ctx.out(color.dim(`undo with: npx ownit rollback ${displayPath(ctx.cwd, plan.project.root)} ${run.id}`));
  return run;
}
