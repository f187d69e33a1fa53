// `ownit dump --from <postgres-url>`: the builder's database into a portable export folder.
import path from "node:path";
import type { Command } from "commander";
import { EXPORT_DIR, OwnitError, redactUrl } from "@ownit/core";
import { defaultJobs, dumpDatabase, HELPER_SECRET_ENV, type DumpResult } from "@ownit/db";
import { tableBars } from "../progress";
import type { CliContext } from "../context";
import { color } from "../context";
import { formatFindings, displayPath, formatBytes, formatCount } from "../format";
import { commaList, parseJobs } from "../common-flags";
import { BASE44_SOURCE, base44Options, registerDumpBase44, runBase44Dump, type Base44DumpCliOptions } from "./dump-base44";
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
  textData?: boolean;
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
    throw new OwnitError(
      "bad-option",
      "dump needs a source",
      `pass --from <postgres-url> or --via <helper-url>, or run \`ownit dump ${BASE44_SOURCE}\` for a Base44 app`,
    );
  if (opts.withSecrets)
    throw new OwnitError("bad-option", "--with-secrets reads the secrets through a helper", "use it with --via <helper-url>");
  if (opts.from === BASE44_SOURCE) {
    // The Base44 dump's old spelling, kept working.
    ctx.err(color.dim(`note: \`ownit dump --from ${BASE44_SOURCE}\` is now \`ownit dump ${BASE44_SOURCE}\``));
    return runBase44Dump(ctx, opts);
  }
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
      schemas: commaList(opts.schemas),
      jobs,
      storage: storageKey ? { key: storageKey, url: opts.storageUrl } : undefined,
      force: opts.force,
      followReady: opts.followReady,
      textData: opts.textData,
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
  const binary = m.tables.filter((t) => t.format === "binary").length;
  if (binary)
    ctx.out(
      `  data files  ${binary} table(s) in COPY binary (loads faster), ${m.tables.length - binary} in COPY text; --text-data writes all as text`,
    );
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
  const command = program
    .command("dump")
    // `dump base44 --out x`: options after the subcommand's name are its own.
    .enablePositionalOptions()
    .description(
      "copy a Supabase (Lovable/Bolt) or PostgreSQL database into a portable export folder, in one consistent snapshot",
    )
    .option(
      "--from <url>",
      "source connection string: the direct connection or session pooler (not the transaction pooler on port 6543)",
    )
    .option(
      "--via <helper-url>",
      `read the database through a deployed \`ownit helper\` function (secret from ${HELPER_SECRET_ENV} or a prompt)`,
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
    .option("--jobs <n>", "parallel connections reading the snapshot (default: the core count)", parseJobs, defaultJobs())
    .option("--force", "replace the export folder if it exists")
    .option(
      "--follow-ready",
      "read through a new logical replication slot, so `ownit follow` can stream every later write (needs wal_level=logical and REPLICATION)",
    )
    .option(
      "--text-data",
      "write every table's rows as COPY text, readable in any editor (default: COPY binary where every column's type is portable, which restores faster)",
    )
    .action((opts: DumpCliOptions & Base44DumpCliOptions) => dump(ctx, opts));
  // `--from base44` with the Base44 options still parses; the help shows them under `dump base44` only.
  for (const option of base44Options()) command.addOption(option.hideHelp());
  registerDumpBase44(command, ctx);
}
