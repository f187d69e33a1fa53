// The progress bars the database commands (dump, restore, verify) draw, one per table.
import cliProgress from "cli-progress";
import type { ProgressListener, TableProgress } from "@ownit/db";
import type { CliContext } from "./context";
import { color } from "./context";
import { formatBytes, formatCount } from "./format";

export interface TableBars {
  listener: ProgressListener | undefined;
  stop(): void;
}

/**
 * One progress bar per table (rows and bytes), drawn on stderr when someone watches the terminal;
 * nothing otherwise (pipes, CI and tests get the summary lines only).
 */
export function tableBars(ctx: CliContext): TableBars {
  if (!ctx.interactive) return { listener: undefined, stop() {} };
  const multi = new cliProgress.MultiBar(
    {
      format: `{table} ${color.cyan("{bar}")} {percentage}% | {rowsText} rows | {bytesText}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const width = 32;
  const payload = (e: TableProgress) => ({
    table: e.table.length > width ? `${e.table.slice(0, width - 1)}…` : e.table.padEnd(width),
    rowsText: formatCount(e.rows),
    bytesText: formatBytes(e.bytes),
  });
  const listener: ProgressListener = (e) => {
    const byBytes = e.totalBytes !== undefined;
    const total = Math.max((byBytes ? e.totalBytes : e.totalRows) ?? 0, 1);
    const value = byBytes ? e.bytes : e.rows;
    let bar = bars.get(e.table);
    if (!bar) {
      bar = multi.create(total, 0, payload(e));
      bars.set(e.table, bar);
    }
    if (e.done) bar.setTotal(Math.max(value, 1));
    bar.update(e.done ? Math.max(value, 1) : Math.min(value, total), payload(e));
  };
  return { listener, stop: () => multi.stop() };
}
