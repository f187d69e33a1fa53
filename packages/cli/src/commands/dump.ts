// `ownit dump --from <postgres-url>`: the builder's database into a portable export folder.
import path from "node:path";
import type { Command } from "commander";
import { OwnitError, redactUrl, EXPORT_DIR } from "@ownit/core";
import { dumpDatabase, type DumpResult } from "@ownit/db";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatFindings, displayPath } from "../format";
import { formatBytes, formatCount, tableBars } from "./db";
import { parseJobs } from "../common-flags";
import { runBase44Dump, type Base44DumpCliOptions } from "./dump-base44";
import { dumpThroughHelper } from "./dump-via";

export interface DumpCliOptions {
  from?: string;
  via?: string;
  withSecrets?: boolean;
  route?: string;
  out: string;
  schemas?: string;
  storageKey?: string;
  storageKeyEnv?: string;
  storageUrl?: string;
  jobs: number;
  force?: boolean;
  followReady?: boolean;
}

export async function dump(ctx: CliContext, opts: DumpCliOptions & Base44DumpCliOptions): Promise<void> {
  if (opts.via && opts.from)
    throw new OwnitError(
      "bad-option",
      "--from and --via name two sources",
      "pass one: --from <postgres-url> or --via <helper-url>",
    );
  if (opts.via) return dumpThroughHelper(ctx, { ...opts, via: opts.via });
  if (!opts.from)
    throw new OwnitError("bad-option", "dump needs a source", "pass --from <postgres-url>, --from base44, or --via <helper-url>");
  if (opts.withSecrets)
    throw new OwnitError("bad-option", "--with-secrets reads the secrets through a helper", "use it with --via <helper-url>");
  if (opts.from === "base44") return runBase44Dump(ctx, opts);
  const jobs = opts.jobs;
  let storageKey = opts.storageKey;
  if (opts.storageKeyEnv) {
    storageKey = process.env[opts.storageKeyEnv];
    if (!storageKey)
      throw new OwnitError(
        "storage-key-missing",
        `--storage-key-env ${opts.storageKeyEnv}: that variable is not set`,
        `export ${opts.storageKeyEnv}=<service-role key> first`,
      );
  }
  const out = path.resolve(ctx.cwd, opts.out);
  ctx.out(`dumping ${redactUrl(opts.from!)} into ${displayPath(ctx.cwd, out)}`);
  const bars = tableBars(ctx);
  let result;
  try {
    result = await dumpDatabase({
      from: opts.from!,
      out,
      schemas: opts.schemas
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      jobs,
      storage: storageKey ? { key: storageKey, url: opts.storageUrl } : undefined,
      force: opts.force,
      followReady: opts.followReady,
      onProgress: bars.listener,
    });
  } finally {
    bars.stop();
  }
  printDumpSummary(ctx, result);
}

/** What a finished dump says, whichever way it read the source. */
export function printDumpSummary(ctx: CliContext, result: DumpResult): void {
  const m = result.manifest;
  ctx.out(
    color.green(
      `dumped ${m.tables.length} table(s), ${formatCount(result.rows)} row(s), ${formatBytes(result.bytes)}${m.storage ? `, ${m.storage.length} storage file(s)` : ""} in ${(result.durationMs / 1000).toFixed(1)} s`,
    ),
  );
  ctx.out(
    `  source      ${m.source.kind} ${m.source.location} (PostgreSQL ${m.source.serverVersion}), snapshot ${m.snapshotTime}`,
  );
  const carried = m.tables.filter((t) => !m.schemas.includes(t.schema)).map((t) => `${t.schema}.${t.name}`);
  ctx.out(`  schemas     ${m.schemas.join(", ")}${carried.length ? ` + ${carried.join(", ")}` : ""}`);
  ctx.out(`  sequences   ${m.sequences.length}`);
  if (m.replication)
    ctx.out(
      `  follow      replication slot ${m.replication.slot} starts at ${m.replication.lsn}, where this snapshot ends (it keeps the source's WAL until follow/cutover drops it)`,
    );
  for (const line of formatFindings(result.findings)) ctx.out(line);
  const rel = displayPath(ctx.cwd, result.dir);
  ctx.out(
    color.dim(`next: npx ownit restore ${rel} --to <postgres-url>   (or: cd ${rel} && psql <postgres-url> -f restore.sql)`),
  );
}

export function registerDump(program: Command, ctx: CliContext): void {
  program
    .command("dump")
    .description(
      "copy a Supabase (Lovable/Bolt) or PostgreSQL database into a portable export folder, in one consistent snapshot",
    )
    .option(
      "--from <url>",
      "source connection string: the direct connection or session pooler (not the transaction pooler on port 6543); or `base44` for a Base44 app over its API",
    )
    .option(
      "--via <helper-url>",
      "read the database through a deployed `ownit helper` function (secret from OWNIT_HELPER_SECRET or a prompt)",
    )
    .option(
      "--with-secrets",
      "--via: also copy the values of the secrets the edge functions read into <out>.secrets.env (0600, git-ignored)",
    )
    .option("--route <route>", "--via: auto (default), direct (the database the helper names) or tunnel (through the helper)")
    .option("--out <dir>", "export folder to write", `./${EXPORT_DIR}`)
    .option("--schemas <list>", "app schemas, comma-separated (default: every schema that is not Supabase's)")
    .option(
      "--storage-key <key>",
      "service-role key: also download the files in Supabase Storage (visible in the process list: prefer --storage-key-env)",
    )
    .option("--storage-key-env <var>", "environment variable holding the service-role key")
    .option("--storage-url <url>", "Storage API address (default: https://<project-ref>.supabase.co/storage/v1)")
    .option("--jobs <n>", "parallel connections reading the snapshot", parseJobs, 2)
    .option("--force", "replace the export folder if it exists")
    .option(
      "--follow-ready",
      "read through a new logical replication slot, so `ownit follow` can stream every later write (needs wal_level=logical and REPLICATION)",
    )
    .option("--app-id <id>", "--from base44: the app's id (default: the one the project names)")
    .option("--token-env <var>", "--from base44: variable holding the app owner's API key (default BASE44_API_KEY)")
    .option("--token <key>", "--from base44: the API key itself (visible in the process list: prefer --token-env)")
    .option("--server-url <url>", "--from base44: API server (default https://app.base44.com)")
    .option("--entities <list>", "--from base44: entity names the code does not show, comma-separated")
    .option("--files", "--from base44: also download the files records point at")
    .option("--data-env <env>", "--from base44: prod (default) or dev (the app's test data)")
    .option("--project <dir>", "--from base44: the exported project, for entity names and schemas (default: this folder)")
    .action((opts: DumpCliOptions & Base44DumpCliOptions) => dump(ctx, opts));
}
