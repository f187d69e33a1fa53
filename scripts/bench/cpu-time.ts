// CPU seconds, for benchmarks on a machine whose speed drifts: the work a step cost, counted on
// both ends, is steadier than its wall time. Linux /proc only (clock ticks of 1/100 s).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the command name, from field 3 (state) on. */
function statFields(pid: number | "self"): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** User + system time of this process's children that have exited and been waited for. */
export function exitedChildrenCpuSeconds(): number {
  const f = statFields("self");
  return (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
}

/**
 * User + system time a PostgreSQL server has spent: its postmaster's exited children (every
 * backend that has ended) and every child still running (walwriter, checkpointer, open sessions).
 */
export function serverCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  const own = statFields(postmaster);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = statFields(Number(entry));
      if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended while the list was read; its time is in the postmaster's children now.
    }
  }
  return ticks / TICKS_PER_SECOND;
}
