// JSON/JSONC edits that keep the rest of the file byte-identical (jsonc-parser's modify + applyEdits).
import { applyEdits, modify, parse as parseJsonc, type FormattingOptions, type JSONPath, type ParseError } from "jsonc-parser";
import { eolOf } from "./text";

/** The dependency sections of package.json a package can be listed in. */
export const DEPENDENCY_SECTIONS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** Indentation as the file already has it (two spaces when it cannot tell). */
function formattingOf(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? "  ";
  return { insertSpaces: !indent.startsWith("\t"), tabSize: indent.startsWith("\t") ? 1 : indent.length, eol: eolOf(text) };
}

export function parseJson<T = unknown>(text: string): T | undefined {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true }) as T;
  return errors.length ? undefined : value;
}

/** Sets (or with `undefined`, removes) the value at a path; everything else keeps its bytes. */
export function editJson(text: string, at: JSONPath, value: unknown): string {
  return applyEdits(text, modify(text, at, value, { formattingOptions: formattingOf(text) }));
}

/** package.json with `name` removed from every dependency section; unchanged text when it was not listed. */
export function removeDependency(packageJson: string, name: string): string {
  const pkg = parseJson<Record<string, Record<string, string> | undefined>>(packageJson);
  if (!pkg) return packageJson;
  let out = packageJson;
  for (const section of DEPENDENCY_SECTIONS) {
    if (pkg[section] && Object.prototype.hasOwnProperty.call(pkg[section], name)) out = editJson(out, [section, name], undefined);
  }
  return out;
}

/** Whether package.json lists `name` in any dependency section. */
export function hasDependency(packageJson: string | undefined, name: string): boolean {
  const pkg = packageJson === undefined ? undefined : parseJson<Record<string, Record<string, string> | undefined>>(packageJson);
  return Boolean(pkg && DEPENDENCY_SECTIONS.some((s) => pkg[s] && Object.prototype.hasOwnProperty.call(pkg[s], name)));
}
