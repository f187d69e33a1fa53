// base44-vite-plugin: `@base44/vite-plugin` only serves Base44's editor (HMR and navigation
// notices to its iframe, the visual edit agent, analytics) but also quietly configures the build:
// the `@/` → `/src/` alias, `.js` files read as JSX when Vite pre-bundles, and a dev proxy of
// /api. This removes the plugin (import, plugin entry, devDependency) and writes those three back
// into vite.config, the proxy now pointing at the app's own server. Imports that only resolved
// through its `legacySDKImports` (`@/entities/Task` with no such file) get an `// ownit-todo:`.
import path from "node:path";
import type { JSCodeshift, ObjectExpression } from "jscodeshift";
import { finding, type StepContext } from "@ownit/core";
import {
  addEnvVar,
  applySpanEdits,
  collectTodos,
  parseJson,
  changedText,
  propertyKey,
  propertyNamed,
  removeDependency,
  removeVitePlugin,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";
import { BASE44_VITE_PLUGIN } from "../base44-shared/constants";

/** Where `npm run dev` sends /api: the app's own server (`npm start`), unless API_PROXY_TARGET says otherwise. */
export const API_PROXY_TARGET = { env: "API_PROXY_TARGET", fallback: "http://localhost:3000" } as const;

const TODO_PLUGIN = "remove this @base44/vite-plugin use (it only served Base44's editor), then its import";
const LEGACY_PATHS = /\/(entities|functions|integrations|agents)(\/|$)/;

/** Adds `text` as the last property of an object literal, in the object's own layout. */
function addPropertyEdit(source: string, obj: ObjectExpression, text: string): SpanEdit {
  const props = obj.properties;
  const { start, end } = spanOfNode(obj);
  if (!props.length) return { start: start + 1, end: end - 1, text: ` ${text} ` };
  const last = spanOfNode(props[props.length - 1]);
  const lineStart = source.lastIndexOf("\n", spanOfNode(props[0]).start) + 1;
  const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
  const multiline = source.slice(start, end).includes("\n");
  let at = last.end;
  while (/[ \t]/.test(source[at] ?? "")) at++;
  const comma = source[at] === ",";
  const insertAt = comma ? at + 1 : last.end;
  const body = multiline ? `\n${indent}${text.replace(/\n/g, `\n${indent}`)}` : ` ${text}`;
  return { start: insertAt, end: insertAt, text: `${comma ? "" : ","}${body}${comma && multiline ? "," : ""}` };
}

/** The object literal vite.config exports: `defineConfig({...})`, `defineConfig(() => ({...}))`, `export default {...}`. */
function configObject(j: JSCodeshift, source: string): ObjectExpression | undefined {
  const root = j(source);
  let found: ObjectExpression | undefined;
  root.find(j.ExportDefaultDeclaration).forEach((p) => {
    let decl: unknown = p.node.declaration;
    if (j.CallExpression.check(decl)) decl = decl.arguments[0] ?? decl;
    if (j.ArrowFunctionExpression.check(decl) || j.FunctionExpression.check(decl)) {
      const body = decl.body;
      if (j.ObjectExpression.check(body)) decl = body;
      else if (j.BlockStatement.check(body)) {
        const ret = body.body.find((s) => j.ReturnStatement.check(s));
        if (j.ReturnStatement.check(ret) && j.ObjectExpression.check(ret.argument)) decl = ret.argument;
      }
    }
    if (j.ObjectExpression.check(decl)) found = decl;
  });
  return found;
}

/** Vite 8 pre-bundles with Rolldown, older ones with esbuild: the `.js`-as-JSX setting differs. */
function viteMajor(packageJson: string | undefined): number {
  const pkg = packageJson
    ? parseJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(packageJson)
    : undefined;
  const range = pkg?.devDependencies?.vite ?? pkg?.dependencies?.vite ?? "";
  const m = /(\d+)/.exec(range);
  return m ? Number(m[1]) : 6;
}

/** Adds back what the plugin configured, where vite.config does not already say it. */
function addBackSettings(j: JSCodeshift, source: string, major: number): { source: string; added: string[] } {
  const obj = configObject(j, source);
  if (!obj) return { source, added: [] };
  const edits: SpanEdit[] = [];
  const added: string[] = [];
  const objectAt = (parent: ObjectExpression | undefined, name: string): ObjectExpression | "absent" | "other" => {
    const p = parent && propertyNamed(parent.properties, name);
    if (!p) return "absent";
    return j.ObjectProperty.check(p) && j.ObjectExpression.check(p.value) ? p.value : "other";
  };
  const ensure = (path: string[], leafKey: string, leafText: string, label: string) => {
    let parent: ObjectExpression = obj;
    for (let i = 0; i < path.length; i++) {
      const next = objectAt(parent, path[i]!);
      if (next === "other") return; // built some other way: the owner's
      if (next === "absent") {
        const nested = path
          .slice(i + 1)
          .reduceRight((inner, key) => `${key}: {\n  ${inner.replace(/\n/g, "\n  ")}\n}`, `${leafKey}: ${leafText}`);
        edits.push(addPropertyEdit(source, parent, `${path[i]}: {\n  ${nested.replace(/\n/g, "\n  ")}\n}`));
        added.push(label);
        return;
      }
      parent = next;
    }
    const keyText = leafKey.replace(/^["']|["']$/g, "");
    const has = parent.properties.some((p) => {
      const k = propertyKey(p);
      return k === keyText || (keyText === "@/" && k === "@");
    });
    if (has) return;
    edits.push(addPropertyEdit(source, parent, `${leafKey}: ${leafText}`));
    added.push(label);
  };
  ensure(["resolve", "alias"], '"@/"', '"/src/"', "the @/ → /src/ alias");
  ensure(
    ["server", "proxy"],
    '"/api"',
    `{ target: process.env.${API_PROXY_TARGET.env} || "${API_PROXY_TARGET.fallback}", changeOrigin: true, ws: true }`,
    "the /api dev proxy to the app's own server (and its realtime WebSocket)",
  );
  if (major >= 8) ensure(["optimizeDeps", "rolldownOptions", "moduleTypes"], '".js"', '"jsx"', ".js files read as JSX");
  else ensure(["optimizeDeps", "esbuildOptions", "loader"], '".js"', '"jsx"', ".js files read as JSX");
  // Applied one at a time from the end: nested additions never overlap.
  return { source: applySpanEdits(source, edits), added };
}

/** Whether the plugin's legacySDKImports may be on (a literal true, or an env switch). */
function legacyImportsOn(j: JSCodeshift, source: string): boolean {
  let on = false;
  j(source)
    .find(j.ObjectProperty)
    .forEach((p) => {
      if (propertyKey(p.node) !== "legacySDKImports") return;
      const value = p.node.value;
      on ||= !(j.BooleanLiteral.check(value) && value.value === false);
    });
  return on;
}

/** Imports that resolved only through legacySDKImports: a path with /entities, /functions… and no file behind it. */
function markLegacyImports(ctx: StepContext): void {
  const exists = (base: string) =>
    ["", ".js", ".jsx", ".ts", ".tsx", "/index.js", "/index.jsx", "/index.ts", "/index.tsx"].some((ext) =>
      ctx.files.exists(`${base}${ext}`),
    );
  for (const file of ctx.files.list({ patterns: ["src/**/*.{js,jsx,ts,tsx}"] })) {
    const text = ctx.files.read(file) ?? "";
    const edits: SpanEdit[] = [];
    for (const m of text.matchAll(/^[ \t]*import\b[^;'"]*?from\s*["']([^"']+)["'];?/gm)) {
      const spec = m[1]!;
      if (!LEGACY_PATHS.test(spec) || !(spec.startsWith("@/") || spec.startsWith("."))) continue;
      const base = spec.startsWith("@/")
        ? `src/${spec.slice(2)}`
        : path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (exists(base)) continue;
      const kind = LEGACY_PATHS.exec(spec)![1];
      const edit = todoLineEdit(
        text,
        m.index!,
        `this import resolved only through @base44/vite-plugin's legacySDKImports: import it from @/api/${kind}`,
      );
      if (edit) edits.push(edit);
      ctx.report(
        finding({
          severity: "high",
          code: "base44-legacy-sdk-import",
          file,
          message: `${spec} has no file behind it; it worked through @base44/vite-plugin's legacySDKImports, which is gone`,
          hint: `import it from @/api/${kind} (src/api/${kind}.js)`,
        }),
      );
    }
    if (!edits.length) continue;
    const marked = applySpanEdits(text, edits);
    ctx.files.write(file, marked);
    for (const todo of collectTodos(file, marked)) ctx.report(todo);
  }
}

const codemod: Codemod = {
  name: "base44-vite-plugin",
  description:
    "remove @base44/vite-plugin and write back what it configured (@/ alias, .js as JSX, /api proxy to the app's server)",
  builders: ["base44"],
  files: ["vite.config.{ts,mts,cts,js,mjs,cjs}"],
  mentions: [BASE44_VITE_PLUGIN],
  appliesTo: (project) =>
    project.builder.id === "base44" ||
    Boolean(
      project.packageJson?.devDependencies?.[BASE44_VITE_PLUGIN] ?? project.packageJson?.dependencies?.[BASE44_VITE_PLUGIN],
    ),
  transform(file, { j, read, share }) {
    const legacy = legacyImportsOn(j, file.source);
    const source = removeVitePlugin(j, file.source, BASE44_VITE_PLUGIN, TODO_PLUGIN);
    // Left with markers: nothing is added back until the owner finishes.
    if (source.includes(BASE44_VITE_PLUGIN)) return changedText(file.source, source);
    const { source: withSettings, added } = addBackSettings(j, source, viteMajor(read("package.json")));
    share({ legacy, added });
    return changedText(file.source, withSettings);
  },
  project(ctx, shared) {
    const pkg = ctx.files.read("package.json");
    if (pkg !== undefined) {
      const without = removeDependency(pkg, BASE44_VITE_PLUGIN);
      if (without !== pkg) ctx.files.write("package.json", without);
    }
    const results = shared.map((s) => s.data as { legacy: boolean; added: string[] });
    if (results.some((r) => r.added.some((a) => a.includes("proxy")))) {
      const env = addEnvVar(
        ctx.files.read(".env.example"),
        API_PROXY_TARGET.env,
        API_PROXY_TARGET.fallback,
        "Where `npm run dev` (Vite) sends /api: the app's own server started with `npm start`",
      );
      if (env !== ctx.files.read(".env.example")) ctx.files.write(".env.example", env, { generated: true });
    }
    if (results.some((r) => r.legacy)) markLegacyImports(ctx);
  },
};

export default codemod;
