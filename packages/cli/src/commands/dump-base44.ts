// `ownit dump --from base44`: the Base44 branch of the dump command. Resolves the token (never
// printed), runs dumpBase44 from @ownit/db and shows a bar per entity, the retries it waited
// out, and what the owner must know (findings) and do next.
import path from "node:path";
import { existsSync } from "node:fs";
import { OwnitError, EXPORT_DIR } from "@ownit/core";
import { dumpBase44, type Base44DataEnv, type TableProgress } from "@ownit/db";
import { tableBars } from "./db";
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

/** The variable read when neither --token nor --token-env is given. */
export const DEFAULT_BASE44_TOKEN_ENV = "BASE44_API_KEY";

/** The token from --token, --token-env VAR or BASE44_API_KEY; errors name the variable, never a value. */
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
  const name = opts.tokenEnv ?? DEFAULT_BASE44_TOKEN_ENV;
  const value = env[name]?.trim();
  if (!value) {
    throw new OwnitError(
      "base44-no-token",
      opts.tokenEnv
        ? `environment variable ${name} is empty or not set`
        : `no Base44 token: pass --token-env VAR (or set ${DEFAULT_BASE44_TOKEN_ENV})`,
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
  const projectDir = opts.project
    ? path.resolve(ctx.cwd, opts.project)
    : existsSync(path.join(ctx.cwd, "package.json"))
      ? ctx.cwd
      : undefined;
  const out = path.resolve(ctx.cwd, opts.out ?? EXPORT_DIR);
  const entities = opts.entities
    ?.split(",")
    .map((e) => e.trim())
    .filter(Boolean);

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
