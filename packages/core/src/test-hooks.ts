// Hooks the crash tests drive through the environment, inert otherwise. The kill harness names a
// point in OWNIT_TEST_KILL_AT ("<point>" or "<point>#<n>" for its n-th pass) and the process
// SIGKILLs itself there, so a crash lands exactly on a journal step boundary without sleeping.
// OWNIT_TEST_TRACE names a file each point passed is appended to, so the harness learns them all.
// OWNIT_TEST_FAIL_AT names a point where failPoint throws instead (an error the code must undo).
// OWNIT_TEST_WRITE_FAULT ("ENOSPC:<path part>") makes the write layer fail as a full disk would.
import { appendFileSync } from "node:fs";

const passes = new Map<string, number>();

/** Dies by SIGKILL when the kill harness named this point (and this pass of it). */
export function killPoint(point: string): void {
  const wanted = process.env.OWNIT_TEST_KILL_AT;
  const trace = process.env.OWNIT_TEST_TRACE;
  if (!wanted && !trace) return;
  const pass = (passes.get(point) ?? 0) + 1;
  passes.set(point, pass);
  if (trace) appendFileSync(trace, `${point}#${pass}\n`);
  if (!wanted) return;
  const [name, nth] = wanted.split("#");
  // OWNIT_TEST_KILL_SIGNAL=SIGTERM (or SIGINT) stands for a catchable stop instead of a kill -9.
  const signal = (process.env.OWNIT_TEST_KILL_SIGNAL ?? "SIGKILL") as NodeJS.Signals;
  if (name === point && (nth === undefined || Number(nth) === pass)) process.kill(process.pid, signal);
}

/** Throws when the tests named this point in OWNIT_TEST_FAIL_AT: a failure (not a kill) injected exactly there. */
export function failPoint(point: string): void {
  if (process.env.OWNIT_TEST_FAIL_AT === point) throw new Error(`injected failure at ${point}`);
}

/** The error an injected fault makes a write of this file fail with, if the tests asked for one. */
export function injectedWriteFault(file: string): NodeJS.ErrnoException | undefined {
  const fault = process.env.OWNIT_TEST_WRITE_FAULT;
  if (!fault) return undefined;
  const [code, part] = fault.split(":");
  if (!code || !part || !file.includes(part)) return undefined;
  const messages: Record<string, string> = {
    ENOSPC: "no space left on device",
    EROFS: "read-only file system",
    EPERM: "operation not permitted",
  };
  const error = new Error(`${code}: ${messages[code] ?? "injected fault"}, write '${file}'`) as NodeJS.ErrnoException;
  error.code = code;
  error.syscall = "write";
  error.path = file;
  return error;
}
