// `ownit runs` and `ownit rollback`: the ledger of what ownit changed, and undoing it.
import path from "node:path";
import type { Command } from "commander";
import { listRuns, resolveProjectRoot, rollbackRun, type DatabaseAction } from "@ownit/core";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatRun } from "../format";

/** Database undo handlers by action kind; each command that records a database action registers its own. */
export const databaseUndoers = new Map<string, (action: DatabaseAction, opts: Record<string, unknown>) => Promise<void>>();

/** Commands load lazily, so rollback loads the modules whose undo handlers a run may need. */
async function loadDatabaseUndoers(): Promise<void> {
  await Promise.all([import("./restore"), import("./sync-builder"), import("./cutover")]);
}

export function registerRuns(program: Command, ctx: CliContext): void {
  program
    .command("runs")
    .description("list the runs ownit applied to a project")
    .argument("[dir]", "project folder", ".")
    .option("--json", "print the run manifests as JSON")
    .action((dir: string, opts: { json?: boolean }) => {
      const { root } = resolveProjectRoot(path.resolve(ctx.cwd, dir));
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
      await loadDatabaseUndoers();
      const run = await rollbackRun(root, id, {
        force: opts.force,
        undoDatabase: async (action) => {
          const undo = databaseUndoers.get(action.kind);
          if (!undo) throw new Error(`no undo handler for database action ${action.kind}`);
          await undo(action, { dbUrl: opts.dbUrl, root });
        },
      });
      ctx.out(color.green(`rolled back ${run.id}: ${run.files.length} file(s) restored${run.database.length ? `, ${run.database.length} database action(s) undone` : ""}`));
    });
}
