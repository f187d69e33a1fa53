// supabase-client-to-env: Lovable writes the Supabase project URL and anon key into
// src/integrations/supabase/client.ts (and code copies them into fetch calls and headers). In
// browser code they become `import.meta.env.VITE_SUPABASE_URL` / `VITE_SUPABASE_PUBLISHABLE_KEY`,
// their values go to .env.local (gitignored) and the names to .env.example; in edge functions
// (supabase/functions, Deno) they become the variables Supabase sets there itself (SUPABASE_URL,
// SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY). A service-role key in browser code is never put in
// a VITE_ variable: it stays, with a marker and a high finding. The project ref read from the key
// is reported; the key itself never appears in a finding.
import type { Collection, JSCodeshift } from "jscodeshift";
import { decodeJwtPayload, finding, JWT_PATTERN, SUPABASE_PROJECT_URL, type StepContext, lineAt } from "@ownit/core";
import {
  addEnvExampleNames,
  addEnvLocalValues,
  applySpanEdits,
  envReaderFor,
  envReadExpression,
  envValue,
  isValueString,
  spanOfNode,
  templateText,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
  type TransformApi,
  type TransformFile,
} from "@ownit/codemod";

/** What browser code reads, as Lovable's newer exports name it. */
const BROWSER_ENV = { url: "VITE_SUPABASE_URL", anon: "VITE_SUPABASE_PUBLISHABLE_KEY" } as const;
/** What Supabase sets in every edge function's environment. */
const EDGE_ENV = { url: "SUPABASE_URL", anon: "SUPABASE_ANON_KEY", service: "SUPABASE_SERVICE_ROLE_KEY" } as const;
/** Env files Vite reads before .env.local: a value already there is not written again. */
const VITE_ENV_FILES = [".env", ".env.local"];

/** A JWT or one of Supabase's newer key formats. */
const KEY = new RegExp(`${JWT_PATTERN.source}|\\bsb_(?:publishable|secret)_[A-Za-z0-9_-]{10,}`, "g");

type KeyKind = "anon" | "service" | "other";

interface Moved {
  name: string;
  value: string;
  ref?: string;
}

function keyKind(key: string): { kind: KeyKind; ref?: string; role?: string } {
  if (key.startsWith("sb_publishable_")) return { kind: "anon" };
  if (key.startsWith("sb_secret_")) return { kind: "service" };
  const payload = decodeJwtPayload(key);
  const role = typeof payload?.role === "string" ? payload.role : undefined;
  const ref = typeof payload?.ref === "string" ? payload.ref : undefined;
  if (role === "anon") return { kind: "anon", ref, role };
  if (role === "service_role" || role === "supabase_admin") return { kind: "service", ref, role };
  return { kind: "other", ref, role };
}

/** Stands an env read in for a project URL or key found at `at`; undefined leaves it where it is (with a marker). */
type Replace = (value: string, at: number) => string | undefined;

/**
 * The replacement for one file: Supabase's own names in edge functions, VITE_ names (values moved to
 * .env.local) in browser code, where a service-role key is never moved but marked and reported.
 */
function replacementFor(
  file: TransformFile,
  edge: boolean,
  moved: Moved[],
  report: TransformApi["report"],
  todo: (at: number, what: string) => void,
): Replace {
  const edgeRead = (name: string) => envReadExpression("deno", name, { nonNull: /\.m?tsx?$/.test(file.path) });
  return (value, at) => {
    const url = new RegExp(SUPABASE_PROJECT_URL.source).exec(value);
    if (url && url[0] === value) {
      if (edge) return edgeRead(EDGE_ENV.url);
      moved.push({ name: BROWSER_ENV.url, value, ref: url[1] });
      return envReadExpression("vite", BROWSER_ENV.url);
    }
    const { kind, ref, role } = keyKind(value);
    if (kind === "service") {
      report({
        severity: "high",
        code: "service-role-key-in-source",
        line: lineAt(file.source, at),
        message: `a service-role key${ref ? ` for project ${ref}` : ""} is hard-coded: it bypasses every RLS policy and is in the git history`,
        hint: "rotate it in the Supabase dashboard (Settings → API) now",
      });
      if (edge) return edgeRead(EDGE_ENV.service);
      todo(
        at,
        "this service-role key must not ship to the browser: rotate it and move the code that needs it to a server or edge function",
      );
      return undefined;
    }
    if (kind === "other") {
      todo(at, `a hard-coded JWT (role ${role ?? "unknown"}): replace it with a key read from env`);
      return undefined;
    }
    if (edge) return edgeRead(EDGE_ENV.anon);
    moved.push({ name: BROWSER_ENV.anon, value, ref });
    return envReadExpression("vite", BROWSER_ENV.anon);
  };
}

/** Project URLs and keys in a text, where they start. */
function matchesIn(text: string): Array<{ index: number; value: string }> {
  return [...text.matchAll(new RegExp(`${SUPABASE_PROJECT_URL.source}|${KEY.source}`, "g"))].map((m) => ({
    index: m.index!,
    value: m[0],
  }));
}

/** String literals: a bare value becomes the env read; a value inside text makes the string a template. */
function rewriteStrings(j: JSCodeshift, root: Collection, edits: Map<number, SpanEdit>, replace: Replace): void {
  root.find(j.StringLiteral).forEach((path) => {
    const node = path.node;
    const parent = path.parent?.node;
    // Import sources, object keys and types are not values the app sends anywhere.
    if (!isValueString(node, parent)) return;
    // In JSX an attribute's value becomes an expression container: href={import.meta.env.…}.
    const wrap = (text: string) => (j.JSXAttribute.check(parent) ? `{${text}}` : text);
    const found = matchesIn(node.value);
    if (!found.length) return;
    const { start, end } = spanOfNode(node);
    if (found.length === 1 && found[0]!.value === node.value) {
      const expr = replace(node.value, start);
      if (expr) edits.set(start, { start, end, text: wrap(expr) });
      return;
    }
    let text = "";
    let last = 0;
    let changed = false;
    for (const m of found) {
      const expr = replace(m.value, start);
      text += templateText(node.value.slice(last, m.index)) + (expr ? `\${${expr}}` : templateText(m.value));
      last = m.index + m.value.length;
      changed ||= expr !== undefined;
    }
    if (changed) edits.set(start, { start, end, text: wrap(`\`${text}${templateText(node.value.slice(last))}\``) });
  });
}

/** Template literals (not tagged ones): each value in their text becomes `${envRead}`; a template of the value alone, the read itself. */
function rewriteTemplates(
  j: JSCodeshift,
  root: Collection,
  source: string,
  edits: Map<number, SpanEdit>,
  replace: Replace,
): void {
  root.find(j.TemplateLiteral).forEach((path) => {
    const node = path.node;
    if (j.TaggedTemplateExpression.check(path.parent?.node)) return;
    for (const quasi of node.quasis) {
      const { start, end } = spanOfNode(quasi);
      const raw = source.slice(start, end);
      const found = matchesIn(raw);
      if (!found.length) continue;
      if (node.expressions.length === 0 && found.length === 1 && found[0]!.value === raw) {
        const expr = replace(raw, start);
        if (expr) edits.set(spanOfNode(node).start, { ...spanOfNode(node), text: expr });
        continue;
      }
      let text = "";
      let last = 0;
      for (const m of found) {
        const expr = replace(m.value, start);
        text += raw.slice(last, m.index) + (expr ? `\${${expr}}` : m.value);
        last = m.index + m.value.length;
      }
      text += raw.slice(last);
      if (text !== raw) edits.set(start, { start, end, text });
    }
  });
}

const codemod: Codemod = {
  name: "supabase-client-to-env",
  description:
    "hard-coded Supabase URL and anon key to env (VITE_SUPABASE_URL/PUBLISHABLE_KEY in the browser, Supabase's own names in edge functions)",
  builders: ["lovable-vite"],
  files: ["src/**/*.{ts,tsx,js,jsx,mts,mjs}", "supabase/functions/**/*.{ts,js,mts,mjs}"],
  mentions: [/\.supabase\.(?:co|in)/, /eyJ[A-Za-z0-9_-]{8,}\./, "sb_publishable_", "sb_secret_"],
  appliesTo: (project) => project.builder.id === "lovable-vite",
  transform(file, { j, project, report, share }) {
    const source = file.source;
    const edits = new Map<number, SpanEdit>();
    const moved: Moved[] = [];
    const replace = replacementFor(file, envReaderFor(project, file) === "deno", moved, report, (at, what) => {
      const edit = todoLineEdit(source, at, what);
      if (edit) edits.set(edit.start, edit);
    });
    const root = j(source);
    rewriteStrings(j, root, edits, replace);
    rewriteTemplates(j, root, source, edits, replace);
    if (moved.length) share(moved);
    return edits.size ? applySpanEdits(source, [...edits.values()]) : undefined;
  },
  project(ctx, shared) {
    const moved = shared.flatMap((s) => s.data as Moved[]);
    if (!moved.length) return;
    writeEnvFiles(
      ctx,
      moved,
      shared.map((s) => s.path),
    );
  },
};

/** Values to .env.local (unless Vite already gets them from .env), names to .env.example. */
function writeEnvFiles(ctx: StepContext, moved: Moved[], files: string[]): void {
  const values = new Map<string, string>();
  for (const m of moved) {
    const first = values.get(m.name);
    if (first === undefined) values.set(m.name, m.value);
    else if (first !== m.value) {
      ctx.report(
        finding({
          severity: "high",
          code: "supabase-values-disagree",
          message: `the code used two different values for ${m.name}; .env.local has the first one found`,
          hint: `check which Supabase project each of ${[...new Set(files)].join(", ")} should use`,
        }),
      );
    }
  }
  const unset: Array<[string, string]> = [];
  for (const [name, value] of values) {
    const known = VITE_ENV_FILES.map((f) => envValue(ctx.files.read(f), name)).find((v) => v !== undefined);
    if (known === undefined) unset.push([name, value]);
    else if (known !== value)
      ctx.report(
        finding({
          severity: "medium",
          code: "supabase-env-differs",
          message: `${name} in your env files differs from the value the code had hard-coded; your env file wins`,
          hint: "make sure it names the project you mean",
        }),
      );
  }
  addEnvLocalValues(
    ctx.files,
    unset,
    "Supabase project the app talks to (moved out of the code by ownit; this file stays out of git)",
  );
  addEnvExampleNames(ctx.files, values.keys(), "Supabase project: its URL and anon (publishable) key; the browser receives both");

  const refs = [...new Set(moved.map((m) => m.ref).filter((r): r is string => Boolean(r)))];
  if (refs.length) ctx.record("supabaseProjectRef", refs.length === 1 ? refs[0] : refs);
  ctx.report(
    finding({
      severity: "info",
      code: "supabase-client-env",
      file: ".env.local",
      message: `the app reads ${[...values.keys()].join(" and ")} from env; the values for Supabase project ${refs.join(", ") || "(ref unknown)"} are in .env.local, which git ignores`,
      hint: "set the same variables where the app is built (Vite inlines them at build time)",
    }),
  );
}

export default codemod;
