// `ownit runs` and `ownit rollback`: the ledger of what ownit changed, and undoing it.
import path from "node:path";
import type { Command } from "commander";
import { listRuns, resolveProjectRoot, rollbackRun } from "@ownit/core";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatRun } from "../format";
import { recoverFirst, undoDatabaseAction } from "../recover-first";

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command("runs")
    .description("list the runs ownit applied to a project")
    .argument("[dir]", "project folder", ".")
    .option("--json", "print the run manifests as JSON")
    .action(async (dir: string, opts: { json?: boolean }) => {
      const { root } = resolveProjectRoot(path.resolve(ctx.cwd, dir));
      await recoverFirst(ctx, root);
      const runs = listRuns(root);
      if (opts.json) return ctx.out(JSON.stringify(runs, null, 2));
      if (!runs.length) return ctx.out("no runs yet");
      for (const run of runs) ctx.out(formatRun(run));
    });

  program
    .command("rollback")
    .description("undo a run (default: the latest): files restored byte for byte, generated files and restored databases removed")
    .argument("[dir]", "project folder", ".")
    .argument("[id]", "run id (see `ownit runs`)")
    .option("--force", "roll back even if files were edited since the run (their edits are lost)")
    .option("--db-url <url>", "connection string for the database a restore wrote to (when the manifest's has no password)")
    .action(async (dir: string, id: string | undefined, opts: { force?: boolean; dbUrl?: string }) => {
      const { root } = resolveProjectRoot(path.resolve(ctx.cwd, dir));
      const recovered = await recoverFirst(ctx, root, { dbUrl: opts.dbUrl });
      // An interrupted run that was just undone (or an interrupted rollback just finished) was what
      // this rollback was for; without an id nothing older is touched.
      const settled = recovered.filter((r) => r.outcome === "undone" || r.outcome === "rolled-back");
      if (settled.length && (!id || settled.some((r) => r.id === id))) return;
      const run = await rollbackRun(root, id, {
        force: opts.force,
        undoDatabase: (action) => undoDatabaseAction(action, { dbUrl: opts.dbUrl, root }),
      });
      ctx.out(
        color.green(
          `rolled back ${run.id}: ${run.files.length} file(s) restored${run.database.length ? `, ${run.database.length} database action(s) undone` : ""}`,
        ),
      );
    });
}
