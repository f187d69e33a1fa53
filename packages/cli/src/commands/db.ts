// `ownit db start|stop|url`: the project's own PostgreSQL (data under .ownit/pg/, loopback only,
// generated password in a 0600 file), for owners without a server.
import path from "node:path";
import type { Command } from "commander";
import { OwnitError, resolveProjectRoot } from "@ownit/core";
import { LOCAL_DB_DIR, localDatabaseUrl, startLocalDatabase, stopLocalDatabase } from "@ownit/db";
import type { CliContext } from "../context";
import { displayPath } from "../format";
import { color } from "../context";

/** The exported project's folder (as `ownit runs` finds it: nested ZIP exports included). */
function projectRoot(ctx: CliContext, project: string | undefined): string {
  return resolveProjectRoot(path.resolve(ctx.cwd, project ?? ".")).root;
}

export function registerDb(program: Command, ctx: CliContext): void {
  const db = program
    .command("db")
    .description(`a PostgreSQL of the project's own, under ${LOCAL_DB_DIR}/ (for owners without a server)`);

  db.command("start")
    .description("start the project's local PostgreSQL (created on first use) and print its connection string")
    .option("--project <dir>", "project folder", ".")
    .option("--prefer <kind>", "which PostgreSQL binaries: system (installed) or embedded (the npm package)")
    .action(async (opts: { project?: string; prefer?: "system" | "embedded" }) => {
      if (opts.prefer && !["system", "embedded"].includes(opts.prefer))
        throw new OwnitError(
          "bad-option",
          `--prefer ${opts.prefer} is not system or embedded`,
          "pass --prefer system or --prefer embedded",
        );
      const local = await startLocalDatabase(projectRoot(ctx, opts.project), { prefer: opts.prefer });
      ctx.out(
        `${local.started ? color.green("started") : "already running:"} PostgreSQL ${local.version} on 127.0.0.1:${local.port}, data in ${displayPath(ctx.cwd, local.dir)}`,
      );
      ctx.out(local.url);
    });

  db.command("stop")
    .description("stop the project's local PostgreSQL (its data stays)")
    .option("--project <dir>", "project folder", ".")
    .action((opts: { project?: string }) => {
      const stopped = stopLocalDatabase(projectRoot(ctx, opts.project));
      ctx.out(stopped ? "stopped" : "not running");
    });

  db.command("url")
    .description("print the connection string of the project's local database (it includes the password)")
    .option("--project <dir>", "project folder", ".")
    .action((opts: { project?: string }) => {
      const local = localDatabaseUrl(projectRoot(ctx, opts.project));
      if (!local)
        throw new OwnitError("no-local-db", "this project has no local database yet", "start one with `npx ownit db start`");
      // The one line ownit prints with a password in it: the owner asked for exactly this (`$(npx ownit db url)`).
      (ctx.outSecret ?? ctx.out)(local.url);
      if (!local.running) ctx.err(color.yellow("not running: start it with `npx ownit db start`"));
    });
}
