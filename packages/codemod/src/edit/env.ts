// .env, .env.example and .gitignore edits by line: add what is missing, keep every existing line.
import { eolOf } from "./text";

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
