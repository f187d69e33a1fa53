// Which packages a project's files import that its package.json does not declare: the check that a
// migration left nothing resolving only by accident (a package another one happened to bring along).
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { parse, type ParserPlugin } from "@babel/parser";

const SCRIPT = /\.(?:[cm]?[jt]sx?)$/;

/** Code that is not the Node app's: Deno edge functions resolve their own imports (npm:, jsr:, URLs). */
const OWN_IMPORT_RULES = [/^supabase\/functions\//, /^base44\/functions\//, /^functions\//];

/** Path aliases the builders' tsconfig/vite configs define (`@/` → src). */
const ALIASES = [/^@\//, /^~\//];

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function isPackageSpecifier(spec: string): boolean {
  if (
    spec.startsWith(".") ||
    spec.startsWith("/") ||
    spec.startsWith("node:") ||
    spec.startsWith("#") ||
    spec.startsWith("virtual:") ||
    /^[a-z]+:/.test(spec)
  )
    return false;
  if (ALIASES.some((a) => a.test(spec))) return false;
  return !builtinModules.includes(packageOf(spec));
}

/** Every module specifier a script imports, exports from, or loads with `import("…")`. */
export function importedSpecifiers(source: string, file: string): string[] {
  const plugins: ParserPlugin[] = [...(/\.[cm]?ts$/.test(file) ? [] : (["jsx"] as ParserPlugin[])), "typescript"];
  const ast = parse(source, { sourceType: "module", plugins, errorRecovery: true });
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as {
      type?: string;
      source?: { value?: unknown };
      callee?: { type?: string };
      arguments?: Array<{ type?: string; value?: unknown }>;
    };
    if (
      (n.type === "ImportDeclaration" || n.type === "ExportNamedDeclaration" || n.type === "ExportAllDeclaration") &&
      typeof n.source?.value === "string"
    )
      found.push(n.source.value);
    if (n.type === "CallExpression" && n.callee?.type === "Import" && n.arguments?.[0]?.type === "StringLiteral")
      found.push(String(n.arguments[0].value));
    if (n.type === "ImportExpression" && (n.source as { type?: string })?.type === "StringLiteral")
      found.push(String(n.source!.value));
    for (const [key, value] of Object.entries(n)) if (key !== "loc" && key !== "start" && key !== "end") visit(value);
  };
  visit(ast.program);
  return found;
}

/** `file: specifier` for every package import among `files` that package.json does not declare. */
export function undeclaredImports(dir: string, files: string[]): string[] {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<
    string,
    Record<string, string> | string | undefined
  >;
  const declared = new Set([
    pkg.name as string,
    ...["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].flatMap((s) =>
      Object.keys((pkg[s] as Record<string, string> | undefined) ?? {}),
    ),
  ]);
  const missing: string[] = [];
  for (const file of files.filter((f) => SCRIPT.test(f) && !OWN_IMPORT_RULES.some((r) => r.test(f)))) {
    const specs = importedSpecifiers(readFileSync(path.join(dir, file), "utf8"), file);
    for (const spec of specs) if (isPackageSpecifier(spec) && !declared.has(packageOf(spec))) missing.push(`${file}: ${spec}`);
  }
  return missing;
}
