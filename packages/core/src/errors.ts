// Errors that reach users: a code, a one-line message naming what and where, and a hint.
// The CLI prints them without a stack; anything else is a bug (exit 2).

export class OwnitError extends Error {
  readonly code: string;
  readonly hint?: string;
  /** Exit code the CLI should use: 1 for user errors. */
  readonly exitCode: number;

  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "OwnitError";
    this.code = code;
    this.hint = hint;
    this.exitCode = options?.exitCode ?? 1;
  }
}

export function isOwnitError(error: unknown): error is OwnitError {
  return error instanceof OwnitError;
}

/** What each environment errno means for the user, and what to do about it. */
const ENVIRONMENT_ERRORS: Record<string, { what: string; hint: string }> = {
  ENOSPC: { what: "no space left on the device", hint: "free some disk space, then run again (nothing was left half-written)" },
  EDQUOT: { what: "the disk quota is used up", hint: "free some space in your quota, then run again" },
  EROFS: {
    what: "the file system is read-only",
    hint: "make it writable (remount it, or copy the project somewhere writable), then run again",
  },
  EPERM: {
    what: "the operation is not permitted",
    hint: "make the file writable (chmod u+w; chattr -i if it is immutable), then run again",
  },
  EACCES: {
    what: "permission denied",
    hint: "make the file writable for your user (chmod u+w, or fix its owner), then run again",
  },
  EBUSY: { what: "the file is busy", hint: "close the program using it, then run again" },
  EMFILE: { what: "too many open files", hint: "raise the open-file limit (ulimit -n), then run again" },
  ENFILE: { what: "too many open files on the system", hint: "close some programs, then run again" },
  EISDIR: { what: "a folder is where a file should be", hint: "move that folder aside, then run again" },
  ENOTDIR: { what: "a file is where a folder should be", hint: "move that file aside, then run again" },
};

/**
 * An error from the machine (full disk, read-only file or mount, permissions) as a user error
 * naming the path; undefined for anything else. Such errors are never ownit's bugs.
 */
export function environmentError(error: unknown, fallbackPath?: string): OwnitError | undefined {
  if (error instanceof OwnitError) return error;
  const e = error as NodeJS.ErrnoException | undefined;
  const code = e?.code;
  const where = e?.path ?? fallbackPath;
  if (!code || !(code in ENVIRONMENT_ERRORS)) return undefined;
  const known = ENVIRONMENT_ERRORS[code]!;
  return new OwnitError(
    "environment",
    `cannot ${e?.syscall === "unlink" || e?.syscall === "rmdir" ? "remove" : "write"} ${where ?? "a file"}: ${known.what} (${code})`,
    known.hint,
    { cause: error },
  );
}
