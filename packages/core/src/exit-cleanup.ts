// Clean-ups that must run however the process ends (a password file, a half-written export):
// libraries register them here, the CLI runs them on exit and on SIGINT/SIGTERM/SIGHUP. What a
// SIGKILL leaves, the next run sweeps (each module names its leftovers with the owning pid).
const cleanups = new Set<() => void>();

/** Registers a synchronous clean-up; call the returned function once it is no longer needed. */
export function registerExitCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs (and forgets) every registered clean-up; errors in one do not stop the others. */
export function runExitCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the next run sweeps what is left
    }
  }
}

/** Whether a process with this pid still runs on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
