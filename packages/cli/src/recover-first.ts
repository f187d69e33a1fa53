// The first step of every command that works on a project: finish or undo a run a killed ownit
// left in-progress (and a half-done rollback), say so, and name any run record that is damaged
// without letting it stop the command.
import { damagedRuns, recoverInterruptedRuns, type DatabaseAction, type Recovery } from "@ownit/core";
import type { CliContext } from "./context";
import { color } from "./context";
import type { UndoOptions } from "./database-actions";

/** Undoes one database action a run recorded; its handlers (and pg) load only when one is needed. */
export async function undoDatabaseAction(action: DatabaseAction, opts: UndoOptions): Promise<void> {
  const { undoDatabaseAction: undo } = await import("./database-undo");
  await undo(action, opts);
}

export async function recoverFirst(ctx: CliContext, root: string, opts: UndoOptions = {}): Promise<Recovery[]> {
  for (const damaged of damagedRuns(root)) {
    ctx.err(`${color.yellow("warning")} ${damaged.error.message}`);
    if (damaged.error.hint) ctx.err(`${color.dim("hint")}  ${damaged.error.hint}`);
  }
  const recovered = await recoverInterruptedRuns(root, {
    undoDatabase: (action) => undoDatabaseAction(action, { ...opts, root }),
    settleDatabase: async (action, manifest) => {
      const { settleDatabaseAction } = await import("./database-undo");
      return settleDatabaseAction(action, manifest, { ...opts, root });
    },
  });
  for (const r of recovered) ctx.err(`${r.outcome === "left" ? color.yellow("warning") : color.cyan("recovered")} ${r.message}`);
  return recovered;
}
