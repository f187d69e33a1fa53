// ai-gateway-to-env: Lovable's AI gateway (https://ai.gateway.lovable.dev/v1/..., OpenAI-compatible,
// paid through Lovable with LOVABLE_API_KEY) stops answering once the app leaves Lovable. In edge
// functions (Deno) and server code (Node) the gateway URL becomes an OpenAI-compatible base URL read
// from env (AI_GATEWAY_URL) and the key becomes AI_API_KEY, sent as `Authorization: Bearer`; both
// names go to .env.example. The models the code asks for are reported: the gateway's names
// (google/gemini-2.5-flash, openai/gpt-5-mini) are OpenRouter's, and other providers name them
// differently. A call from browser code is not rewritten (a key there is public): it is marked.
import type { JSCodeshift } from "jscodeshift";
import { finding, LOVABLE, type ProjectFacts, lineAt } from "@ownit/core";
import {
  addEnvExampleNames,
  applySpanEdits,
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

type AnyNode = { type: string; start: number; end: number; [key: string]: unknown };

interface GatewayUse {
  models: string[];
}

/** How this file reads env: Deno in edge functions, process.env on a server, nothing in a browser. */
function envReader(file: string, source: string, project: ProjectFacts, quote: string): ((name: string) => string) | undefined {
  if (file.startsWith("supabase/functions/") || source.includes("Deno.env"))
    return (name) => `Deno.env.get(${quote}${name}${quote})`;
  const server =
    source.includes("process.env") ||
    /(^|\/)(server|api|functions)\/|\.server\.[cm]?[jt]sx?$|\.functions\.[cm]?[jt]sx?$/.test(file) ||
    source.includes("createServerFn");
  if (server && !(project.framework.id === "vite-react" && file.startsWith("src/") && !source.includes("process.env")))
    return (name) => `process.env.${name}`;
  return undefined;
}

function rewrite(
  j: JSCodeshift,
  file: { path: string; source: string },
  project: ProjectFacts,
  report: (line: number, message: string) => void,
): { source: string; use?: GatewayUse } {
  const source = file.source;
  const root = j(source);
  // Env reads quoted the way most of the file's strings are.
  let single = 0;
  root.find(j.StringLiteral).forEach((p) => void (single += source[(p.node as unknown as AnyNode).start] === "'" ? 1 : -1));
  const read = envReader(file.path, source, project, single > 0 ? "'" : '"');
  // LOVABLE_API_KEY also pays for Lovable's other APIs (email, webhooks): it is renamed only in
  // files that call the AI gateway.
  const literals = [...root.find(j.StringLiteral).paths(), ...root.find(j.TemplateElement).paths()].map(
    (p) => p.node as unknown as AnyNode,
  );
  if (!literals.some((n) => source.slice(n.start, n.end).includes(GATEWAY_HOST))) return { source };
  const edits = new Map<number, SpanEdit>();
  const todo = (at: number, what: string) => {
    const edit = todoLineEdit(source, at, what);
    if (edit) edits.set(edit.start, edit);
  };
  let calls = 0;

  /**
   * One string's raw text with the key renamed and the gateway base replaced by `insert`
   * (undefined: nothing to change). Raw text, so escapes stay exactly as written.
   */
  const swap = (raw: string, at: number, insert: string): string | undefined => {
    let out = raw.split(OLD_KEY).join(KEY_VAR);
    if (raw.includes(GATEWAY_HOST)) {
      calls++;
      if (!read) {
        todo(
          at,
          `this calls Lovable's AI gateway from the browser: move the call to a server or edge function that reads ${URL_VAR} and ${KEY_VAR}`,
        );
        return out === raw ? undefined : out;
      }
      if (new RegExp(GATEWAY_ANY.source).test(out.replace(GATEWAY_BASE, ""))) {
        todo(at, `point this at your own OpenAI-compatible API (${URL_VAR}): ownit only rewrites ${GATEWAY_HOST}/v1 URLs`);
        return out === raw ? undefined : out;
      }
      out = out.replace(GATEWAY_BASE, () => insert);
    }
    return out === raw ? undefined : out;
  };

  const MARK = "\u0000gateway\u0000";
  root.find(j.StringLiteral).forEach((path) => {
    const node = path.node as unknown as AnyNode & { value: string };
    const parent = path.parent?.node as AnyNode | undefined;
    if (parent?.type === "ImportDeclaration" || parent?.type === "TSLiteralType") return;
    if (parent?.type === "ObjectProperty" && parent.key === (path.node as unknown)) return;
    const quote = source[node.start]!;
    const inner = source.slice(node.start + 1, node.end - 1);
    const swapped = swap(inner, node.start, MARK);
    if (swapped === undefined) return;
    let text: string;
    if (swapped === MARK) text = read!(URL_VAR);
    else if (swapped.includes(MARK))
      text = `\`${swapped
        .replace(/`/g, "\\`")
        .replace(/\$\{/g, "\\${")
        .replace(MARK, `\${${read!(URL_VAR)}}`)}\``;
    else text = `${quote}${swapped}${quote}`;
    edits.set(node.start, { start: node.start, end: node.end, text });
  });
  root.find(j.TemplateElement).forEach((path) => {
    const node = path.node as unknown as AnyNode;
    const swapped = swap(source.slice(node.start, node.end), node.start, read ? `\${${read(URL_VAR)}}` : "");
    if (swapped !== undefined) edits.set(node.start, { start: node.start, end: node.end, text: swapped });
  });

  // process.env.LOVABLE_API_KEY and the consts named after it.
  const renameLocals = root.find(j.Identifier, { name: KEY_VAR }).size() === 0;
  root.find(j.Identifier, { name: OLD_KEY }).forEach((path) => {
    const parent = path.parent?.node as AnyNode;
    const envProperty =
      parent.type === "MemberExpression" &&
      parent.property === (path.node as unknown) &&
      source.slice((parent.object as AnyNode).start, (parent.object as AnyNode).end) === "process.env";
    if (!envProperty && !renameLocals) return;
    const { start, end } = spanOfNode(path.node);
    edits.set(start, { start, end, text: KEY_VAR });
  });
  if (!calls && !edits.size) return { source };

  // `"Lovable-API-Key": key` → `Authorization: \`Bearer ${key}\`` (or dropped beside one).
  root.find(j.ObjectExpression).forEach((path) => {
    const props = path.node.properties as unknown as AnyNode[];
    const index = props.findIndex((p) => propertyKey(p)?.toLowerCase() === LOVABLE_KEY_HEADER);
    if (index < 0 || !read) return;
    const prop = props[index]!;
    if (props.some((p) => propertyKey(p)?.toLowerCase() === "authorization")) {
      const edit = removeListElementEdit(source, props, index);
      for (const key of [...edits.keys()]) if (key >= edit.start && key < edit.end) edits.delete(key);
      edits.set(edit.start, edit);
      return;
    }
    const value = prop.value as AnyNode;
    const valueText = applySpanEdits(
      source.slice(value.start, value.end),
      [...edits.values()]
        .filter((e) => e.start >= value.start && e.end <= value.end)
        .map((e) => ({ ...e, start: e.start - value.start, end: e.end - value.start })),
    );
    for (const key of [...edits.keys()]) if (key >= prop.start && key < prop.end) edits.delete(key);
    edits.set(prop.start, { start: prop.start, end: prop.end, text: `Authorization: \`Bearer \${${valueText}}\`` });
  });

  // The models asked for: `model: "…"` and multipart `form.append("model", "…")`.
  const models = new Set<string>();
  root.find(j.ObjectProperty).forEach((path) => {
    const node = path.node as unknown as AnyNode;
    if (propertyKey(node) === "model" && (node.value as AnyNode).type === "StringLiteral")
      models.add((node.value as { value: string }).value);
  });
  root.find(j.CallExpression).forEach((path) => {
    const [name, value] = path.node.arguments as unknown as AnyNode[];
    if (name?.type === "StringLiteral" && name.value === "model" && value?.type === "StringLiteral")
      models.add(value.value as string);
  });
  if (calls && read)
    report(
      lineAt(source, source.indexOf(GATEWAY_HOST)),
      `called Lovable's AI gateway${models.size ? ` with model ${[...models].join(", ")}` : ""}; it now calls ${URL_VAR} with ${KEY_VAR}`,
    );
  const out = edits.size ? applySpanEdits(source, [...edits.values()]) : source;
  return { source: out, use: calls && read ? { models: [...models] } : undefined };
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
    return source;
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
