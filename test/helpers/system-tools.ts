// The system programs the suite drives, and where each comes from. The global setup installs the
// missing ones from Debian's packages when the suite runs as root; a test that needs one calls
// requireTool, which fails that test (never skips it) with one line naming the package.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

export interface SystemTool {
  /** The program the tests run. */
  command: string;
  /** The Debian package that installs it. */
  debianPackage: string;
  /** Folders searched after PATH (Debian keeps PostgreSQL's server programs off PATH). */
  alsoIn?: () => string[];
  /** What needs it, for the message. */
  usedBy: string;
}

const postgresBinDirs = () =>
  existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql").map((v) => path.join("/usr/lib/postgresql", v, "bin"))
    : [];

/** Every program the suite needs beyond Node and npm. */
export const SYSTEM_TOOLS: SystemTool[] = [
  {
    command: "initdb",
    debianPackage: "postgresql",
    alsoIn: postgresBinDirs,
    usedBy: "the database tests' throwaway PostgreSQL servers",
  },
  { command: "pg_dump", debianPackage: "postgresql-client", alsoIn: postgresBinDirs, usedBy: "ownit dump's schema export" },
  { command: "nginx", debianPackage: "nginx", usedBy: "the deploy proof (the generated nginx.conf serving a built app)" },
  { command: "chromium", debianPackage: "chromium", usedBy: "the deploy proof's browser visits" },
  { command: "docker-compose", debianPackage: "docker-compose", usedBy: "tests that check generated compose files" },
  { command: "pgbouncer", debianPackage: "pgbouncer", usedBy: "tests that go through a connection pooler" },
  {
    command: "getfattr",
    debianPackage: "attr",
    usedBy: "the Storage file-backend tests (content types kept as extended attributes)",
  },
];

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The program's path, or undefined when this machine lacks it. */
export function locateTool(tool: SystemTool): string | undefined {
  return (
    onPath(tool.command) ?? (tool.alsoIn?.() ?? []).map((dir) => path.join(dir, tool.command)).find((file) => existsSync(file))
  );
}

/** The path of a program a test needs; a missing one fails the test with the package to install. */
export function requireTool(command: string): string {
  const tool = SYSTEM_TOOLS.find((t) => t.command === command);
  if (!tool) throw new Error(`${command} is not listed in test/helpers/system-tools.ts: add it there with its Debian package`);
  const found = locateTool(tool);
  if (!found)
    throw new Error(
      `${command} is not installed (needed by ${tool.usedBy}): install the Debian package ${tool.debianPackage} (apt-get install ${tool.debianPackage}), or run the suite as root to have it installed`,
    );
  return found;
}

export interface InstallOptions {
  tools?: SystemTool[];
  log?: (line: string) => void;
  /** Whether apt-get may run (default: running as root on a machine that has it). */
  canInstall?: boolean;
}

/** Installs every missing tool's package with apt-get, once, when the suite runs as root on Debian. */
export function installMissingTools({
  tools = SYSTEM_TOOLS,
  log = console.log,
  canInstall = process.getuid?.() === 0 && Boolean(onPath("apt-get")),
}: InstallOptions = {}): void {
  const missing = tools.filter((t) => !locateTool(t));
  if (!missing.length) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  if (!canInstall) {
    log(
      `test setup: missing ${packages.join(", ")} (install: apt-get install ${packages.join(" ")}); the tests that need them will fail`,
    );
    return;
  }
  log(`test setup: installing ${packages.join(", ")} from Debian's packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
      stdio: ["ignore", "ignore", "inherit"],
      env,
    });
  } catch (error) {
    log(
      `test setup: apt-get could not install ${packages.join(", ")} (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); the tests that need them will fail`,
    );
  }
}
