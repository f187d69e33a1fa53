// `ownit follow --from <source> --to <target>`: after `dump --follow-ready` + `restore`, keep the
// target in step with the live source through logical replication, and show how far behind it is
// (rows applied per table, lag in bytes and seconds): once, or with --watch until interrupted, as a
// live line on a terminal and JSON lines otherwise.
import path from "node:path";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { OwnitError, EXPORT_DIR } from "@ownit/core";
import {
  connect,
  followStatus,
  POLL_INTERVAL_MS,
  readFollowState,
  startFollow,
  stopFollowing,
  type FollowStatus,
} from "@ownit/db";
import type { CliContext } from "../context";
import { color } from "../context";
import { displayPath } from "../format";
import { formatBytes, formatCount } from "./db";

export interface FollowCliOptions {
  from: string;
  to: string;
  export: string;
  watch?: boolean;
  json?: boolean;
  interval: string;
  stop?: boolean;
}

function lagText(s: FollowStatus): string {
  return `${formatBytes(s.lagBytes)} behind${s.lagSeconds === null ? "" : ` (${s.lagSeconds.toFixed(1)} s)`}`;
}

export function formatStatus(s: FollowStatus): string[] {
  const lines = [
    `${s.streaming ? color.green("streaming") : color.red("not streaming")}  ${lagText(s)}, ${formatCount(s.appliedRows)} row change(s) applied`,
  ];
  const width = Math.min(40, Math.max(5, ...s.tables.map((t) => t.name.length)));
  for (const t of s.tables)
    if (t.inserted || t.updated || t.deleted)
      lines.push(`  ${t.name.padEnd(width)}  +${formatCount(t.inserted)} ~${formatCount(t.updated)} -${formatCount(t.deleted)}`);
  return lines;
}

export async function follow(ctx: CliContext, opts: FollowCliOptions): Promise<void> {
  const exportDir = path.resolve(ctx.cwd, opts.export);
  const interval = Number(opts.interval);
  if (!Number.isFinite(interval) || interval < 50)
    throw new OwnitError(
      "bad-option",
      `--interval ${opts.interval} is not a number of milliseconds of at least 50`,
      "pass e.g. --interval 1000",
    );
  if (opts.stop) {
    const { name } = await stopFollowing({ from: opts.from, to: opts.to, exportDir });
    ctx.out(
      opts.json
        ? JSON.stringify({ event: "stopped", name })
        : color.green(
            `stopped following: subscription, slot ${name} and its publications removed; the source keeps no WAL for it`,
          ),
    );
    return;
  }
  const setup = await startFollow({ from: opts.from, to: opts.to, exportDir });
  if (opts.json)
    ctx.out(
      JSON.stringify({
        event: "following",
        name: setup.state.name,
        created: setup.created,
        tables: setup.tables,
        replicaIdentityFull: setup.state.replicaIdentityFull,
        insertOnly: setup.state.insertOnly,
      }),
    );
  else if (setup.created) {
    ctx.out(
      color.green(
        `following ${setup.state.source} into ${setup.state.target}: ${setup.tables} table(s) from the export's snapshot on, through slot ${setup.state.name}`,
      ),
    );
    if (setup.state.replicaIdentityFull.length)
      ctx.out(`  REPLICA IDENTITY FULL on ${setup.state.replicaIdentityFull.join(", ")} (no primary key; cutover puts it back)`);
    if (setup.state.insertOnly.length)
      ctx.out(
        color.yellow(
          `  only inserts stream for ${setup.state.insertOnly.join(", ")}: no primary key and a column type without equality (json, …); cutover's verify refuses if their rows were updated or deleted. Add a primary key to stream everything.`,
        ),
      );
    ctx.out(
      color.dim(
        `  the target's subscription holds the source's connection string (readable by its superusers only); state in ${displayPath(ctx.cwd, exportDir)}`,
      ),
    );
  } else ctx.out(`already following (slot ${setup.state.name})`);

  const state = readFollowState(exportDir);
  const source = await connect(opts.from, "source");
  const target = await connect(opts.to, "target").catch(async (e) => {
    await source.end();
    throw e;
  });
  try {
    if (!opts.watch) {
      const s = await followStatus(source, target, state);
      if (opts.json) ctx.out(JSON.stringify({ event: "status", ...s }));
      else for (const line of formatStatus(s)) ctx.out(line);
      if (!opts.json)
        ctx.out(
          color.dim(
            `next: npx ownit cutover --from <source> --to <target> --export ${displayPath(ctx.cwd, exportDir)}   (watch it: --watch)`,
          ),
        );
      return;
    }
    await watch(ctx, opts, () => followStatus(source, target, state), interval);
  } finally {
    await source.end().catch(() => {});
    await target.end().catch(() => {});
  }
}

/** Polls until SIGINT/SIGTERM: one live line on a terminal, a JSON line per poll otherwise. */
async function watch(
  ctx: CliContext,
  opts: FollowCliOptions,
  poll: () => Promise<FollowStatus>,
  interval: number,
): Promise<void> {
  let stopped = false;
  const stop = () => (stopped = true);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const live =
    ctx.interactive && !opts.json
      ? new cliProgress.SingleBar(
          { format: "{state} {lag} | {applied} row change(s) applied | {busiest}", hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  try {
    while (!stopped) {
      const s = await poll();
      if (live) {
        const busiest = [...s.tables].sort(
          (a, b) => b.inserted + b.updated + b.deleted - (a.inserted + a.updated + a.deleted),
        )[0];
        const payload = {
          state: s.streaming ? "streaming" : "NOT STREAMING",
          lag: lagText(s),
          applied: formatCount(s.appliedRows),
          busiest: busiest ? `${busiest.name} +${busiest.inserted} ~${busiest.updated} -${busiest.deleted}` : "",
        };
        if (!live.isActive) live.start(1, 0, payload);
        else live.update(0, payload);
      } else if (opts.json) ctx.out(JSON.stringify({ event: "status", ...s }));
      else ctx.out(formatStatus(s)[0]!);
      await new Promise((r) => setTimeout(r, interval));
    }
  } finally {
    live?.stop();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

export function registerFollow(program: Command, ctx: CliContext): void {
  program
    .command("follow")
    .description(
      "after `dump --follow-ready` and `restore`: keep the target in step with the live source (logical replication), and show the lag",
    )
    .requiredOption(
      "--from <url>",
      "the source: its direct connection or session pooler, as a role with REPLICATION that owns the tables",
    )
    .requiredOption("--to <url>", "the restored target (a superuser: it creates the subscription)")
    .option("--export <dir>", "the follow-ready export the target was restored from", `./${EXPORT_DIR}`)
    .option("--watch", "stay and show the state until interrupted")
    .option("--json", "print JSON lines")
    .option("--stop", "give following up without a cutover: remove the subscription, the slot and the publications")
    .option("--interval <ms>", "with --watch: how often to poll", String(POLL_INTERVAL_MS * 5))
    .action((opts: FollowCliOptions) => follow(ctx, opts));
}
