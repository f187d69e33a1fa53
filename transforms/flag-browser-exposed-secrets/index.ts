// flag-browser-exposed-secrets: a secret read through a name the bundler inlines into browser code
// (VITE_SUPABASE_SERVICE_ROLE_KEY, EXPO_PUBLIC_…_SECRET, NEXT_PUBLIC_…) is already public: every
// visitor can read it from the bundle. Moving it is a design change (a server endpoint, a new key)
// that ownit will not make silently, so each read gets an `// ownit-todo:` marker and a high finding
// that lists the code using it: the read itself and, when the value lands in a top-level binding,
// every file:line that uses that binding (its own module and the modules importing it).
// Server-only code (supabase/functions, *.server.*, server/ folders) is not browser code: not flagged.
import path from "node:path";
import type { JSCodeshift, Program } from "jscodeshift";
import {
  BROWSER_ENV_PREFIXES,
  finding,
  isBrowserExposed,
  isSecretName,
  SECRET_NAME_PARTS,
  type StepContext,
  lineAt,
} from "@ownit/core";
import { changedText, applySpanEdits, isScript, spanOfNode, todoLineEdit, type Codemod, type SpanEdit } from "@ownit/codemod";

const CODE = ["**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts,vue,svelte,astro}"];

/** `import.meta.env.X`, `process.env.X`, `process.env["X"]`. */
const ENV_READ = /(?:import\.meta\.env|process\.env)(?:\.([A-Z_][A-Z0-9_]*)|\[\s*["'`]([A-Z_][A-Z0-9_]*)["'`]\s*\])/g;
/** `const { X, Y: y } = import.meta.env` */
const ENV_DESTRUCTURE = /\{([^{}]*)\}\s*=\s*(?:import\.meta\.env|process\.env)\b/g;

/** Files only a server runs: reading a secret there is where it belongs. */
function isServerOnly(file: string): boolean {
  return file.startsWith("supabase/functions/") || /\.server\.[cm]?[jt]sx?$/.test(file) || /(^|\/)server\//.test(file);
}

/** The quick filter: a browser prefix and a secret-ish part in one name. */
const MENTION = new RegExp(`\\b(?:${BROWSER_ENV_PREFIXES.join("|")})[A-Z0-9_]*(?:${SECRET_NAME_PARTS.join("|")})`);

interface Read {
  name: string;
  offset: number;
}

function secretReads(source: string): Read[] {
  const reads: Read[] = [];
  const keep = (name: string, offset: number) => {
    if (isBrowserExposed(name) && isSecretName(name)) reads.push({ name, offset });
  };
  for (const m of source.matchAll(ENV_READ)) keep(m[1] ?? m[2]!, m.index!);
  for (const m of source.matchAll(ENV_DESTRUCTURE)) {
    for (const part of m[1]!.split(",")) {
      const name = part.split(":")[0]!.trim();
      if (/^[A-Z_][A-Z0-9_]*$/.test(name)) keep(name, m.index! + m[0].indexOf(name));
    }
  }
  return reads.sort((a, b) => a.offset - b.offset);
}

/** A script's top-level statements, or undefined for a file the JS/TS parser cannot read (.vue, .svelte, a syntax error). */
function programOf(j: JSCodeshift, file: string, source: string): Program | undefined {
  if (!isScript(file)) return undefined;
  try {
    return j(source).find(j.Program).nodes()[0];
  } catch {
    return undefined;
  }
}

/** The top-level binding whose definition holds `offset` (a const, a function, a class), and whether the module exports it. */
function bindingAt(
  j: JSCodeshift,
  program: Program,
  source: string,
  offset: number,
): { name: string; exported: boolean; line: number } | undefined {
  const inside = (n: unknown) => {
    const { start, end } = spanOfNode(n);
    return start <= offset && offset < end;
  };
  const exportedNames = new Set<string>();
  for (const stmt of program.body) {
    if (j.ExportNamedDeclaration.check(stmt) && !stmt.declaration)
      for (const s of stmt.specifiers ?? [])
        if (j.ExportSpecifier.check(s) && s.local?.name) exportedNames.add(String(s.local.name));
  }
  for (const stmt of program.body) {
    if (!inside(stmt)) continue;
    const exported = j.ExportNamedDeclaration.check(stmt) || j.ExportDefaultDeclaration.check(stmt);
    const decl = exported ? stmt.declaration : stmt;
    if (!decl) return undefined;
    let name: string | undefined;
    if (j.VariableDeclaration.check(decl)) {
      const id = decl.declarations.find(inside);
      if (j.VariableDeclarator.check(id) && j.Identifier.check(id.id)) name = id.id.name;
    } else if ((j.FunctionDeclaration.check(decl) || j.ClassDeclaration.check(decl)) && j.Identifier.check(decl.id)) {
      name = decl.id.name;
    }
    if (!name) return undefined;
    return { name, exported: exported || exportedNames.has(name), line: lineAt(source, spanOfNode(stmt).start) };
  }
  return undefined;
}

/** Finds `import { name } from "<spec>"` where spec resolves to `target` (relative, `@/` or `~/` for src/). */
function importsFrom(importer: string, spec: string, target: string): boolean {
  const strip = (p: string) => p.replace(/\.[cm]?[jt]sx?$/, "").replace(/\/index$/, "");
  const candidates: string[] = [];
  if (spec.startsWith(".")) candidates.push(path.posix.normalize(path.posix.join(path.posix.dirname(importer), spec)));
  else if (/^[@~]\//.test(spec)) candidates.push(`src/${spec.slice(2)}`, spec.slice(2));
  return candidates.some((c) => strip(c) === strip(target));
}

/** Every file:line that uses `binding` from `file`: later lines of its own module, and modules importing it. */
function usesOf(ctx: StepContext, file: string, binding: string, definedAt: number): string[] {
  const word = new RegExp(`\\b${binding}\\b`);
  const sites: string[] = [];
  const own = ctx.files.read(file) ?? "";
  own.split("\n").forEach((line, i) => {
    if (i + 1 > definedAt && word.test(line) && !/^\s*(?:export\s*\{|export\s+default\s+\w+\s*;?\s*$|\/\/)/.test(line))
      sites.push(`${file}:${i + 1}`);
  });
  for (const other of ctx.files.list({ patterns: CODE })) {
    if (other === file) continue;
    const text = ctx.files.read(other);
    if (!text || !word.test(text)) continue;
    const imports = [...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)].filter(
      (m) => importsFrom(other, m[2]!, file) && m[1]!.split(",").some((s) => s.trim().split(/\s+as\s+/)[0] === binding),
    );
    if (!imports.length) continue;
    const local =
      imports[0]![1]!
        .split(",")
        .map((s) => s.trim().split(/\s+as\s+/))
        .find(([imported]) => imported === binding)?.[1] ?? binding;
    const localWord = new RegExp(`\\b${local}\\b`);
    // The import statement's own lines are not uses.
    const importLines = new Set<number>();
    for (const m of imports)
      for (let l = lineAt(text, m.index!); l <= lineAt(text, m.index! + m[0].length); l++) importLines.add(l);
    text.split("\n").forEach((line, i) => {
      if (localWord.test(line) && !importLines.has(i + 1)) sites.push(`${other}:${i + 1}`);
    });
  }
  return sites;
}

interface Flagged {
  file: string;
  name: string;
  line: number;
  binding?: { name: string; exported: boolean; line: number };
}

const MAX_SITES = 12;

const codemod: Codemod = {
  name: "flag-browser-exposed-secrets",
  description:
    "mark every read of a secret through a browser-exposed env name (VITE_*SERVICE_ROLE*, …) and list the code using it",
  builders: ["any"],
  files: CODE,
  mentions: [MENTION],
  appliesTo: (project) => project.envVars.some((v) => v.browserExposed && isSecretName(v.name)),
  transform(file, { j, share }) {
    if (isServerOnly(file.path)) return undefined;
    const reads = secretReads(file.source);
    if (!reads.length) return undefined;
    const edits = new Map<number, SpanEdit>();
    for (const r of reads) {
      const prefix = BROWSER_ENV_PREFIXES.find((p) => r.name.startsWith(p))!;
      const edit = todoLineEdit(
        file.source,
        r.offset,
        `${r.name} is a secret, but the ${prefix} prefix ships it to every browser: rotate it and use it only in server code`,
      );
      if (edit) edits.set(edit.start, edit);
    }
    const out = edits.size ? applySpanEdits(file.source, [...edits.values()]) : file.source;
    // Lines and bindings are those of the file as it will be written (markers included).
    const program = programOf(j, file.path, out);
    const flagged: Flagged[] = secretReads(out).map((r) => ({
      file: file.path,
      name: r.name,
      line: lineAt(out, r.offset),
      binding: program && bindingAt(j, program, out, r.offset),
    }));
    share(flagged);
    return changedText(file.source, out);
  },
  project(ctx, shared) {
    for (const { data } of shared) {
      for (const f of data as Flagged[]) {
        const sites = f.binding ? usesOf(ctx, f.file, f.binding.name, f.binding.line) : [];
        const shown =
          sites.slice(0, MAX_SITES).join(", ") + (sites.length > MAX_SITES ? ` and ${sites.length - MAX_SITES} more` : "");
        const prefix = BROWSER_ENV_PREFIXES.find((p) => f.name.startsWith(p))!;
        ctx.report(
          finding({
            severity: "high",
            code: "browser-exposed-secret-read",
            file: f.file,
            line: f.line,
            message: `${f.name} is a secret, but the ${prefix} prefix makes the bundler ship it to every browser${f.binding ? `; it feeds ${f.binding.name}${sites.length ? `, used at ${shown}` : " (no other use found)"}` : ""}`,
            hint: `rotate the key now, then move the code that needs it to a server that reads it without the ${prefix} prefix (ownit does not move it for you)`,
          }),
        );
      }
    }
  },
};

export default codemod;
