// `ownit cutover --from <source> --to <target>`: the switch from a followed source, as one run of
// the project that `ownit rollback` undoes (it gives the source its writes back). The plan of what
// is revoked is in the run ledger before the first revoke, so a kill at any point leaves rollback
// what it needs. Prints each step, the write-unavailable window and what to switch.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { OwnitError, redactUrl, resolveProjectRoot, Run, EXPORT_DIR } from "@ownit/core";
import {
  connect,
  cutover as runCutover,
  parseConnectionUrl,
  refuseTransactionPooler,
  restoreWrites,
  VERIFY_AFTER_SWITCH_FAILED,
  type CutoverStep,
  type WriteStop,
} from "@ownit/db";
import type { CliContext } from "../context";
import { color } from "../context";
import { displayPath } from "../format";
import { formatCount } from "./db";
import { undoUrl } from "./restore";
import { databaseUndoers } from "../recover-first";

/** The ledger's kind for a cutover's write stop; rollback gives the writes back by it. */
export const CUTOVER_ACTION = "postgres-cutover";

export interface CutoverCliOptions {
  from: string;
  to: string;
  export: string;
  project: string;
  yes?: boolean;
  json?: boolean;
  jobs: string;
  verifyAfterSwitch?: boolean;
}

const STEP_TEXT: Record<CutoverStep, string> = {
  "writes-stopped": "writes stopped on the source",
  "caught-up": "target caught up with every committed write",
  "sequences-set": "sequences on the target moved to the source's values",
  verified: "target verified against the stopped source",
  "replication-removed": "subscription, slot and publication removed",
};

/** Names of the project's env variables whose value points at the source's host (values never printed). */
function envVarsNaming(root: string, host: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(root).filter((f) => /^\.env(\..+)?$/.test(f) && !f.endsWith(".example"))) {
    for (const line of readFileSync(path.join(root, file), "utf8").split("\n")) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (m && m[2]!.includes(host)) names.add(m[1]!);
    }
  }
  return [...names].sort();
}

export async function cutoverCommand(ctx: CliContext, opts: CutoverCliOptions): Promise<void> {
  refuseTransactionPooler(opts.from);
  const exportDir = path.resolve(ctx.cwd, opts.export);
  const { root } = resolveProjectRoot(path.resolve(ctx.cwd, opts.project));
  const source = redactUrl(opts.from);
  if (!opts.yes) {
    if (!ctx.interactive)
      throw new OwnitError("confirm-needed", `cutover stops the app's writes on ${source}`, "pass --yes to go ahead");
    if (!(await ctx.confirm(`Stop the app's writes on ${source} and switch to ${redactUrl(opts.to)}?`)))
      throw new OwnitError("cancelled", "cutover cancelled: nothing was changed", "run it again when ready");
  }
  const emit = (event: Record<string, unknown>, text: string) => ctx.out(opts.json ? JSON.stringify(event) : text);
  // A cutover changes no file of the project, so uncommitted work does not stand in its way.
  let run: Run | undefined;
  let plan: WriteStop | undefined;
  let targetLive = false;
  let interrupted = false;
  // Ctrl-C or a polite kill: give the source its writes back before going (SIGKILL leaves that to `ownit rollback`).
  const onSignal = () => {
    interrupted = true;
    void (async () => {
      if (run && targetLive) {
        run.finish({ records: { cutover: { interrupted: true, verified: false } } });
        ctx.err(
          color.yellow(
            `interrupted after the switch: the target has every write, verification did not finish; undo with npx ownit rollback ${run.id}`,
          ),
        );
      } else if (run && plan) {
        try {
          const client = await connect(opts.from, "source");
          try {
            await restoreWrites(client, plan);
          } finally {
            await client.end().catch(() => {});
          }
          run.abort(new Error("interrupted"));
          ctx.err(color.yellow(`interrupted: the source takes writes again, replication goes on (run ${run.id})`));
        } catch {
          ctx.err(color.red(`interrupted, and the source's writes could not be given back: run npx ownit rollback ${run.id}`));
        }
      }
      process.exit(130);
    })();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const result = await runCutover({
      from: opts.from,
      to: opts.to,
      exportDir,
      jobs: Math.max(1, Number(opts.jobs) || 2),
      recordIntent: (stop: WriteStop) => {
        run = Run.start(root, {
          command: "cutover",
          summary: `cutover from ${source} to ${redactUrl(opts.to)}`,
          allowDirty: true,
        });
        run.recordDatabase({ kind: CUTOVER_ACTION, target: source, objects: [], stop });
        plan = stop;
        emit(
          { event: "intent-recorded", run: run.id, grants: stop.grants.length },
          `run ${run.id}: ${stop.grants.length} write grant(s) to revoke, database ${stop.database} to read-only`,
        );
      },
      verifyAfterSwitch: opts.verifyAfterSwitch,
      onStep: (step, ms) => {
        // Interrupted: go no further (the signal handler is giving the writes back).
        if (interrupted) throw new OwnitError("interrupted", "cutover interrupted", "run it again when ready");
        if (step === "replication-removed") targetLive = true;
        emit({ event: "step", step, ms }, `  ${(ms / 1000).toFixed(2).padStart(6)} s  ${STEP_TEXT[step]}`);
        if (opts.verifyAfterSwitch && step === "replication-removed")
          emit(
            { event: "switch-now", windowMs: ms },
            color.green(
              `  switch now: the target holds every write (writes were unavailable for ${(ms / 1000).toFixed(2)} s); verifying the data as it was at the switch …`,
            ),
          );
      },
    });
    run!.finish({
      records: {
        cutover: {
          windowMs: result.windowMs,
          verifyMs: result.verifyMs,
          verifyAfterSwitch: opts.verifyAfterSwitch === true,
          steps: result.steps,
          stopLsn: result.stopLsn,
          sessionsEnded: result.sessionsEnded,
          sequences: result.sequences.length,
          tables: result.report.tables.length,
        },
      },
    });
    const rows = result.report.tables.reduce((n, t) => n + t.rows, 0);
    const host = parseConnectionUrl(opts.from).host;
    const vars = existsSync(root) ? envVarsNaming(root, host) : [];
    if (opts.json) {
      ctx.out(
        JSON.stringify({
          event: "done",
          run: run!.id,
          windowMs: result.windowMs,
          verifyMs: result.verifyMs,
          steps: result.steps,
          stopLsn: result.stopLsn,
          tables: result.report.tables.length,
          rows,
          sequences: result.sequences.length,
          envVars: vars,
        }),
      );
      return;
    }
    ctx.out(
      color.green(
        `cut over: ${result.report.tables.length} table(s), ${formatCount(rows)} row(s) and ${result.sequences.length} sequence(s) on ${redactUrl(opts.to)} match the stopped source`,
      ),
    );
    ctx.out(
      `  writes were unavailable for ${(result.windowMs / 1000).toFixed(2)} s (checksums ${(result.verifyMs / 1000).toFixed(2)} s${opts.verifyAfterSwitch ? ", after the switch" : ""}); ${result.sessionsEnded} app session(s) ended; the source stays read-only`,
    );
    ctx.out(
      `  switch now: point the app's database connection at ${redactUrl(opts.to)}${vars.length ? ` (${vars.join(", ")} in ${displayPath(ctx.cwd, root)}/.env*)` : " (DATABASE_URL / SUPABASE_DB_URL, or the DNS name it uses)"}`,
    );
    ctx.out(`  and move the DNS name or env of ${host} in your host's settings if the app reaches the database through it`);
    ctx.out(color.dim(`undo it (the source takes writes again):   npx ownit rollback ${displayPath(ctx.cwd, root)} ${run!.id}`));
  } catch (error) {
    // Writes were given back (or nothing was stopped): the run is over. When they could not be,
    // the run stays in progress so `ownit rollback` can finish the job.
    if (run && error instanceof OwnitError && error.code === VERIFY_AFTER_SWITCH_FAILED) {
      // The target already took over: the run stands, so `ownit rollback` can give the source its writes back.
      run.finish({ records: { cutover: { verifyAfterSwitch: true, verified: false, error: error.message } } });
    } else if (run && !interrupted && !(error instanceof OwnitError && error.code === "writes-not-restored")) run.abort(error);
    if (interrupted) await new Promise(() => {}); // the signal handler ends the process
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

databaseUndoers.set(CUTOVER_ACTION, async (action, opts) => {
  const client = await connect(undoUrl(action, opts), "source");
  try {
    await restoreWrites(client, action.stop as WriteStop);
  } finally {
    await client.end().catch(() => {});
  }
});

export function registerCutover(program: Command, ctx: CliContext): void {
  program
    .command("cutover")
    .description(
      "switch a followed source to its target: stop the app's writes, wait for lag 0, move sequences, verify, drop replication (a run: `ownit rollback` gives the source its writes back)",
    )
    .requiredOption("--from <url>", "the source `ownit follow` streams from")
    .requiredOption("--to <url>", "the target it streams into")
    .option("--export <dir>", "the follow-ready export", `./${EXPORT_DIR}`)
    .option("--project <dir>", "project folder whose run ledger records the cutover", ".")
    .option("--yes", "go ahead without asking")
    .option("--json", "print JSON lines (each step, then the summary)")
    .option("--jobs <n>", "parallel connections per server for the checksums", "2")
    .option(
      "--verify-after-switch",
      "open the target as soon as its data is final and verify a snapshot of it afterwards (a short window for a large database)",
    )
    .action((opts: CutoverCliOptions) => cutoverCommand(ctx, opts));
}
