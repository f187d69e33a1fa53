// The first step of every command that works on a project: finish or undo a run a killed ownit
// left in-progress (and a half-done rollback), say so, and name any run record that is damaged
// without letting it stop the command.
import {
  damagedRuns,
  recoverInterruptedRuns,
  type DatabaseAction,
  type DatabaseSettlement,
  type Recovery,
  type RunManifest,
} from "@ownit/core";
import type { CliContext } from "./context";
import { color } from "./context";

/** Database undo handlers by action kind; the db commands register their own. */
export const databaseUndoers = new Map<string, (action: DatabaseAction, opts: Record<string, unknown>) => Promise<void>>();

/** How to ask a target whether a killed run's restore committed, by action kind. */
export const databaseSettlers = new Map<
  string,
  (action: DatabaseAction, manifest: RunManifest, opts: Record<string, unknown>) => Promise<DatabaseSettlement>
>();

/** Commands load lazily, so the modules that register handlers load when one may be needed. */
async function loadDatabaseHandlers(): Promise<void> {
  await Promise.all([import("./commands/restore"), import("./commands/sync-builder"), import("./commands/cutover")]);
}

export async function undoDatabaseAction(action: DatabaseAction, opts: Record<string, unknown>): Promise<void> {
  await loadDatabaseHandlers();
  const undo = databaseUndoers.get(action.kind);
  if (!undo) throw new Error(`no undo handler for database action ${action.kind}`);
  await undo(action, opts);
}

export async function recoverFirst(ctx: CliContext, root: string, opts: Record<string, unknown> = {}): Promise<Recovery[]> {
  for (const damaged of damagedRuns(root)) {
    ctx.err(`${color.yellow("warning")} ${damaged.error.message}`);
    if (damaged.error.hint) ctx.err(`${color.dim("hint")}  ${damaged.error.hint}`);
  }
  const recovered = await recoverInterruptedRuns(root, {
    undoDatabase: (action) => undoDatabaseAction(action, { ...opts, root }),
    settleDatabase: async (action, manifest) => {
      await loadDatabaseHandlers();
      const settle = databaseSettlers.get(action.kind);
      return settle ? settle(action, manifest, { ...opts, root }) : { unknown: `no way to ask a ${action.kind} target` };
    },
  });
  for (const r of recovered) ctx.err(`${r.outcome === "left" ? color.yellow("warning") : color.cyan("recovered")} ${r.message}`);
  return recovered;
}
