// A Supabase edge function served by real Deno (the `deno` npm package's binary), with the env
// Supabase gives every function, on a free loopback port: `deno run -A <file>` as the issue says.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./project";
import { freePort } from "@ownit/db";

export const DENO_BINARY = path.join(REPO_ROOT, "node_modules", ".bin", "deno");

export interface EdgeFunction {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startEdgeFunction(file: string, env: Record<string, string>): Promise<EdgeFunction> {
  if (!existsSync(DENO_BINARY)) throw new Error(`deno not found at ${DENO_BINARY}: install the npm package "deno" (npm ci)`);
  const port = await freePort();
  // Deno.serve(handler) listens where DENO_SERVE_ADDRESS says (its default port is 8000).
  const child = spawn(DENO_BINARY, ["run", "-A", "--no-prompt", file], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      DENO_DIR: path.join(REPO_ROOT, "node_modules", ".cache", "deno"),
      DENO_NO_UPDATE_CHECK: "1",
      DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`deno did not start serving ${file} within 30 s:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes("Listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`deno exited (${code}) before serving ${file}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
