// Which environment variables the project's code reads, found in the files as the plan sees them
// (after the codemods), grouped by who reads them: the browser bundle, the build config, a server,
// or Supabase edge functions.
import { BUILTIN_ENV, ENV_READS, type Changeset } from "@ownit/core";
import { ADDED_BY_DEPLOY, SUPPORT_DIR } from "./defaults";
import { FUNCTIONS_SOURCE_DIR } from "./edge-functions";

const CODE_GLOBS = ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}"];
/** Build tool configs: what they read is build configuration, not app settings. */
const CONFIG_FILE = /(^|\/)(vite|next|nuxt|astro|tailwind|postcss|app|metro)\.config\.[cm]?[jt]s$/;
const EDGE_FUNCTIONS_DIR = `${FUNCTIONS_SOURCE_DIR}/`;
const TEST_FILE = /(^|\/)(__tests__|test|tests|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

export type EnvReader = "browser" | "build-config" | "server" | "edge-function";

export interface EnvRead {
  name: string;
  reader: EnvReader;
  /** Files that read it, sorted. */
  files: string[];
}

/** Prefixes a bundler inlines into browser code, per framework family. */
function publicPrefixes(framework: string): string[] {
  if (framework === "next") return ["NEXT_PUBLIC_"];
  if (framework === "expo") return ["EXPO_PUBLIC_"];
  return ["VITE_"];
}

export function scanEnvReads(files: Changeset, framework: string): EnvRead[] {
  const prefixes = publicPrefixes(framework);
  const found = new Map<string, { reader: EnvReader; files: Set<string> }>();
  const rank: Record<EnvReader, number> = { browser: 0, server: 1, "build-config": 2, "edge-function": 3 };
  for (const file of files.list({ patterns: CODE_GLOBS })) {
    // docker/ holds what deploy itself generated (the functions router reads the functions service's own settings).
    if (TEST_FILE.test(file) || file.startsWith(`${SUPPORT_DIR}/`)) continue;
    const text = files.read(file);
    if (!text) continue;
    for (const pattern of ENV_READS) {
      for (const m of text.matchAll(pattern)) {
        const name = m[1]!;
        if (BUILTIN_ENV.has(name)) continue;
        const reader: EnvReader = file.startsWith(EDGE_FUNCTIONS_DIR)
          ? "edge-function"
          : prefixes.some((p) => name.startsWith(p))
            ? "browser"
            : CONFIG_FILE.test(file)
              ? "build-config"
              : "server";
        const entry = found.get(name);
        if (!entry) found.set(name, { reader, files: new Set([file]) });
        else {
          entry.files.add(file);
          // A variable the app reads wins over the same name in an edge function or a config.
          if (rank[reader] < rank[entry.reader]) entry.reader = reader;
        }
      }
    }
  }
  return [...found.entries()]
    .map(([name, e]) => ({ name, reader: e.reader, files: [...e.files].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `NAME=` (or `export NAME=`) at the start of an env file's line. */
const DECLARATION = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=/;

/** Variable names an env file declares (for an .env.example another step or the owner wrote). */
export function declaredNames(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/\r?\n/).flatMap((line) => DECLARATION.exec(line)?.[1] ?? []);
}

/**
 * The names another step (or the owner) declared, leaving out the sections deploy itself appended
 * (headed `# --- … (added by ownit deploy)`): those are deploy's own settings, not the app's, and
 * reading them back would make a second run list them as app variables.
 */
export function declaredAppNames(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  let inDeploySection = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("# --- ")) inDeploySection = line.trimEnd().endsWith(ADDED_BY_DEPLOY);
    const name = DECLARATION.exec(line)?.[1];
    if (name && !inDeploySection) names.push(name);
  }
  return names;
}
