// The ownit CLI: argument parsing and wiring only; the work lives in the packages.
// Commands load lazily: `ownit --version` and `--help` read only this table, and a command's
// module (with jscodeshift, pg or the templates behind it) loads when that command runs.
import { Command, CommanderError } from "commander";
// Start-up imports only light modules: @ownit/core's index (and what it pulls in) waits for a command.
import { TOOL_VERSION } from "@ownit/core/version";
import { redact } from "@ownit/core/redact";
import { processContext, type CliContext } from "./context";
import { addCommonFlags } from "./common-flags";

type Register = (program: Command, ctx: CliContext) => void;

interface CommandEntry {
  name: string;
  /** The line `ownit --help` shows; the command's own description is in its module. */
  summary: string;
  load(): Promise<Register>;
}

/** Every command: adding one is one entry here and one file under commands/. */
const COMMANDS: CommandEntry[] = [
  {
    name: "detect",
    summary: "what the exported project is: builder, framework, Supabase/Base44 usage, findings",
    load: () => import("./commands/detect").then((m) => m.registerDetect),
  },
  {
    name: "migrate",
    summary: "plan and apply every codemod and generated file, as one run",
    load: () => import("./commands/migrate").then((m) => m.registerMigrate),
  },
  { name: "runs", summary: "the runs applied to a project", load: () => import("./commands/runs").then((m) => m.registerRuns) },
  { name: "rollback", summary: "undo a run, byte for byte", load: () => import("./commands/runs").then((m) => m.registerRuns) },
  {
    name: "transform",
    summary: "one codemod as a run (--list: the codemods there are)",
    load: () => import("./commands/transform").then((m) => m.registerTransform),
  },
  {
    name: "deploy",
    summary: "Dockerfile, compose, host configs and .env.example from the project's facts",
    load: () => import("./commands/deploy").then((m) => m.registerDeploy),
  },
  {
    name: "dump",
    summary: "a Supabase/PostgreSQL database or a Base44 app into a portable export folder",
    load: () => import("./commands/dump").then((m) => m.registerDump),
  },
  {
    name: "restore",
    summary: "an export into a PostgreSQL database, all or nothing",
    load: () => import("./commands/restore").then((m) => m.registerRestore),
  },
  {
    name: "verify",
    summary: "every row, sequence and schema object of an export, checked on a database",
    load: () => import("./commands/verify").then((m) => m.registerVerify),
  },
  {
    name: "db",
    summary: "a PostgreSQL of the project's own, under .ownit/pg/",
    load: () => import("./commands/db").then((m) => m.registerDb),
  },
  {
    name: "helper",
    summary: "a one-shot export edge function for Lovable Cloud / Bolt Database, as a run",
    load: () => import("./commands/helper").then((m) => m.registerHelper),
  },
  {
    name: "follow",
    summary: "keep a restored target in step with the live source (logical replication)",
    load: () => import("./commands/follow").then((m) => m.registerFollow),
  },
  {
    name: "cutover",
    summary: "stop writes on the source, catch up, verify, switch, as one run",
    load: () => import("./commands/cutover").then((m) => m.registerCutover),
  },
  {
    name: "sync-builder",
    summary: "merge the builder's new commits onto the owned branch and migrate them, as one run",
    load: () => import("./commands/sync-builder").then((m) => m.registerSyncBuilder),
  },
  {
    name: "status",
    summary: "the owned branch against the builder's: commits behind, files to migrate, schema changes",
    load: () => import("./commands/status").then((m) => m.registerStatus),
  },
];

/** Options that take no value before the command name, so the command is the first other word. */
function invokedCommand(argv: string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

export async function buildProgram(ctx: CliContext, argv?: string[]): Promise<Command> {
  const program = new Command("ownit")
    .description("own the app you built with Lovable, Bolt.new or Base44: code, data and deploy")
    .version(TOOL_VERSION)
    .option("--debug", "show stack traces")
    // Options after a command's name are that command's, so `dump` and `dump base44` can both have --out.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) });
  // Without argv (tests, embedding) every command is loaded; otherwise only the one invoked.
  const invoked = argv && invokedCommand(argv);
  const load = argv ? (invoked ? [invoked] : []) : COMMANDS;
  const registered = new Set<Register>();
  for (const entry of load) {
    const register = await entry.load();
    if (registered.has(register)) continue;
    registered.add(register);
    register(program, ctx);
  }
  for (const entry of COMMANDS) {
    const command = program.commands.find((c) => c.name() === entry.name);
    if (command) command.summary(entry.summary);
    else program.command(entry.name).summary(entry.summary);
  }
  addCommonFlags(program);
  return program;
}

/** Runs the CLI and returns its exit code (0 ok, 1 user error, 2 bug). */
export async function main(argv: string[], outerCtx: CliContext = processContext()): Promise<number> {
  // Every line any command prints passes redaction on its way out: no command can forget to.
  const ctx: CliContext = {
    ...outerCtx,
    out: (line) => outerCtx.out(line === undefined ? line : redact(line)),
    err: (line) => outerCtx.err(line === undefined ? line : redact(line)),
    outSecret: (line) => outerCtx.out(line),
  };
  try {
    const program = await buildProgram(ctx, argv);
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    const { handleError } = await import("./handle-error");
    return handleError(ctx, error);
  }
}
