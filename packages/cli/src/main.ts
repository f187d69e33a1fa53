// The ownit CLI: argument parsing and wiring only; the work lives in the packages.
import { Command, CommanderError } from "commander";
import { redact, TOOL_VERSION } from "@ownit/core";
import { processContext, type CliContext } from "./context";
import { handleError } from "./handle-error";
import { defaultMigrationSteps } from "./pipeline";
import { registerDeploy } from "./commands/deploy";
import { registerDetect } from "./commands/detect";
import { registerMigrate } from "./commands/migrate";
import { registerRuns } from "./commands/runs";
import { registerTransform } from "./commands/transform";
import { registerDump } from "./commands/dump";
import { registerRestore } from "./commands/restore";
import { registerVerify } from "./commands/verify";
import { registerDb } from "./commands/db";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("ownit")
    .description("own the app you built with Lovable, Bolt.new or Base44: code, data and deploy")
    .version(TOOL_VERSION)
    .option("--debug", "show stack traces")
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) });
  registerDetect(program, ctx);
  registerMigrate(program, ctx);
  registerRuns(program, ctx);
  registerTransform(program, ctx);
  registerDeploy(program, ctx);
  registerDump(program, ctx);
  registerRestore(program, ctx);
  registerVerify(program, ctx);
  registerDb(program, ctx);
  return program;
}

/** Runs the CLI and returns its exit code (0 ok, 1 user error, 2 bug). */
export async function main(argv: string[], outerCtx: CliContext = processContext(defaultMigrationSteps)): Promise<number> {
  // Every line any command prints passes redaction on its way out: no command can forget to.
  const ctx: CliContext = { ...outerCtx, out: (line) => outerCtx.out(line === undefined ? line : redact(line)), err: (line) => outerCtx.err(line === undefined ? line : redact(line)) };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    return handleError(ctx, error);
  }
}
