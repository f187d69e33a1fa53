// `ownit sync-builder [dir] [--from <branch>] [--yes] [--continue]`: the builder's new commits carried
// onto the owned branch as one run (merge, every codemod again, deploy files, commit, tag). On a
// conflict the merge stays in git's conflict state and nothing is committed; --continue finishes it.
import path from "node:path";
import type { Command } from "commander";
import {
  buildPlan,
  continueSync,
  detectProject,
  formatFinding,
  OwnitError,
  previewSync,
  resolveProjectRoot,
  schemaApplyCommand,
  syncBuilder,
  syncSteps,
  type SyncHooks,
  type SyncPreview,
  type SyncResult,
  type RunManifest,
} from "@ownit/core";
import { applySchemaStatements, schemaChangeStatements } from "@ownit/db";
import { lockRefreshStep } from "@ownit/codemod";
import { DATABASE_URL_ENV } from "@ownit/deploy";
import type { CliContext } from "../context";
import { color } from "../context";
import { displayPath } from "../format";
import { recoverFirst, undoDatabaseAction } from "../recover-first";
import { SCHEMA_CHANGES_ACTION } from "../database-actions";

export interface SyncBuilderOptions {
  from?: string;
  yes?: boolean;
  continue?: boolean;
  pruneLocks?: boolean;
  applyMigrations?: boolean;
  dbUrl?: string;
}

/** The owned database the builder's schema changes go to: --db-url, else $DATABASE_URL. */
function ownedDatabaseUrl(opts: SyncBuilderOptions): string {
  const url = opts.dbUrl ?? process.env[DATABASE_URL_ENV];
  if (!url)
    throw new OwnitError(
      "no-database-url",
      "--apply-migrations needs the owned database's connection string",
      `pass --db-url postgres://user:password@host:5432/dbname, or set ${DATABASE_URL_ENV}`,
    );
  return url;
}

/** Plans the codemods and deploy files over the merged tree, chosen by what the builder's code needs. */
function syncHooks(ctx: CliContext, opts: SyncBuilderOptions): SyncHooks {
  return {
    async plan(root, builderTree) {
      const options = { pruneLocks: opts.pruneLocks } as Record<string, unknown>;
      const merged = detectProject(root);
      const builder = detectProject(builderTree);
      const steps = syncSteps(await ctx.migrationSteps(builder, options), await ctx.migrationSteps(merged, options), [
        lockRefreshStep(),
      ]);
      return buildPlan(merged, steps, options);
    },
    ...(opts.applyMigrations
      ? {
          async applySchemaChanges(run, changes) {
            const url = ownedDatabaseUrl(opts);
            const { statements, skipped } = schemaChangeStatements(run.root, changes);
            for (const c of skipped)
              ctx.out(
                color.yellow(
                  `not applied: ${c.path} was ${c.status === "D" ? "deleted" : "changed"} by the builder after it was applied; look at it by hand`,
                ),
              );
            if (!statements.length) return;
            const applied = await applySchemaStatements(url, statements);
            run.recordDatabase({
              kind: SCHEMA_CHANGES_ACTION,
              target: applied.target,
              objects: applied.created,
              files: applied.files,
            });
          },
          undoDatabase: (action) => undoDatabaseAction(action, { dbUrl: ownedDatabaseUrl(opts) }),
        }
      : {}),
  };
}

function formatPreview(ctx: CliContext, preview: SyncPreview): void {
  ctx.out(`${color.bold("owned")}       ${preview.ownedBranch}, builder commit ${preview.lastSynced.slice(0, 12)} last taken in`);
  ctx.out(
    `${color.bold("builder")}     ${preview.builderBranch} at ${preview.builderCommit.slice(0, 12)}: ${preview.commits.length} new commit(s), ${preview.changed.length} file(s) changed`,
  );
  for (const c of preview.commits.slice(-10)) ctx.out(color.dim(`  ${c.commit.slice(0, 12)} ${c.subject}`));
  if (preview.commits.length > 10) ctx.out(color.dim(`  … and ${preview.commits.length - 10} earlier`));
}

function formatSchemaChanges(ctx: CliContext, preview: SyncPreview, run?: RunManifest): void {
  if (!preview.schemaChanges.length) return;
  const applied = run?.database.find((a) => a.kind === SCHEMA_CHANGES_ACTION);
  if (applied) {
    const files = (applied.files as string[] | undefined) ?? [];
    ctx.out(color.green(`applied ${files.length} schema change(s) to ${applied.target} (rollback drops what they created):`));
    for (const file of files) ctx.out(`  + ${file}`);
    return;
  }
  ctx.out(color.yellow(`${preview.schemaChanges.length} schema change(s) from the builder, not yet in your database:`));
  for (const change of preview.schemaChanges) {
    ctx.out(`  ${change.status === "A" ? "+" : change.status === "D" ? "-" : "~"} ${change.path}`);
    ctx.out(color.dim(`      ${schemaApplyCommand(change)}`));
  }
}

function report(ctx: CliContext, root: string, result: SyncResult): void {
  if (result.status === "up-to-date") {
    ctx.out(`nothing to sync: ${result.preview.ownedBranch} has every commit of ${result.preview.builderBranch}`);
    return;
  }
  if (result.status === "conflict") {
    const where = displayPath(ctx.cwd, root);
    throw new OwnitError(
      "sync-conflict",
      `${result.conflicts.length} file(s) edited on ${result.preview.ownedBranch} and by the builder: ${result.conflicts.join(", ")}; the merge waits in git's conflict state and nothing was committed`,
      `resolve them, \`git add\` each, then \`npx ownit sync-builder ${where} --continue\` (or \`git merge --abort\` to drop the sync)`,
    );
  }
  const run = result.manifest;
  ctx.out();
  ctx.out(
    color.green(
      `run ${run.id}: ${result.preview.commits.length} builder commit(s) merged, ${result.plan.changes.length} file(s) migrated${run.git?.tag ? `, tagged ${run.git.tag}` : ""}`,
    ),
  );
  for (const c of result.plan.changes) ctx.out(color.dim(`  ~ ${c.path}`));
  const todos = run.findings.filter((f) => f.code === "ownit-todo");
  if (todos.length) {
    ctx.out(color.yellow(`${todos.length} ownit-todo marker(s) left in the code:`));
    for (const t of todos) ctx.out(`  ${formatFinding(t)}`);
  }
  formatSchemaChanges(ctx, result.preview, run);
  ctx.out(color.dim(`undo with: npx ownit rollback ${displayPath(ctx.cwd, root)} ${run.id}`));
}

export async function syncBuilderCommand(ctx: CliContext, dir: string, opts: SyncBuilderOptions): Promise<void> {
  const { root } = resolveProjectRoot(path.resolve(ctx.cwd, dir));
  if (opts.applyMigrations) ownedDatabaseUrl(opts);
  await recoverFirst(ctx, root, { dbUrl: opts.dbUrl });
  const hooks = syncHooks(ctx, opts);
  if (opts.continue) return report(ctx, root, await continueSync(root, hooks));
  const preview = previewSync(root, opts.from);
  formatPreview(ctx, preview);
  if (preview.commits.length && !opts.yes) {
    if (!ctx.interactive)
      throw new OwnitError(
        "needs-confirmation",
        "sync-builder needs confirmation, and no one is at the terminal to give it",
        "pass --yes to merge and migrate the builder's commits",
      );
    if (
      !(await ctx.confirm(
        `Merge ${preview.commits.length} commit(s) from ${preview.builderBranch} into ${preview.ownedBranch} and migrate them?`,
      ))
    ) {
      ctx.out("nothing applied");
      return;
    }
  }
  report(ctx, root, await syncBuilder(root, { from: opts.from }, hooks));
}

export function registerSyncBuilder(program: Command, ctx: CliContext): void {
  program
    .command("sync-builder")
    .description("merge the builder's new commits into the owned branch and migrate them, as one run that can be rolled back")
    .argument("[dir]", "project folder (on the owned branch)", ".")
    .option("--from <branch>", "the builder's branch (default: the one recorded by migrate --branch, else main)")
    .option("-y, --yes", "apply without asking")
    .option("--continue", "finish a sync stopped by conflicts, once they are resolved and added")
    .option("--prune-locks", "delete lock files that are not authoritative")
    .option(
      "--apply-migrations",
      "apply the builder's new migrations and entity tables to the owned database, as part of the run (give it again with --continue)",
    )
    .option("--db-url <url>", `with --apply-migrations: the owned database (default: $${DATABASE_URL_ENV})`)
    .action((dir: string, opts: SyncBuilderOptions) => syncBuilderCommand(ctx, dir, opts));
}
