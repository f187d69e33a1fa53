// The one context every command runs with: where output goes, how to ask, whether we may.
// Tests build their own (captured output, scripted answers), so no command needs a TTY.
import pc from "picocolors";
import type { ProjectFacts, Step } from "@ownit/core";
import { runExitCleanups } from "@ownit/core/exit-cleanup";

export interface CliContext {
  cwd: string;
  out(line?: string): void;
  err(line?: string): void;
  /** Prints a value that is itself a secret the user asked for (`ownit db url`), past the redaction every other line gets. */
  outSecret?(line: string): void;
  /** True when a person can answer prompts. */
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** Asks for a secret without echoing it (undefined when cancelled). */
  askSecret?(question: string): Promise<string | undefined>;
  debug: boolean;
  /** The steps `migrate` plans; tests replace it to inject a failing step. */
  migrationSteps(project: ProjectFacts, options: Record<string, unknown>): Promise<Step[]>;
}

/** A reader that stops early (`ownit detect | head`) closes the pipe: that ends the output, not in a crash. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Clean-ups registered by the work (a pg_dump password file, a partial export) run however the process ends. */
function runCleanupsOnExit(): void {
  process.on("exit", runExitCleanups);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.on(signal, () => {
      runExitCleanups();
      // A command that handles the signal itself (cutover gives the source its writes back) exits when done.
      if (process.listenerCount(signal) <= 1) process.exit(code);
    });
  }
}

/** The steps `migrate` plans, loaded with the codemods and emitters only when migrate runs. */
const lazyMigrationSteps: CliContext["migrationSteps"] = async (project, options) =>
  (await import("./pipeline")).defaultMigrationSteps(project, options);

export function processContext(migrationSteps: CliContext["migrationSteps"] = lazyMigrationSteps): CliContext {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  runCleanupsOnExit();
  return {
    cwd: process.cwd(),
    out: (line = "") => process.stdout.write(`${line}\n`),
    err: (line = "") => process.stderr.write(`${line}\n`),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI,
    debug: process.argv.includes("--debug"),
    async confirm(question) {
      const { default: prompts } = await import("prompts");
      const answer = await prompts({ type: "confirm", name: "ok", message: question, initial: false }, { onCancel: () => true });
      return answer.ok === true;
    },
    async askSecret(question) {
      const { default: prompts } = await import("prompts");
      const answer = await prompts({ type: "password", name: "value", message: question }, { onCancel: () => true });
      return typeof answer.value === "string" && answer.value ? answer.value : undefined;
    },
    migrationSteps,
  };
}

export const color = pc;
