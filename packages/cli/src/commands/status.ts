// `ownit status [dir] [--json]`: where the owned branch stands against the builder's: commits behind,
// the builder's changed files that still hold builder code (they will be migrated on sync), and the
// schema changes waiting for the owned database. Reads git and files only; writes nothing.
import path from "node:path";
import type { Command } from "commander";
import {
  buildPlan,
  detectProject,
  exportTree,
  mergeHead,
  pendingSync,
  previewSync,
  resolveProjectRoot,
  schemaApplyCommand,
  syncSteps,
  unmergedPaths,
} from "@ownit/core";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import type { CliContext } from "../context";
import { color } from "../context";

export interface BranchStatus {
  ownedBranch: string;
  builderBranch: string;
  builderCommit: string;
  lastSynced: string;
  behind: number;
  commits: Array<{ commit: string; subject: string }>;
  changedFiles: string[];
  needMigrating: string[];
  schemaChanges: Array<{ kind: string; status: string; path: string; apply: string }>;
  /** A sync stopped by conflicts, waiting for --continue: the files still in conflict. */
  waitingSync: { builderCommit: string; conflicts: string[] } | null;
}

/** The builder's changed files the codemods would rewrite, planned on the builder's own tree. */
async function filesNeedingMigration(ctx: CliContext, root: string, commit: string, changed: string[]): Promise<string[]> {
  if (!changed.length) return [];
  const tree = mkdtempSync(path.join(os.tmpdir(), "ownit-builder-"));
  try {
    exportTree(root, commit, tree);
    const project = detectProject(tree);
    const steps = syncSteps(await ctx.migrationSteps(project, {}), []).filter((s) => s.kind !== "emit");
    const plan = await buildPlan(project, steps, {});
    const wanted = new Set(changed);
    return plan.changes.map((c) => c.path).filter((p) => wanted.has(p));
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

export async function branchStatus(ctx: CliContext, root: string, from?: string): Promise<BranchStatus> {
  const preview = previewSync(root, from);
  const waiting = pendingSync(root);
  const changedFiles = preview.changed.filter((c) => c.status !== "D").map((c) => c.path);
  return {
    ownedBranch: preview.ownedBranch,
    builderBranch: preview.builderBranch,
    builderCommit: preview.builderCommit,
    lastSynced: preview.lastSynced,
    behind: preview.commits.length,
    commits: preview.commits,
    changedFiles,
    needMigrating: await filesNeedingMigration(ctx, root, preview.builderCommit, changedFiles),
    schemaChanges: preview.schemaChanges.map((c) => ({ ...c, apply: schemaApplyCommand(c) })),
    waitingSync:
      waiting && mergeHead(root) === waiting.builderCommit
        ? { builderCommit: waiting.builderCommit, conflicts: unmergedPaths(root) }
        : null,
  };
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("where the owned branch stands against the builder's: commits behind, files to migrate, pending schema changes")
    .argument("[dir]", "project folder (on the owned branch)", ".")
    .option("--from <branch>", "the builder's branch (default: the one recorded by migrate --branch, else main)")
    .option("--json", "print the status as JSON")
    .action(async (dir: string, opts: { from?: string; json?: boolean }) => {
      const { root } = resolveProjectRoot(path.resolve(ctx.cwd, dir));
      const s = await branchStatus(ctx, root, opts.from);
      if (opts.json) return ctx.out(JSON.stringify(s, null, 2));
      ctx.out(`${color.bold("owned")}       ${s.ownedBranch}, builder commit ${s.lastSynced.slice(0, 12)} last taken in`);
      ctx.out(
        `${color.bold("builder")}     ${s.builderBranch} at ${s.builderCommit.slice(0, 12)}: ${s.behind ? `${s.behind} commit(s) behind` : "up to date"}`,
      );
      for (const c of s.commits.slice(-10)) ctx.out(color.dim(`  ${c.commit.slice(0, 12)} ${c.subject}`));
      if (s.changedFiles.length)
        ctx.out(
          `${color.bold("changed")}     ${s.changedFiles.length} file(s), ${s.needMigrating.length} with builder code to migrate`,
        );
      for (const f of s.needMigrating) ctx.out(`  ~ ${f}`);
      if (s.schemaChanges.length) ctx.out(color.yellow(`${s.schemaChanges.length} schema change(s) pending:`));
      for (const c of s.schemaChanges) ctx.out(`  ${c.path}\n${color.dim(`      ${c.apply}`)}`);
      if (s.waitingSync) {
        const left = s.waitingSync.conflicts;
        ctx.out(
          color.yellow(
            `a sync is waiting: ${left.length ? `${left.length} file(s) still in conflict: ${left.join(", ")}` : "every conflict is resolved"}; finish it with npx ownit sync-builder --continue`,
          ),
        );
      } else if (s.behind) ctx.out(color.dim("bring them in with: npx ownit sync-builder"));
    });
}
