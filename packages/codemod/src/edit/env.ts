// .env, .env.example and .gitignore edits by line: add what is missing, keep every existing line.
// Two plan-level edits every "move a value out of the code" transform makes sit here too: names
// listed in .env.example, values kept in .env.local (out of git).
import ignore from "ignore";
import type { Changeset, ProjectFacts } from "@ownit/core";
import { eolOf } from "./text";

const ENV_EXAMPLE = ".env.example";
const ENV_LOCAL = ".env.local";

function appendLine(text: string | undefined, line: string): string {
  const base = text ?? "";
  const eol = base ? eolOf(base) : "\n";
  return `${base}${base && !base.endsWith("\n") ? eol : ""}${line}${eol}`;
}

/** The value a .env file gives a variable, if any. */
export function envValue(text: string | undefined, name: string): string | undefined {
  if (!text) return undefined;
  const m = new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=\\s*(.*)$`, "m").exec(text);
  if (!m) return undefined;
  return m[1]!.trim().replace(/^(["'])(.*)\1$/, "$2");
}

/** Adds `NAME=value` when the file does not define NAME yet (an existing value is the owner's: kept). */
export function addEnvVar(text: string | undefined, name: string, value = "", comment?: string): string {
  if (text !== undefined && new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`, "m").test(text)) return text;
  const withComment = comment && !(text ?? "").includes(`# ${comment}`) ? appendLine(text, `# ${comment}`) : text;
  const quoted = /[\s#"']/.test(value) ? JSON.stringify(value) : value;
  return appendLine(withComment, `${name}=${quoted}`);
}

/** Adds a .gitignore entry unless an equivalent line is already there. */
export function addGitignoreEntry(text: string | undefined, entry: string): string {
  const bare = entry.replace(/^\//, "");
  const present = (text ?? "").split(/\r?\n/).some((l) => {
    const t = l.trim().replace(/^\//, "");
    return t === bare || t === `${bare}/`;
  });
  return present ? (text ?? "") : appendLine(text, entry);
}

/**
 * Lists each name .env.example does not define yet (empty value, under `comment`); a file ownit
 * creates is marked generated. Returns whether the file changed.
 */
export function addEnvExampleNames(files: Changeset, names: Iterable<string>, comment?: string): boolean {
  const before = files.read(ENV_EXAMPLE);
  let example = before;
  for (const name of names) example = addEnvVar(example, name, "", comment);
  if (example === undefined || example === before) return false;
  files.write(ENV_EXAMPLE, example, { generated: true });
  return true;
}

/**
 * Adds each `NAME=value` .env.local does not define yet (an owner's own value is kept) and, when
 * that changed the file, makes sure .gitignore keeps it out of git: the values are the ones moved
 * out of the code.
 */
export function addEnvLocalValues(files: Changeset, values: Iterable<readonly [string, string]>, comment: string): void {
  const before = files.read(ENV_LOCAL);
  let local = before;
  for (const [name, value] of values) local = addEnvVar(local, name, value, comment);
  if (local === undefined || local === before) return;
  files.write(ENV_LOCAL, local);
  const gitignore = files.read(".gitignore");
  if (
    !ignore()
      .add(gitignore ?? "")
      .ignores(ENV_LOCAL)
  )
    files.write(".gitignore", addGitignoreEntry(gitignore, ENV_LOCAL));
}

/** How a piece of code reads its env: Deno (edge functions), Vite's import.meta.env (browser code), Node's process.env. */
export type EnvReader = "deno" | "vite" | "node";

/** Where code runs on a server: its folders, `.server.ts`/`.functions.ts` modules, TanStack Start server functions. */
const SERVER_PATH = /(^|\/)(server|api|functions)\/|\.server\.[cm]?[jt]sx?$|\.functions\.[cm]?[jt]sx?$/;

/**
 * Which env reader a file uses (or, with no file, the project's browser code): Deno in edge functions
 * and code already calling Deno.env; Vite in a Vite app's src/ (unless the file reads process.env);
 * process.env in server code and in Next.js and Expo apps; Vite for the rest of src/. Undefined: no convention.
 */
export function envReaderFor(project: ProjectFacts, file?: { path: string; source: string }): EnvReader | undefined {
  const framework = project.framework.id;
  if (!file) return framework === "vite-react" ? "vite" : framework === "next" || framework === "expo" ? "node" : undefined;
  const { path, source } = file;
  if (path.startsWith("supabase/functions/") || source.includes("Deno.env")) return "deno";
  const readsNode = source.includes("process.env");
  if (framework === "vite-react" && path.startsWith("src/") && !readsNode) return "vite";
  if (readsNode || SERVER_PATH.test(path) || source.includes("createServerFn")) return "node";
  if (framework === "next" || framework === "expo") return "node";
  return path.startsWith("src/") ? "vite" : undefined;
}

/** Whether a file's env reads run where a secret is safe (a server, an edge function), not in a browser bundle. */
export function readsEnvOnServer(reader: EnvReader | undefined): reader is "deno" | "node" {
  return reader === "deno" || reader === "node";
}

/** The prefix each framework's bundler hands to browser code (one of BROWSER_ENV_PREFIXES in @ownit/core). */
const BROWSER_PREFIX: Record<string, string> = { "vite-react": "VITE_", next: "NEXT_PUBLIC_", expo: "EXPO_PUBLIC_" };

/** A variable the project's browser code can read: `base` under the framework's public prefix, and how code reads it. */
export function browserEnvVar(project: ProjectFacts, base: string): { name: string; read: string } | undefined {
  const reader = envReaderFor(project);
  const prefix = BROWSER_PREFIX[project.framework.id];
  if (!reader || !prefix) return undefined;
  const name = `${prefix}${base}`;
  return { name, read: envReadExpression(reader, name) };
}

/**
 * The expression that reads `name` with that reader. `nonNull` adds TypeScript's `!` to Deno's
 * `string | undefined`; `quote` is the file's own string quote.
 */
export function envReadExpression(reader: EnvReader, name: string, options: { nonNull?: boolean; quote?: string } = {}): string {
  const q = options.quote ?? '"';
  if (reader === "deno") return `Deno.env.get(${q}${name}${q})${options.nonNull ? "!" : ""}`;
  return reader === "vite" ? `import.meta.env.${name}` : `process.env.${name}`;
}
