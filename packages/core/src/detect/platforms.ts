// Supabase and Base44 usage: which files create clients, which migrations, functions and entities exist.
import path from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { BASE44 } from "../markers";
import { listProjectFiles, readText } from "../files";
import type { Base44Facts, EnvVarUse, PackageJson, SupabaseFacts } from "./types";

const CODE = ["**/*.{ts,tsx,js,jsx,mjs,cjs}"];

export function detectSupabase(root: string, pkg: PackageJson | undefined, envVars: EnvVarUse[], refs: string[]): SupabaseFacts {
  // The top-level supabase/ folder holds Deno edge functions, not the app's clients.
  const code = listProjectFiles(root, { patterns: CODE }).filter((f) => !f.startsWith("supabase/"));
  const clientFiles = code.filter(
    (f) => /createClient\s*[<(]/.test(readText(root, f) ?? "") && /@supabase\/(supabase-js|ssr)/.test(readText(root, f) ?? ""),
  );
  const migrations = listProjectFiles(root, { patterns: ["supabase/migrations/*.sql"] });
  const functions = [
    ...new Set(
      listProjectFiles(root, { patterns: ["supabase/functions/*/index.ts", "supabase/functions/*/index.js"] }).map(
        (f) => f.split("/")[2]!,
      ),
    ),
  ];
  const configFile = listProjectFiles(root, { patterns: ["supabase/config.toml"] })[0];
  const deps = { ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) };
  const envNames = envVars.map((v) => v.name).filter((n) => n.includes("SUPABASE"));
  const used = Boolean(
    deps["@supabase/supabase-js"] || deps["@supabase/ssr"] || clientFiles.length || migrations.length || configFile,
  );
  return { used, clientFiles, envVars: envNames, migrations, functions: functions.sort(), projectRefs: refs, configFile };
}

export function detectBase44(root: string, pkg: PackageJson | undefined): Base44Facts {
  const deps = { ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) };
  const clientFiles = BASE44.clientFiles.filter((f) => readText(root, f) !== undefined);
  const schemaFiles = listProjectFiles(root, { patterns: [...BASE44.schemaGlobs] });
  const functions = listProjectFiles(root, { patterns: [...BASE44.functionGlobs] }).filter((f) =>
    /createClientFromRequest|@base44\//.test(readText(root, f) ?? ""),
  );
  // The entity is the schema's "name" (team-member.jsonc holds "TeamMember"); the file name is a fallback.
  const names = new Set<string>(
    schemaFiles.map((f) => schemaName(readText(root, f)) ?? path.basename(f).replace(/\.jsonc?$/, "")),
  );
  for (const f of BASE44.entitiesFiles) {
    const text = readText(root, f);
    if (!text) continue;
    for (const m of text.matchAll(/\bentities\.([A-Z][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  }
  let layout: Base44Facts["layout"];
  if (readText(root, "base44/config.jsonc") !== undefined || readText(root, "base44/.app.jsonc") !== undefined) layout = "C";
  else if (clientFiles.some((f) => f.includes("app-params"))) layout = "B";
  else if (clientFiles.some((f) => f.includes("base44Client"))) layout = "A";
  const appId = findAppId(root, clientFiles);
  const used = Boolean(deps["@base44/sdk"] || deps["@base44/vite-plugin"] || clientFiles.length || layout);
  return {
    used,
    sdkVersion: deps["@base44/sdk"],
    layout,
    clientFiles,
    entityNames: [...names].sort(),
    schemaFiles,
    functions,
    appId,
  };
}

function schemaName(text: string | undefined): string | undefined {
  const parsed =
    text === undefined ? undefined : (parseJsonc(text, [], { allowTrailingComma: true }) as { name?: unknown } | undefined);
  return typeof parsed?.name === "string" && parsed.name ? parsed.name : undefined;
}

function findAppId(root: string, clientFiles: string[]): string | undefined {
  const app = readText(root, "base44/.app.jsonc");
  const fromApp = app?.match(/"id"\s*:\s*"([a-f0-9]{24})"/)?.[1];
  if (fromApp) return fromApp;
  for (const f of clientFiles) {
    const m = readText(root, f)?.match(/appId\s*:\s*["']([a-f0-9]{24})["']/);
    if (m) return m[1];
  }
  return undefined;
}
