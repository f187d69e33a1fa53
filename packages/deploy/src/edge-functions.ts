// Supabase edge functions as the owned stack runs them: which functions exist, whether each checks
// the caller's JWT (`verify_jwt` in supabase/config.toml, true unless it says false), the env names
// they read, the router that serves them, and the commands for owners who host them on a Supabase
// project of their own instead.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { OwnitError, type Changeset } from "@ownit/core";
import { FUNCTION_PLATFORM_ENV, ROUTER_JOSE_VERSION, SUPPORT_DIR } from "./defaults";
import type { EnvRead } from "./env-reads";

export const SUPABASE_CONFIG = "supabase/config.toml";
export const FUNCTIONS_SOURCE_DIR = "supabase/functions";
export const FUNCTIONS_ROUTER_DIR = `${SUPPORT_DIR}/functions`;
export const FUNCTIONS_ROUTER_PATH = `${FUNCTIONS_ROUTER_DIR}/functions-router.ts`;
export const FUNCTIONS_MANIFEST_PATH = `${FUNCTIONS_ROUTER_DIR}/functions.json`;
const ROUTER_TEMPLATE = path.join(import.meta.dirname, "..", "templates", "functions-router.ts");

export interface EdgeFunction {
  name: string;
  /** Supabase's default is true: only callers with a JWT signed with the project's secret get in. */
  verifyJwt: boolean;
  /** Relative to supabase/functions. */
  entrypoint: string;
}

interface FunctionConfig {
  verify_jwt?: unknown;
  entrypoint?: unknown;
}

/** Each function's settings from supabase/config.toml (`[functions.<name>]`). */
export function edgeFunctions(files: Changeset, names: string[]): EdgeFunction[] {
  const text = files.read(SUPABASE_CONFIG);
  let config: Record<string, FunctionConfig> = {};
  if (text !== undefined) {
    try {
      config = ((parse(text) as { functions?: Record<string, FunctionConfig> }).functions ?? {}) as Record<
        string,
        FunctionConfig
      >;
    } catch (error) {
      const line = (error as { line?: number }).line;
      throw new OwnitError(
        "bad-supabase-config",
        `${SUPABASE_CONFIG}${line ? `:${line}` : ""} is not valid TOML`,
        "fix the syntax error (the Supabase CLI would refuse it too), then run again",
      );
    }
  }
  return names.map((name) => {
    const settings = config[name] ?? {};
    if (settings.verify_jwt !== undefined && typeof settings.verify_jwt !== "boolean") {
      throw new OwnitError(
        "bad-supabase-config",
        `${SUPABASE_CONFIG}: [functions.${name}] verify_jwt must be true or false`,
        "write verify_jwt = true (or false for a public function)",
      );
    }
    // The CLI's entrypoint is relative to supabase/ (e.g. "./functions/x/index.ts").
    const declared =
      typeof settings.entrypoint === "string"
        ? path.posix.normalize(path.posix.join("supabase", settings.entrypoint))
        : undefined;
    const entry = declared?.startsWith(`${FUNCTIONS_SOURCE_DIR}/`)
      ? declared.slice(FUNCTIONS_SOURCE_DIR.length + 1)
      : (["index.ts", "index.js"].map((f) => `${name}/${f}`).find((f) => files.exists(`${FUNCTIONS_SOURCE_DIR}/${f}`)) ??
        `${name}/index.ts`);
    return { name, verifyJwt: settings.verify_jwt !== false, entrypoint: entry };
  });
}

/** The secrets functions read that the platform does not set (the owner's own: API keys, webhooks). */
export function functionSecrets(reads: EnvRead[]): string[] {
  const platform = new Set<string>(FUNCTION_PLATFORM_ENV);
  return reads
    .filter((v) => v.files.some((f) => f.startsWith(`${FUNCTIONS_SOURCE_DIR}/`)) && !platform.has(v.name))
    .map((v) => v.name)
    .sort();
}

export function functionsRouter(): string {
  return readFileSync(ROUTER_TEMPLATE, "utf8").replace("__JOSE_VERSION__", ROUTER_JOSE_VERSION);
}

export function functionsManifest(functions: EdgeFunction[]): string {
  return `${JSON.stringify({ functions }, null, 2)}\n`;
}

/** For owners who host the functions on a Supabase project of their own: what to run there. */
export function supabaseDeployCommands(functions: EdgeFunction[], secrets: string[]): string[] {
  return [
    ...functions.map(
      (f) => `supabase functions deploy ${f.name} --project-ref <your-project-ref>${f.verifyJwt ? "" : " --no-verify-jwt"}`,
    ),
    ...(secrets.length
      ? [`supabase secrets set --project-ref <your-project-ref> ${secrets.map((s) => `${s}=<value>`).join(" ")}`]
      : []),
  ];
}
