// `ownit verify <export-dir> --against <postgres-url>`: every row, sequence and schema object of
// the export recomputed on the target; a table of differences, exit 1 when there is any.
import type { Command } from "commander";
import { OwnitError } from "@ownit/core";
import { defaultJobs, parseS3Location, verifyExport, type VerifyReport } from "@ownit/db";
import { tableBars } from "../progress";
import { formatCount } from "../format";
import type { CliContext } from "../context";
import { color } from "../context";
import path from "node:path";
import { parseJobs } from "../common-flags";

function short(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

export function formatReport(report: VerifyReport): string[] {
  const width = Math.min(40, Math.max(5, ...report.tables.map((t) => t.name.length)));
  const lines = [color.bold(`${"table".padEnd(width)}  ${"rows".padStart(10)}  checksum`)];
  for (const t of report.tables) {
    const mark = t.ok ? color.green("ok") : color.red(t.error ? "unreadable" : "DIFFERS");
    lines.push(`${short(t.name, width)}  ${formatCount(t.rows).padStart(10)}  ${mark}`);
  }
  lines.push(
    `sequences: ${report.sequences} compared; schema objects: ${report.objectKinds.length ? report.objectKinds.join(", ") : "not listed in the manifest"}`,
  );
  if (!report.differences.length) {
    lines.push(color.green(`verified: every row, sequence and schema object of the export is in ${report.target}`));
    return lines;
  }
  const nameWidth = Math.min(60, Math.max(...report.differences.map((d) => d.name.length)));
  lines.push(color.red(`${report.differences.length} difference(s):`));
  lines.push(color.bold(`  ${"kind".padEnd(9)} ${"what".padEnd(nameWidth)}  ${"expected".padEnd(20)}  actual`));
  for (const d of report.differences)
    lines.push(`  ${d.kind.padEnd(9)} ${short(d.name, nameWidth)}  ${short(d.expected, 20)}  ${d.actual}`);
  return lines;
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command("verify")
    .description(
      "recompute every table's rows and checksum, the sequences and the schema objects on a database, and compare them with an export",
    )
    .argument("<export-dir>", "the folder `ownit dump` wrote")
    .requiredOption("--against <url>", "connection string of the database to check")
    .option("--jobs <n>", "parallel connections (default: the core count)", parseJobs, defaultJobs())
    .option("--json", "print the report as JSON")
    .option("--storage-dir <dir>", "also hash every Storage object in this file-backend folder against the manifest's sha256")
    .option("--storage-s3 <s3://bucket>", "also hash every Storage object in this S3 bucket (credentials from AWS_* env)")
    .option("--s3-endpoint <url>", "with --storage-s3: a non-AWS S3-compatible endpoint")
    .action(
      async (
        exportDir: string,
        opts: { against: string; jobs: number; json?: boolean; storageDir?: string; storageS3?: string; s3Endpoint?: string },
      ) => {
        const bars = opts.json ? { listener: undefined, stop() {} } : tableBars(ctx);
        let report: VerifyReport;
        try {
          report = await verifyExport(path.resolve(ctx.cwd, exportDir), opts.against, {
            jobs: opts.jobs,
            onProgress: bars.listener,
            storageRoot: opts.storageDir ? path.resolve(ctx.cwd, opts.storageDir) : undefined,
            storageS3: opts.storageS3 ? parseS3Location(opts.storageS3, opts.s3Endpoint) : undefined,
          });
        } finally {
          bars.stop();
        }
        if (opts.json) ctx.out(JSON.stringify(report, null, 2));
        else for (const line of formatReport(report)) ctx.out(line);
        if (!report.ok)
          throw new OwnitError(
            "verify-failed",
            `${report.differences.length} difference(s) between the export and ${report.target}`,
            "see the table above: restore again into an empty database, or investigate the rows that differ",
          );
      },
    );
}
