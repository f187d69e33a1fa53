// One flag vocabulary for every command: --yes, --json, --dry-run and --debug mean the same
// everywhere, and --jobs, comma lists and --project are read by one parser each. A command keeps its own version of a flag; one
// that lacks it accepts it where it changes nothing, and refuses --dry-run where it would write.
import { existsSync } from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { OwnitError } from "@ownit/core/errors";

/**
 * Commands that only read, so `--dry-run` is already true of them. Every other command without a
 * --dry-run of its own refuses the flag: a dry run that writes anyway is worse than an error.
 */
const READ_ONLY_COMMANDS = new Set(["detect", "runs", "verify", "db url", "help"]);

/** The flags every command accepts, as commander options (hidden where the command lacks its own). */
const COMMON_FLAGS = [
  // The program reads --debug itself (context.ts); a command accepts it after its name too.
  { flags: "--debug", long: "--debug", description: "show stack traces" },
  { flags: "-y, --yes", long: "--yes", description: "answer yes to every question" },
  { flags: "--json", long: "--json", description: "print JSON where the command has JSON output" },
  { flags: "--dry-run", long: "--dry-run", description: "show what would change and write nothing" },
];

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Every command under this one (`dump` and `dump base44`, `db` and `db start`). */
function descendants(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...descendants(c)]);
}

/** Adds the missing common flags to every command of the program and the hook that refuses a dry run that would write. */
export function addCommonFlags(program: Command): void {
  const refusesDryRun = new WeakSet<Command>();
  for (const command of descendants(program)) {
    for (const flag of COMMON_FLAGS) {
      if (command.options.some((o) => o.long === flag.long)) continue;
      command.addOption(new Option(flag.flags, flag.description).hideHelp());
      if (flag.long === "--dry-run" && !READ_ONLY_COMMANDS.has(commandPath(command))) refusesDryRun.add(command);
    }
  }
  program.hook("preAction", (_program, action) => {
    if (refusesDryRun.has(action) && action.opts().dryRun) {
      const name = commandPath(action);
      throw new OwnitError(
        "no-dry-run",
        `ownit ${name} has no --dry-run: it would change things, so nothing was done`,
        `run it without --dry-run when you mean it (see \`npx ownit ${name} --help\`)`,
      );
    }
  });
}

/** `--jobs <n>`: a whole number of at least 1, the same for every command that takes it. */
export function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(jobs) || jobs < 1) {
    throw new OwnitError("bad-option", `--jobs ${value} is not a positive whole number`, "pass e.g. --jobs 2");
  }
  return jobs;
}

/** A comma-separated option (`--schemas a,b`, `--entities A,B`): its items, trimmed, empties dropped. */
export function commaList(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `--project <dir>` when given, else the folder the command runs in when it is a project (has a package.json). */
export function projectOption(cwd: string, project: string | undefined): string | undefined {
  if (project) return path.resolve(cwd, project);
  return existsSync(path.join(cwd, "package.json")) ? cwd : undefined;
}
