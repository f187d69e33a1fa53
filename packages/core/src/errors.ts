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
