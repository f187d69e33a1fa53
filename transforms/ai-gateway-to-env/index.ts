// ai-gateway-to-env: Lovable's AI gateway (https://ai.gateway.lovable.dev/v1/..., OpenAI-compatible,
// paid through Lovable with LOVABLE_API_KEY) stops answering once the app leaves Lovable. In edge
// functions (Deno) and server code (Node) the gateway URL becomes an OpenAI-compatible base URL read
// from env (AI_GATEWAY_URL) and the key becomes AI_API_KEY, sent as `Authorization: Bearer`; both
// names go to .env.example. The models the code asks for are reported: the gateway's names
// (google/gemini-2.5-flash, openai/gpt-5-mini) are OpenRouter's, and other providers name them
// differently. A call from browser code is not rewritten (a key there is public): it is marked.
import type { Collection, JSCodeshift } from "jscodeshift";
import { finding, LOVABLE, type ProjectFacts, lineAt } from "@ownit/core";
import {
  addEnvExampleNames,
  applySpanEdits,
  changedText,
  envReaderFor,
  envReadExpression,
  isValueString,
  readsEnvOnServer,
  propertyKey,
  removeListElementEdit,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

const GATEWAY_HOST = LOVABLE.aiGateway;
/** The gateway's OpenAI-compatible base; everything after it (/chat/completions…) is kept. */
const GATEWAY_BASE = /https:\/\/ai\.gateway\.lovable\.dev\/v1(?=$|[/?#"'`])/g;
const GATEWAY_ANY = /https?:\/\/ai\.gateway\.lovable\.dev[^\s"'`]*/g;
const OLD_KEY = "LOVABLE_API_KEY";
/** The names the owner sets instead. */
const URL_VAR = "AI_GATEWAY_URL";
const KEY_VAR = "AI_API_KEY";
/** The header newer Lovable code sends the key in; OpenAI-compatible APIs want Authorization. */
const LOVABLE_KEY_HEADER = "lovable-api-key";

interface GatewayUse {
  models: string[];
}

/** How this file reads env: Deno in edge functions, process.env on a server, nothing in a browser (a key there is public). */
function envReader(
  file: { path: string; source: string },
  project: ProjectFacts,
  quote: string,
): ((name: string) => string) | undefined {
  const reader = envReaderFor(project, file);
  return readsEnvOnServer(reader) ? (name) => envReadExpression(reader, name, { quote }) : undefined;
}

/** One file's rewrite in progress: edits keyed by where they start, and the markers it leaves. */
interface FileRewrite {
  j: JSCodeshift;
  root: Collection;
  source: string;
  edits: Map<number, SpanEdit>;
  /** How the file reads env; undefined in browser code. */
  read: ((name: string) => string) | undefined;
  todo(at: number, what: string): void;
}

/** The quote most of the file's strings use, for the env reads it gains. */
function usualQuote(j: JSCodeshift, root: Collection, source: string): string {
  let single = 0;
  root.find(j.StringLiteral).forEach((p) => void (single += source[spanOfNode(p.node).start] === "'" ? 1 : -1));
  return single > 0 ? "'" : '"';
}

/** Strings and templates: the gateway base becomes the env read, the key's name AI_API_KEY; returns the gateway calls seen. */
function rewriteLiterals(f: FileRewrite): number {
  const { j, source, read } = f;
  let calls = 0;
  /** One string's raw text (escapes stay as written) with the key renamed and the base replaced by `insert`. */
  const swap = (raw: string, at: number, insert: string): string | undefined => {
    let out = raw.split(OLD_KEY).join(KEY_VAR);
    if (raw.includes(GATEWAY_HOST)) {
      calls++;
      if (!read)
        f.todo(
          at,
          `this calls Lovable's AI gateway from the browser: move the call to a server or edge function that reads ${URL_VAR} and ${KEY_VAR}`,
        );
      else if (new RegExp(GATEWAY_ANY.source).test(out.replace(GATEWAY_BASE, "")))
        f.todo(at, `point this at your own OpenAI-compatible API (${URL_VAR}): ownit only rewrites ${GATEWAY_HOST}/v1 URLs`);
      else out = out.replace(GATEWAY_BASE, () => insert);
    }
    return out === raw ? undefined : out;
  };
  const MARK = "\u0000gateway\u0000";
  f.root.find(j.StringLiteral).forEach((path) => {
    if (!isValueString(path.node, path.parent?.node)) return;
    const { start, end } = spanOfNode(path.node);
    const swapped = swap(source.slice(start + 1, end - 1), start, MARK);
    if (swapped === undefined) return;
    let text: string;
    if (swapped === MARK) text = read!(URL_VAR);
    else if (swapped.includes(MARK))
      text = `\`${swapped
        .replace(/`/g, "\\`")
        .replace(/\$\{/g, "\\${")
        .replace(MARK, `\${${read!(URL_VAR)}}`)}\``;
    else text = `${source[start]}${swapped}${source[start]}`;
    f.edits.set(start, { start, end, text });
  });
  f.root.find(j.TemplateElement).forEach((path) => {
    const { start, end } = spanOfNode(path.node);
    const swapped = swap(source.slice(start, end), start, read ? `\${${read(URL_VAR)}}` : "");
    if (swapped !== undefined) f.edits.set(start, { start, end, text: swapped });
  });
  return calls;
}

/** process.env.LOVABLE_API_KEY and the consts named after it become AI_API_KEY (unless that name is taken). */
function renameKeyReads(f: FileRewrite): void {
  const { j, source } = f;
  const renameLocals = f.root.find(j.Identifier, { name: KEY_VAR }).size() === 0;
  f.root.find(j.Identifier, { name: OLD_KEY }).forEach((path) => {
    const parent = path.parent?.node;
    const envProperty =
      j.MemberExpression.check(parent) &&
      parent.property === path.node &&
      source.slice(spanOfNode(parent.object).start, spanOfNode(parent.object).end) === "process.env";
    if (!envProperty && !renameLocals) return;
    const { start, end } = spanOfNode(path.node);
    f.edits.set(start, { start, end, text: KEY_VAR });
  });
}

/** `"Lovable-API-Key": key` → `Authorization: \`Bearer ${key}\`` (or dropped beside one). */
function keyHeaderToAuthorization(f: FileRewrite): void {
  const { j, source, edits } = f;
  const dropEditsIn = (start: number, end: number) => {
    for (const key of [...edits.keys()]) if (key >= start && key < end) edits.delete(key);
  };
  f.root.find(j.ObjectExpression).forEach((path) => {
    const props = path.node.properties;
    const index = props.findIndex((p) => propertyKey(p)?.toLowerCase() === LOVABLE_KEY_HEADER);
    const prop = props[index];
    if (!j.ObjectProperty.check(prop) || !f.read) return;
    if (props.some((p) => propertyKey(p)?.toLowerCase() === "authorization")) {
      const edit = removeListElementEdit(source, props, index);
      dropEditsIn(edit.start, edit.end);
      edits.set(edit.start, edit);
      return;
    }
    const value = spanOfNode(prop.value);
    const valueText = applySpanEdits(
      source.slice(value.start, value.end),
      [...edits.values()]
        .filter((e) => e.start >= value.start && e.end <= value.end)
        .map((e) => ({ ...e, start: e.start - value.start, end: e.end - value.start })),
    );
    const span = spanOfNode(prop);
    dropEditsIn(span.start, span.end);
    edits.set(span.start, { ...span, text: `Authorization: \`Bearer \${${valueText}}\`` });
  });
}

/** The models asked for: `model: "…"` and multipart `form.append("model", "…")`. */
function modelsAskedFor(j: JSCodeshift, root: Collection): string[] {
  const models = new Set<string>();
  root.find(j.ObjectProperty).forEach((path) => {
    const value = path.node.value;
    if (propertyKey(path.node) === "model" && j.StringLiteral.check(value)) models.add(value.value);
  });
  root.find(j.CallExpression).forEach((path) => {
    const [name, value] = path.node.arguments;
    if (j.StringLiteral.check(name) && name.value === "model" && j.StringLiteral.check(value)) models.add(value.value);
  });
  return [...models];
}

function rewrite(
  j: JSCodeshift,
  file: { path: string; source: string },
  project: ProjectFacts,
  report: (line: number, message: string) => void,
): { source: string; use?: GatewayUse } {
  const source = file.source;
  const root = j(source);
  // LOVABLE_API_KEY also pays for Lovable's other APIs (email, webhooks): it is renamed only in
  // files that call the AI gateway.
  const literals = [...root.find(j.StringLiteral).nodes(), ...root.find(j.TemplateElement).nodes()].map(spanOfNode);
  if (!literals.some((n) => source.slice(n.start, n.end).includes(GATEWAY_HOST))) return { source };
  const edits = new Map<number, SpanEdit>();
  const f: FileRewrite = {
    j,
    root,
    source,
    edits,
    read: envReader(file, project, usualQuote(j, root, source)),
    todo(at, what) {
      const edit = todoLineEdit(source, at, what);
      if (edit) edits.set(edit.start, edit);
    },
  };
  const calls = rewriteLiterals(f);
  renameKeyReads(f);
  if (!calls && !edits.size) return { source };
  keyHeaderToAuthorization(f);
  const models = modelsAskedFor(j, root);
  if (calls && f.read)
    report(
      lineAt(source, source.indexOf(GATEWAY_HOST)),
      `called Lovable's AI gateway${models.length ? ` with model ${models.join(", ")}` : ""}; it now calls ${URL_VAR} with ${KEY_VAR}`,
    );
  const out = edits.size ? applySpanEdits(source, [...edits.values()]) : source;
  return { source: out, use: calls && f.read ? { models } : undefined };
}

const codemod: Codemod = {
  name: "ai-gateway-to-env",
  description:
    "Lovable's AI gateway and LOVABLE_API_KEY to an OpenAI-compatible API from env (AI_GATEWAY_URL, AI_API_KEY), models reported",
  builders: ["lovable-vite", "lovable-tanstack"],
  files: [
    "supabase/functions/**/*.{ts,js,mts,mjs}",
    "src/**/*.{ts,tsx,js,jsx,mts,mjs}",
    "server/**/*.{ts,js,mts,mjs}",
    "api/**/*.{ts,js,mts,mjs}",
  ],
  mentions: [GATEWAY_HOST],
  appliesTo: (project) => project.builder.id.startsWith("lovable") || project.envVars.some((v) => v.name === OLD_KEY),
  transform(file, { j, project, report, share }) {
    const { source, use } = rewrite(j, file, project, (line, message) =>
      report({
        severity: "medium",
        code: "ai-gateway-models",
        line,
        message,
        hint: `set ${URL_VAR} (an OpenAI-compatible base URL) and ${KEY_VAR} where this runs (edge functions: \`supabase secrets set\`). Lovable's model names are OpenRouter's (https://openrouter.ai/api/v1); other providers name them differently (Google: gemini-2.5-flash, OpenAI: gpt-5-mini)`,
      }),
    );
    if (use) share(use);
    return changedText(file.source, source);
  },
  project(ctx, shared) {
    if (!shared.length) return;
    addEnvExampleNames(
      ctx.files,
      [URL_VAR],
      "OpenAI-compatible AI API the server code calls (was Lovable's AI gateway), e.g. https://openrouter.ai/api/v1",
    );
    addEnvExampleNames(ctx.files, [KEY_VAR]);
    const models = [...new Set(shared.flatMap((s) => (s.data as GatewayUse).models))];
    ctx.record("aiGatewayModels", models);
    if (!models.length)
      ctx.report(
        finding({
          severity: "low",
          code: "ai-gateway-models-unknown",
          message: "the model names are computed at run time; check them against your AI provider",
          hint: "Lovable's gateway used OpenRouter-style names such as google/gemini-2.5-flash",
        }),
      );
  },
};

export default codemod;
