// Runs a Dockerfile's stages without Docker: the build context filtered by .dockerignore, the build
// stage's RUN commands executed there with the build arguments as environment (as Docker passes
// ARGs), and the runtime stage's COPY instructions checked and carried out into a runtime folder.
import { spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import ignore from "ignore";
import { parseDockerfile, type DockerStage } from "./parsed";
export { freePort } from "@ownit/db";

export interface DockerLikeBuild {
  stages: DockerStage[];
  /** The build context as Docker would see it, where the build stage ran (its WORKDIR). */
  buildDir: string;
  /** The runtime stage's filesystem: absolute image paths map under here. */
  runtimeRoot: string;
  /** Every path a COPY named, and whether it existed. */
  copied: Array<{ from: string | null; source: string; exists: boolean }>;
}

/** Copies the project into dest, leaving out what .dockerignore keeps out of the build context. */
export function buildContext(project: string, dest: string): void {
  const ig = ignore().add(readFileSync(path.join(project, ".dockerignore"), "utf8"));
  for (const file of fg.sync("**/*", { cwd: project, dot: true, onlyFiles: true, ignore: ["node_modules/**", ".git/**"] })) {
    if (ig.ignores(file)) continue;
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    cpSync(path.join(project, file), path.join(dest, file));
  }
}

/** The machine's environment without what the test runner sets (vitest's NODE_ENV=test would make Vite build for development). */
export function hostEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === "NODE_ENV" || key === "TEST" || key.startsWith("VITEST") || key.startsWith("VITE_"))
      continue;
    env[key] = value;
  }
  return env;
}

/** Runs one shell command as a Dockerfile RUN does (/bin/sh -c), output to a log file. */
export function runShell(
  command: string,
  cwd: string,
  env: Record<string, string>,
  log: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(log, { flags: "a" });
    out.write(`\n$ ${command}\n`);
    const child = spawn("/bin/sh", ["-c", command], { cwd, env: { ...hostEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer) => {
      out.write(chunk);
      tail = (tail + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => out.end(() => resolve({ code: code ?? 1, output: tail })));
  });
}

export async function dockerLikeBuild(
  project: string,
  work: string,
  buildArgs: Record<string, string>,
): Promise<DockerLikeBuild> {
  const stages = parseDockerfile(readFileSync(path.join(project, "Dockerfile"), "utf8"));
  const build = stages.find((s) => s.name === "build")!;
  const runtime = stages.at(-1)!;
  const buildDir = path.join(work, "build-context");
  const runtimeRoot = path.join(work, "runtime-fs");
  buildContext(project, buildDir);
  for (const arg of build.args) if (!(arg in buildArgs)) throw new Error(`the test gives no value for build argument ${arg}`);
  // The build stage's ENV (set before the RUN that needs it) is given to every RUN here.
  const stageEnv = Object.fromEntries(build.env.flatMap((e) => e.split(/\s+/)).map((kv) => kv.split("=") as [string, string]));
  for (const command of build.runs) {
    const { code, output } = await runShell(
      command,
      buildDir,
      { ...stageEnv, ...buildArgs, CI: "true" },
      path.join(work, "build.log"),
    );
    if (code !== 0) throw new Error(`RUN ${command} exited ${code}:\n${output}`);
  }
  const copied: DockerLikeBuild["copied"] = [];
  const workdir = runtime.workdir ?? "/";
  for (const copy of runtime.copies) {
    const destination = path.posix.isAbsolute(copy.destination) ? copy.destination : path.posix.join(workdir, copy.destination);
    for (const source of copy.sources) {
      const from =
        copy.from === build.name ? path.join(buildDir, path.posix.relative(build.workdir!, source)) : path.join(buildDir, source);
      const exists = existsSync(from);
      copied.push({ from: copy.from, source, exists });
      if (!exists) continue;
      const target = path.join(runtimeRoot, destination);
      if (statSync(from).isDirectory()) cpSync(from, target, { recursive: true });
      else {
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(from, destination.endsWith("/") ? path.join(target, path.basename(from)) : target);
      }
    }
  }
  return { stages, buildDir, runtimeRoot, copied };
}

/** Polls a URL until it answers (any status) or the time is up. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(last)}`);
}
