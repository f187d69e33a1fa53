// `ownit dump base44`: every record of a Base44 app over its API. Resolves the token (never
// printed), runs dumpBase44 from @ownit/db and shows a bar per entity, the retries it waited
// out, and what the owner must know (findings) and do next. `dump --from base44` is its old name.
import path from "node:path";
import { Option, type Command } from "commander";
import { EXPORT_DIR, OwnitError } from "@ownit/core";
import { BASE44_DEFAULT_SERVER_URL, BASE44_TOKEN_ENV, dumpBase44, type Base44DataEnv, type TableProgress } from "@ownit/db";
import { tableBars } from "../progress";
import { commaList, projectOption } from "../common-flags";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatFindings, displayPath } from "../format";

export interface Base44DumpCliOptions {
  appId?: string;
  token?: string;
  tokenEnv?: string;
  serverUrl?: string;
  out?: string;
  /** Comma-separated entity names. */
  entities?: string;
  files?: boolean;
  dataEnv?: string;
  /** The exported project (entity names and schemas); default: the current folder when it is one. */
  project?: string;
  force?: boolean;
}

/** The subcommand's name: `ownit dump base44`. */
export const BASE44_SOURCE = "base44";

/** The options only a Base44 dump has (--out and --force it shares with every dump). */
export function base44Options(): Option[] {
  return [
    new Option("--app-id <id>", "the app's id (default: the one the project names)"),
    new Option("--token-env <var>", `variable holding the app owner's API key (default ${BASE44_TOKEN_ENV})`),
    new Option("--token <key>", "the API key itself (visible in the process list: prefer --token-env)"),
    new Option("--server-url <url>", `API server (default ${BASE44_DEFAULT_SERVER_URL})`),
    new Option("--entities <list>", "entity names the code does not show, comma-separated"),
    new Option("--files", "also download the files records point at"),
    new Option("--data-env <env>", "prod (default) or dev (the app's test data)"),
    new Option("--project <dir>", "the exported project, for entity names and schemas (default: this folder)"),
  ];
}

/** The token from --token, --token-env VAR or $BASE44_API_KEY (BASE44_TOKEN_ENV); errors name the variable, never a value. */
export function resolveBase44Token(
  opts: Pick<Base44DumpCliOptions, "token" | "tokenEnv">,
  env: NodeJS.ProcessEnv = process.env,
): { token: string; from: string } {
  if (opts.token && opts.tokenEnv)
    throw new OwnitError(
      "base44-token-twice",
      "give the Base44 token once: --token or --token-env, not both",
      "prefer --token-env VAR: a token on the command line shows in the process list and shell history",
    );
  if (opts.token) return { token: opts.token, from: "--token" };
  const name = opts.tokenEnv ?? BASE44_TOKEN_ENV;
  const value = env[name]?.trim();
  if (!value) {
    throw new OwnitError(
      "base44-no-token",
      opts.tokenEnv
        ? `environment variable ${name} is empty or not set`
        : `no Base44 token: pass --token-env VAR (or set ${BASE44_TOKEN_ENV})`,
      `put the app owner's API key in it (Base44: profile → Account settings → API Key), e.g. export ${name}=…`,
    );
  }
  return { token: value, from: `$${name}` };
}

export async function runBase44Dump(ctx: CliContext, opts: Base44DumpCliOptions): Promise<void> {
  const { token, from } = resolveBase44Token(opts);
  if (opts.dataEnv && opts.dataEnv !== "prod" && opts.dataEnv !== "dev")
    throw new OwnitError(
      "base44-bad-data-env",
      `--data-env must be prod or dev, not "${opts.dataEnv}"`,
      "dev dumps the app's test data",
    );
  const projectDir = projectOption(ctx.cwd, opts.project);
  const out = path.resolve(ctx.cwd, opts.out ?? EXPORT_DIR);
  const entities = commaList(opts.entities);

  const bars = tableBars(ctx);
  const retries = { rateLimited: 0, failed: 0 };
  const onProgress = (p: TableProgress) => {
    bars.listener?.(p);
    if (!bars.listener && p.done) ctx.out(`  ${p.table.padEnd(24)} ${p.rows} record(s)`);
  };
  ctx.out(
    `${color.bold("dump")}        Base44 app ${opts.appId ?? "(from the project)"}${opts.dataEnv === "dev" ? " (test data)" : ""}, token from ${from}`,
  );
  let result;
  try {
    result = await dumpBase44({
      appId: opts.appId,
      token,
      serverUrl: opts.serverUrl,
      outDir: out,
      projectDir,
      entities,
      files: opts.files,
      dataEnv: opts.dataEnv as Base44DataEnv | undefined,
      force: opts.force,
      onProgress,
      onEvent: (e) => {
        if (e.kind === "retry") {
          if (e.event.reason === "rate-limited") retries.rateLimited++;
          else retries.failed++;
        } else if (e.kind === "checking" && !bars.listener) ctx.out(color.dim(`  ${e.what}`));
        else if (e.kind === "files" && !bars.listener && e.done === e.total) ctx.out(`  ${e.total} file(s) downloaded`);
      },
    });
  } finally {
    bars.stop();
  }
  const records = result.manifest.tables.filter((t) => t.schema === "public").reduce((n, t) => n + t.rowCount, 0);
  ctx.out(
    `${color.green("exported")}    ${records} record(s) of ${Object.keys(result.entities.entities).length} entit(ies) to ${result.dir}`,
  );
  if (retries.rateLimited || retries.failed)
    ctx.out(color.dim(`  waited out ${retries.rateLimited} rate limit(s) and retried ${retries.failed} failed request(s)`));
  for (const line of formatFindings(result.findings)) ctx.out(line);
  ctx.out(color.dim(`next: ownit restore ${displayPath(ctx.cwd, result.dir)} --to postgres://…  then  ownit verify`));
}

export function registerDumpBase44(dump: Command, ctx: CliContext): void {
  const command = dump
    .command(BASE44_SOURCE)
    .description(
      "copy every record of a Base44 app over its API (the owner's API key) into the same portable export a database dump makes; run it in the exported project's folder",
    )
    .option("--out <dir>", "export folder to write", `./${EXPORT_DIR}`)
    .option("--force", "replace the export folder if it exists");
  for (const option of base44Options()) command.addOption(option);
  command.action((opts: Base44DumpCliOptions) => runBase44Dump(ctx, opts));
}
