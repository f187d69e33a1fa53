// lovable-tanstack-vite-config: Lovable's TanStack Start projects build through
// `defineConfig` from @lovable.dev/vite-tanstack-config, a wrapper that assembles the Vite config
// at build time and targets a Cloudflare Worker (nitro's `cloudflare-module` preset, wrangler.jsonc).
// This writes out what the wrapper sets up outside Lovable's sandbox (read from its 2.x source):
// Tailwind, tsconfig paths, TanStack Start (with its import protection for server code), React, the
// `@` → src alias, React/TanStack dedupe, VITE_* variables defined from .env files, lightningcss,
// the dev server on [::]:8080, and the owner's own options merged the way the wrapper merges them
// (`vite` through mergeConfig, `plugins` after the built-in ones). The server build becomes a Node
// server (nitro's `node-server` preset, started with `node .output/server/index.mjs`), so the
// wrapper package and the wrangler config go. What the wrapper added only for Lovable's editor
// (TanStack devtools source injection, its error-logging, HMR-gate and asset-proxy plugins, build
// watchdogs, file-watch debouncing, dev-only optimizeDeps hints) is left out.
// A config shape this does not understand keeps working as it was, with an ownit-todo marker.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Collection, JSCodeshift } from "jscodeshift";
import { parse as parseToml } from "smol-toml";
import { finding, LOVABLE, type StepContext } from "@ownit/core";
import {
  changedText,
  addDependencies,
  applySpanEdits,
  editJson,
  fillTemplate,
  hasDependency,
  parseJson,
  propertyKey,
  propertyNamed,
  removeDependency,
  spanOfNode,
  todoLineEdit,
  TESTED_VERSIONS,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

type AnyNode = { type: string; start?: number; end?: number; [key: string]: unknown };

const WRAPPER = LOVABLE.tanstackConfigPackage;

/** Option keys that make the wrapper read its argument as options rather than as a Vite config. */
const OPTION_KEYS = [
  "vite",
  "serverFnErrorLogger",
  "ssrErrorLogger",
  "nitro",
  "tanstackStart",
  "react",
  "envDefine",
  "hmrGate",
  "buildExitWatchdog",
];
/** Options that only shaped Lovable's editor preview: nothing to carry over. */
const EDITOR_ONLY_OPTIONS = ["serverFnErrorLogger", "ssrErrorLogger", "hmrGate", "buildExitWatchdog"];

/** The server build off Cloudflare, and how it starts. */
export const NODE_PRESET = "node-server";
export const START_SCRIPT = "node .output/server/index.mjs";

/** wrangler settings that only describe the Worker itself: a config with nothing else can go. */
const PLAIN_WRANGLER_KEYS = new Set([
  "$schema",
  "name",
  "main",
  "compatibility_date",
  "compatibility_flags",
  "assets",
  "observability",
  "no_bundle",
  "rules",
  "upload_source_maps",
  "build",
  "minify",
  "workers_dev",
  "preview_urls",
  "keep_vars",
]);
const WRANGLER_FILES = ["wrangler.jsonc", "wrangler.json", "wrangler.toml"];

const TODO = `this config uses ${WRAPPER} in a way ownit cannot rewrite: replace it with a plain Vite config (tanstackStart, viteReact, tailwindcss, vite-tsconfig-paths, nitro node-server)`;

/** The Cloudflare Vite plugin the 1.x wrapper built Workers with: dead weight in a Node build. */
const CLOUDFLARE_PLUGIN = "@cloudflare/vite-plugin";

/** A package the written-out config names without importing it (`css.transformer`). */
const CSS_TRANSFORMER = "lightningcss";

/** What the per-file rewrite tells the project step. */
interface Rewritten {
  /** The nitro preset the config now builds with (undefined: no nitro, `nitro: false`). */
  preset?: string;
  /**
   * Packages the written-out config loads. The wrapper brought them as its own dependencies or
   * peers (nitro, lightningcss), so an export may never declare them; once the wrapper goes they must be.
   */
  packages: string[];
  /** The config still imports the Cloudflare plugin (an owner's own `vite.plugins`). */
  usesCloudflarePlugin: boolean;
}

/** The Vite config as the wrapper's argument describes it. */
interface WrapperOptions {
  /** Source text of each option's value, by key. */
  values: Map<string, AnyNode>;
  /** Keys the wrapper ignored (not options) in an options object. */
  ignored: string[];
  /** The whole argument is a Vite config (an object without option keys, or a function). */
  vite?: AnyNode;
}

/** Reads the wrapper's argument; undefined when its shape is not one ownit can carry over. */
function readOptions(arg: AnyNode | undefined): WrapperOptions | undefined {
  const options: WrapperOptions = { values: new Map(), ignored: [] };
  if (!arg) return options;
  if (arg.type === "ArrowFunctionExpression" || arg.type === "FunctionExpression") return { ...options, vite: arg };
  if (arg.type !== "ObjectExpression") return undefined;
  const props = arg.properties as AnyNode[];
  if (props.some((p) => propertyKey(p) === undefined)) return undefined;
  const keys = props.map((p) => propertyKey(p)!);
  if (!keys.some((k) => OPTION_KEYS.includes(k))) return { ...options, vite: arg };
  for (const p of props) {
    const key = propertyKey(p)!;
    if (OPTION_KEYS.includes(key) || key === "plugins" || key === "cloudflare") options.values.set(key, p.value as AnyNode);
    else options.ignored.push(key);
  }
  // v1's `cloudflare: false` turned the deploy build off; v2 reads it as `nitro: false`.
  const cloudflare = options.values.get("cloudflare");
  if (cloudflare && cloudflare.type === "BooleanLiteral" && cloudflare.value === false && !options.values.has("nitro"))
    options.values.set("nitro", cloudflare);
  options.values.delete("cloudflare");
  return options;
}

/** The text of a node, re-indented so its first line can sit at `indent`. */
function sliceAt(source: string, node: AnyNode, indent: string): string {
  const { start, end } = spanOfNode(node);
  const text = source.slice(start, end);
  const lineStart = source.lastIndexOf("\n", start - 1) + 1;
  const original = /^[ \t]*/.exec(source.slice(lineStart))![0];
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : line.startsWith(original) ? indent + line.slice(original.length) : line))
    .join("\n");
}

/** The inside of an object literal (its properties, comments included), for merging into another. */
function objectBody(source: string, node: AnyNode, indent: string): string | undefined {
  if (node.type !== "ObjectExpression") return undefined;
  const { start, end } = spanOfNode(node);
  const inner = source.slice(start + 1, end - 1);
  if (!inner.trim()) return "";
  const lines = inner
    .replace(/^[ \t]*\n/, "")
    .replace(/\s+$/, "")
    .split("\n");
  const base = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  if (!inner.includes("\n")) return `${indent}${inner.trim().replace(/,$/, "")},`;
  return lines
    .map((l) => (l.trim() ? indent + l.slice(base) : ""))
    .join("\n")
    .replace(/,?$/, ",");
}

interface Imports {
  add(source: string, imported: "default" | string, preferred: string): string;
  lines(): string[];
  /** The modules the new import lines load. */
  sources(): string[];
}

/** Imports the explicit config needs, reusing the file's own bindings and avoiding name clashes. */
function importsFor(j: JSCodeshift, root: Collection): Imports {
  const taken = new Set<string>();
  const existing = new Map<string, string>();
  root.find(j.ImportDeclaration).forEach((p) => {
    if (p.node.source.value === WRAPPER) return;
    for (const s of p.node.specifiers ?? []) {
      const local = s.local?.name as string;
      taken.add(local);
      const imported =
        s.type === "ImportDefaultSpecifier" ? "default" : s.type === "ImportSpecifier" ? (s.imported.name as string) : "*";
      if (p.node.importKind !== "type") existing.set(`${p.node.source.value}#${imported}`, local);
    }
  });
  root.find(j.VariableDeclarator).forEach((p) => {
    if (p.node.id.type === "Identifier") taken.add(p.node.id.name);
  });
  const wanted = new Map<string, { defaultLocal?: string; named: Array<[string, string]> }>();
  return {
    add(from, imported, preferred) {
      const reuse = existing.get(`${from}#${imported}`);
      if (reuse) return reuse;
      let local = preferred;
      for (let n = 2; taken.has(local); n++) local = `${preferred}${n}`;
      taken.add(local);
      existing.set(`${from}#${imported}`, local);
      const entry = wanted.get(from) ?? { named: [] };
      if (imported === "default") entry.defaultLocal = local;
      else entry.named.push([imported, local]);
      wanted.set(from, entry);
      return local;
    },
    lines() {
      return [...wanted.entries()].map(([from, { defaultLocal, named }]) => {
        const names = named.map(([imported, local]) => (imported === local ? imported : `${imported} as ${local}`)).join(", ");
        const parts = [defaultLocal, names ? `{ ${names} }` : undefined].filter(Boolean).join(", ");
        return `import ${parts} from "${from}";`;
      });
    },
    sources: () => [...wanted.keys()],
  };
}

const IMPORT_PROTECTION = `importProtection: { behavior: "error", client: { files: ["**/server/**"], specifiers: ["server-only"] } }`;
/** Where the written-out config's text lives: the file it becomes, with placeholders. */
const TEMPLATE_DIR = path.join(import.meta.dirname, "template");
const template = (name: string) => readFileSync(path.join(TEMPLATE_DIR, name), "utf8");
/** Indentation of a plugin entry inside the config. */
const IND = "    ";

/** The comment that replaces Lovable's "already includes" header, saying what the file now is. */
function header(preset: string | undefined): string {
  const server =
    preset === NODE_PRESET
      ? "a Node\n// server build (nitro's node-server preset; start it with `node .output/server/index.mjs`)."
      : preset
        ? `the server\n// build nitro's "${preset}" preset makes.`
        : "no server\n// build (nitro is off).";
  return `${fillTemplate(template("header.tpl"), { server })}\n`;
}

interface Generated {
  text: string;
  preset?: string;
  notes: Array<{ severity: "medium" | "info"; message: string }>;
}
type Notes = Generated["notes"];

/** TanStack Start's plugin: its options over the wrapper's import protection (an owner's own protection wins). */
function startPlugin(source: string, startArg: AnyNode | undefined, tanstackStart: string): string {
  if (!startArg) return `${tanstackStart}({ ${IMPORT_PROTECTION} })`;
  const body = objectBody(source, startArg, `${IND}  `);
  const ownProtection =
    startArg.type === "ObjectExpression" && propertyNamed(startArg.properties as AnyNode[], "importProtection") !== undefined;
  if (ownProtection) return `${tanstackStart}(${sliceAt(source, startArg, IND)})`;
  if (body !== undefined) return `${tanstackStart}({\n${IND}  ${IMPORT_PROTECTION},${body ? `\n${body}` : ""}\n${IND}})`;
  return `${tanstackStart}({ ${IMPORT_PROTECTION}, ...${sliceAt(source, startArg, IND)} })`;
}

/** nitro's options: the wrapper's Cloudflare default becomes a Node server; an owner's other preset stays. */
function nitroOptions(source: string, nitroArg: AnyNode | undefined, notes: Notes): { text?: string; preset?: string } {
  if (nitroArg?.type === "BooleanLiteral" && nitroArg.value === false) {
    notes.push({
      severity: "medium",
      message: "`nitro: false` kept: the build makes no server; set a nitro preset to serve the app with Node",
    });
    return { preset: undefined };
  }
  if (!nitroArg || (nitroArg.type === "BooleanLiteral" && nitroArg.value === true))
    return { text: `{ preset: "${NODE_PRESET}" }`, preset: NODE_PRESET };
  if (nitroArg.type !== "ObjectExpression")
    return { text: `{ preset: "${NODE_PRESET}", ...${sliceAt(source, nitroArg, IND)} }`, preset: NODE_PRESET };
  const presetProp = propertyNamed(nitroArg.properties as AnyNode[], "preset");
  const presetValue =
    presetProp && (presetProp.value as AnyNode).type === "StringLiteral"
      ? ((presetProp.value as AnyNode).value as string)
      : undefined;
  if (presetProp && (presetValue === undefined || !presetValue.startsWith("cloudflare"))) {
    // The owner chose a target (vercel, netlify…): theirs, kept as written.
    notes.push({
      severity: "info",
      message: `nitro preset ${presetValue ? `"${presetValue}"` : "(computed)"} kept as the owner set it`,
    });
    return { text: sliceAt(source, nitroArg, IND), preset: presetValue ?? "(computed)" };
  }
  const kept = (nitroArg.properties as AnyNode[]).filter((p) => p !== presetProp && propertyKey(p) !== "cloudflare");
  const rest = kept.map((p) => `${IND}  ${sliceAt(source, p, `${IND}  `)},`).join("\n");
  const text = kept.length ? `{\n${IND}  preset: "${NODE_PRESET}",\n${rest}\n${IND}}` : `{ preset: "${NODE_PRESET}" }`;
  return { text, preset: NODE_PRESET };
}

/** The app's own `plugins`, after the built-in ones (as the wrapper appended them). */
function ownPlugins(source: string, ownArg: AnyNode | undefined): string[] {
  if (ownArg?.type === "ArrayExpression") {
    const own = (ownArg.elements as Array<AnyNode | null>)
      .filter((e): e is AnyNode => e !== null)
      .map((e) => sliceAt(source, e, IND));
    return own.length ? [`// the app's own plugins\n${IND}${own[0]}`, ...own.slice(1)] : [];
  }
  return ownArg ? [`...${sliceAt(source, ownArg, IND)}`] : [];
}

/** Notes on what the written-out config leaves out. */
function leftOutNotes(options: WrapperOptions): Notes {
  const notes: Notes = [];
  const dropped = EDITOR_ONLY_OPTIONS.filter((k) => options.values.has(k));
  if (dropped.length)
    notes.push({
      severity: "info",
      message: `left out ${dropped.join(", ")}: options that only shaped Lovable's editor preview`,
    });
  if (options.ignored.length)
    notes.push({
      severity: "medium",
      message: `the wrapper ignored ${options.ignored.join(", ")} beside its own options, so they stay out; move them under \`vite\` if you meant them`,
    });
  return notes;
}

/** `defineConfig(…)` around the config object, merging the app's own `vite` settings over it as the wrapper did. */
function wrapConfig(source: string, base: string, params: string[], viteArg: AnyNode | undefined, imports: Imports): string {
  const defineConfig = imports.add("vite", "defineConfig", "defineConfig");
  const args = params.length ? `{ ${params.join(", ")} }` : "";
  if (!viteArg) return `${defineConfig}((${args}) => (${base}))`;
  const mergeConfig = imports.add("vite", "mergeConfig", "mergeConfig");
  const indentedBase = base.replace(/\n/g, "\n    ");
  if (viteArg.type === "ObjectExpression")
    return `${defineConfig}((${args}) =>\n  ${mergeConfig}(\n    ${indentedBase},\n    // the app's own Vite settings, merged over the ones above as the wrapper merged them\n    ${sliceAt(source, viteArg, "    ")},\n  ),\n)`;
  return `${defineConfig}(async (env) => {\n  ${params.length ? `const { ${params.join(", ")} } = env;\n  ` : ""}return ${mergeConfig}(\n    ${indentedBase},\n    await (${sliceAt(source, viteArg, "    ")})(env),\n  );\n})`;
}

/** The explicit config expression that replaces `defineConfig(<options>)` from the wrapper (the object itself is template/config.tpl). */
function explicitConfig(source: string, options: WrapperOptions, imports: Imports): Generated {
  const v = options.values;
  const notes: Notes = [];
  // The order of these calls is the order of the import lines written.
  const fileURLToPath = imports.add("node:url", "fileURLToPath", "fileURLToPath");
  imports.add("vite", "defineConfig", "defineConfig");
  const tailwind = imports.add("@tailwindcss/vite", "default", "tailwindcss");
  const tsConfigPaths = imports.add("vite-tsconfig-paths", "default", "tsConfigPaths");
  const tanstackStart = imports.add("@tanstack/react-start/plugin/vite", "tanstackStart", "tanstackStart");
  const viteReact = imports.add("@vitejs/plugin-react", "default", "viteReact");
  const nitroArgs = nitroOptions(source, v.get("nitro"), notes);
  const nitro = nitroArgs.preset !== undefined ? imports.add("nitro/vite", "nitro", "nitro") : undefined;

  const reactArg = v.get("react");
  const plugins = [
    `${tailwind}()`,
    `${tsConfigPaths}({ projects: ["./tsconfig.json"] })`,
    startPlugin(source, v.get("tanstackStart"), tanstackStart),
    ...(nitro ? [`...(command === "build" ? [${nitro}(${nitroArgs.text})] : [])`] : []),
    `${viteReact}(${reactArg ? sliceAt(source, reactArg, IND) : ""})`,
    ...ownPlugins(source, v.get("plugins")),
  ];
  const envDefine = v.get("envDefine");
  const env = !(envDefine?.type === "BooleanLiteral" && envDefine.value === false);
  const base = fillTemplate(template("config.tpl"), {
    env,
    loadEnv: env ? imports.add("vite", "loadEnv", "loadEnv") : "",
    fileURLToPath,
    plugins: plugins.map((p) => `${IND}${p},`).join("\n"),
  });
  const params = [nitro ? "command" : "", env ? "mode" : ""].filter(Boolean);
  const text = wrapConfig(source, base, params, options.vite ?? v.get("vite"), imports);
  return { text, preset: nitroArgs.preset, notes: [...notes, ...leftOutNotes(options)] };
}

/** Leading `//` lines of the file that talk about the wrapper (Lovable's "already includes" header). */
function wrapperHeaderEnd(source: string): number {
  const m = /^(?:[ \t]*\/\/[^\n]*\n)+/.exec(source);
  return m && m[0].includes(WRAPPER) ? m[0].length : 0;
}

type Note = (severity: "medium" | "info", message: string) => void;

function rewriteConfig(j: JSCodeshift, source: string, report: Note): { out: string; result?: Rewritten } {
  const root = j(source);
  const wrapperImports = root.find(j.ImportDeclaration, { source: { value: WRAPPER } });
  if (!wrapperImports.size()) return { out: source };
  const importNode = wrapperImports.get().node as AnyNode;
  const specifiers = (importNode.specifiers as AnyNode[]) ?? [];
  const defineLocal = specifiers.find((s) => s.type === "ImportSpecifier" && (s.imported as AnyNode).name === "defineConfig")
    ?.local as AnyNode | undefined;
  const onlyDefine = wrapperImports.size() === 1 && specifiers.length === 1 && defineLocal;

  const exported = root.find(j.ExportDefaultDeclaration).paths()[0]?.node as unknown as AnyNode | undefined;
  const call = exported?.declaration as AnyNode | undefined;
  const isWrapperCall =
    call?.type === "CallExpression" &&
    (call.callee as AnyNode).type === "Identifier" &&
    ((call.callee as AnyNode).name as string) === (defineLocal?.name as string);
  const args = (call?.arguments as AnyNode[] | undefined) ?? [];
  const options = isWrapperCall && args.length <= 1 ? readOptions(args[0]) : undefined;
  // Any other use of the wrapper's binding (a second call, passing it around) is not ours to guess.
  const otherUses = root
    .find(j.Identifier, { name: defineLocal?.name as string })
    .filter((p) => p.parent.node.type !== "ImportSpecifier" && p.node !== (call?.callee as unknown))
    .size();
  if (!onlyDefine || !options || otherUses) {
    const edit = todoLineEdit(source, spanOfNode(importNode).start, TODO);
    report("medium", `${WRAPPER} is used in a way ownit cannot rewrite; the config was left as it was`);
    return { out: edit ? applySpanEdits(source, [edit]) : source };
  }

  const imports = importsFor(j, root);
  const generated = explicitConfig(source, options, imports);
  for (const note of generated.notes) report(note.severity, note.message);
  const headerEnd = wrapperHeaderEnd(source);
  const importSpan = spanOfNode(importNode);
  const edits: SpanEdit[] = [
    { start: importSpan.start, end: importSpan.end, text: imports.lines().join("\n") },
    { start: spanOfNode(call).start, end: spanOfNode(call).end, text: generated.text },
    { start: 0, end: headerEnd, text: header(generated.preset) },
  ];
  const out = applySpanEdits(source, edits);
  const packages = [...new Set([...imports.sources(), CSS_TRANSFORMER].filter((m) => !m.startsWith("node:")).map(packageName))];
  return { out, result: { preset: generated.preset, packages, usesCloudflarePlugin: out.includes(CLOUDFLARE_PLUGIN) } };
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** The version package-lock.json installs for a package (at the top of node_modules), if any. */
function lockedVersion(ctx: StepContext, name: string): string | undefined {
  const lock = parseJson<{ packages?: Record<string, { version?: string }> }>(ctx.files.read("package-lock.json") ?? "");
  return lock?.packages?.[`node_modules/${name}`]?.version;
}

/**
 * Declares every package the new config loads that package.json does not: the version ownit tested
 * the config with (tested-versions.ts), else the one the project's lock already installs.
 */
async function declareConfigPackages(ctx: StepContext, packages: string[]): Promise<void> {
  const pkg = ctx.files.read("package.json");
  if (pkg === undefined) return;
  const wanted: Record<string, string> = {};
  for (const name of packages.filter((n) => !hasDependency(pkg, n))) {
    const version = (TESTED_VERSIONS as Record<string, string>)[name] ?? lockedVersion(ctx, name);
    if (version) wanted[name] = version;
    else
      ctx.report(
        finding({
          severity: "medium",
          code: "config-package-undeclared",
          file: "package.json",
          message: `vite.config imports ${name}, which package.json does not declare and ownit has no tested version of`,
          hint: `run \`npm install -D ${name}\` before building`,
        }),
      );
  }
  const added = await addDependencies(ctx, { devDependencies: wanted });
  if (added.length)
    ctx.report(
      finding({
        severity: "info",
        code: "config-packages-declared",
        file: "package.json",
        message: `added ${added.map((n) => `${n}@${wanted[n]}`).join(", ")} to devDependencies: the new vite.config loads ${added.length > 1 ? "them" : "it"}, and ${WRAPPER} used to bring ${added.length > 1 ? "them" : "it"} along`,
      }),
    );
}

/** Removes a wrangler config that only describes the Worker; one with bindings stays, with a finding. */
function retireWrangler(ctx: StepContext): void {
  for (const file of WRANGLER_FILES) {
    const text = ctx.files.read(file);
    if (text === undefined) continue;
    let config: Record<string, unknown> | undefined;
    try {
      config = file.endsWith(".toml") ? (parseToml(text) as Record<string, unknown>) : parseJson<Record<string, unknown>>(text);
    } catch {
      config = undefined;
    }
    const extra = config ? Object.keys(config).filter((k) => !PLAIN_WRANGLER_KEYS.has(k)) : ["(unreadable)"];
    if (extra.length) {
      ctx.report(
        finding({
          severity: "medium",
          code: "wrangler-config-kept",
          file,
          message: `${file} configures Cloudflare-only resources (${extra.join(", ")}) that a build off Cloudflare cannot use, so the file stays for you to port`,
          hint: "move vars to .env and bindings (KV, D1, R2…) to services your server can reach, then delete the file",
        }),
      );
      continue;
    }
    ctx.files.remove(file);
    ctx.report(
      finding({
        severity: "info",
        code: "wrangler-config-removed",
        file,
        message: `removed ${file}: the app now builds a Node server (${START_SCRIPT}), not a Cloudflare Worker`,
      }),
    );
  }
}

/** package.json: the wrapper (and a dead Cloudflare plugin) go, the runner then prunes the lock; a start script for the Node server comes. */
function updatePackageJson(ctx: StepContext, preset: string | undefined, usesCloudflarePlugin: boolean): void {
  const before = ctx.files.read("package.json");
  if (before === undefined) return;
  let pkg = removeDependency(before, WRAPPER);
  // The 1.x wrapper built the Worker with the Cloudflare plugin; a build off Cloudflare never loads it.
  const offCloudflare = preset === undefined || !preset.startsWith("cloudflare");
  if (offCloudflare && !usesCloudflarePlugin && hasDependency(pkg, CLOUDFLARE_PLUGIN)) {
    pkg = removeDependency(pkg, CLOUDFLARE_PLUGIN);
    ctx.report(
      finding({
        severity: "info",
        code: "cloudflare-plugin-removed",
        file: "package.json",
        message: `removed ${CLOUDFLARE_PLUGIN}: the app no longer builds a Cloudflare Worker`,
      }),
    );
  }
  const scripts = parseJson<{ scripts?: Record<string, string> }>(pkg)?.scripts ?? {};
  if (preset === NODE_PRESET) {
    if (!scripts.start) pkg = editJson(pkg, ["scripts", "start"], START_SCRIPT);
    else if (scripts.start !== START_SCRIPT)
      ctx.report(
        finding({
          severity: "low",
          code: "start-script-kept",
          file: "package.json",
          message: `the "start" script (${scripts.start}) was kept; the Node server build starts with \`${START_SCRIPT}\``,
          hint: 'point "start" at the server build if it should serve the app',
        }),
      );
  }
  if (pkg !== before) ctx.files.write("package.json", pkg);
}

const codemod: Codemod = {
  name: "lovable-tanstack-vite-config",
  description:
    "replace @lovable.dev/vite-tanstack-config with the explicit Vite config it stands for, building a Node server instead of a Cloudflare Worker",
  builders: ["lovable-tanstack"],
  files: ["vite.config.{ts,mts,cts,js,mjs,cjs}"],
  mentions: [WRAPPER],
  appliesTo: (project) =>
    Boolean(project.packageJson?.devDependencies?.[WRAPPER] ?? project.packageJson?.dependencies?.[WRAPPER]) ||
    project.builder.id === "lovable-tanstack",
  transform(file, { j, report, share }) {
    const { out, result } = rewriteConfig(j, file.source, (severity, message) =>
      report({ severity, code: severity === "medium" ? "vite-config-needs-you" : "vite-config-note", message }),
    );
    if (result) share(result);
    return changedText(file.source, out);
  },
  async project(ctx, shared) {
    const rewritten = shared.map((s) => s.data as Rewritten);
    if (!rewritten.length) return;
    const preset = rewritten[0]!.preset;
    updatePackageJson(
      ctx,
      preset,
      rewritten.some((r) => r.usesCloudflarePlugin),
    );
    await declareConfigPackages(ctx, [...new Set(rewritten.flatMap((r) => r.packages))]);
    // A Worker config means nothing to a Node (or other non-Cloudflare) build.
    if (preset !== undefined && !preset.startsWith("cloudflare")) retireWrangler(ctx);
  },
};

export default codemod;
