// Progress reports from dump, restore and verify, one table at a time: the CLI draws them as bars,
// tests and libraries may ignore them. Counts are running totals for the table.

export interface TableProgress {
  phase: "dump" | "restore" | "verify";
  /** schema.table */
  table: string;
  rows: number;
  bytes: number;
  /** Known for restore and verify (from the manifest); an estimate for dump. */
  totalRows?: number;
  totalBytes?: number;
  done: boolean;
}

export type ProgressListener = (event: TableProgress) => void;

/** Reports a table's running totals as chunks pass. */
export function tableReporter(listener: ProgressListener | undefined, base: Omit<TableProgress, "rows" | "bytes" | "done">) {
  let rows = 0;
  let bytes = 0;
  listener?.({ ...base, rows, bytes, done: false });
  return {
    /** Counting again from nothing (the table is read a second time). */
    restart() {
      if (rows || bytes) listener?.({ ...base, rows: (rows = 0), bytes: (bytes = 0), done: false });
    },
    add(r: number, b: number) {
      rows += r;
      bytes += b;
      listener?.({ ...base, rows, bytes, done: false });
    },
    done() {
      listener?.({ ...base, rows, bytes, done: true });
    },
  };
}
