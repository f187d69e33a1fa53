// The one place errors become output and exit codes: user errors are one line plus a hint
// (exit 1); anything else is a bug (exit 2) whose stack shows only with --debug.
import { environmentError, isOwnitError, redact } from "@ownit/core";
import type { CliContext } from "./context";
import { color } from "./context";

export function handleError(ctx: Pick<CliContext, "err" | "debug">, thrown: unknown): number {
  // A full disk, a read-only file or mount, missing permissions: the machine's state, not a bug.
  const error = environmentError(thrown) ?? thrown;
  if (isOwnitError(error)) {
    ctx.err(`${color.red("error")} ${redact(error.message)}`);
    if (error.hint) ctx.err(`${color.dim("hint")}  ${redact(error.hint)}`);
    if (ctx.debug && error.stack) ctx.err(redact(error.stack));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.err(`${color.red("internal error")} ${redact(message.split("\n")[0] ?? "")}`);
  ctx.err(`${color.dim("hint")}  this is a bug in ownit: rerun with --debug and report the output`);
  if (ctx.debug && error instanceof Error && error.stack) ctx.err(redact(error.stack));
  return 2;
}
