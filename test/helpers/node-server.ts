// Running a built app the way its owner would: a user's environment (not the test runner's), a
// free port, and waiting for the server to answer.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "@ownit/db";
export { freePort };

/**
 * The environment a user's shell would give npm and node: the test runner's own variables out
 * (vitest sets NODE_ENV=test, and a Vite build under it emits React's development JSX runtime).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === "NODE_ENV" || key.startsWith("VITEST") || key === "TEST") delete env[key];
  return { ...env, ...extra };
}

/**
 * TanStack Start 1.168 and supabase-js ask for Node 22, whose WebSocket is global; Node 20 has it
 * behind a flag (the deploy step's image runs Node 22, where the flag is not needed).
 */
export const NODE_22_FEATURES = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [];

export async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the server did not answer within 60 s:\n${log()}`);
}

export interface RunningServer {
  base: string;
  /** What the server printed so far (stdout and stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A built Nitro app (`node .output/server/index.mjs`) on a free loopback port, as its owner starts it; resolves once it answers. */
export async function startNitroServer(dir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...NODE_22_FEATURES, ".output/server/index.mjs"], {
    cwd: dir,
    env: userEnv({ PORT: String(port), HOST: "127.0.0.1", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  try {
    await waitForServer(base, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, log: () => output, stop };
}
