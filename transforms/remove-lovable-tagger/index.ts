// remove-lovable-tagger: Lovable's editor tags components through the `lovable-tagger` Vite plugin.
// Off Lovable it does nothing useful, and its vite peer range blocks upgrades. This removes its
// import, its plugin entry in vite.config (every shape Lovable writes) and the devDependency.
// `.filter(Boolean)` after the plugin list stays: it is harmless and keeps later conditional
// plugins working. A `componentTagger` imported from anywhere else is the owner's and is left alone.
import type { CallExpression, JSCodeshift } from "jscodeshift";
import {
  applySpanEdits,
  pluginEntry,
  removeDependency,
  removeListElementEdit,
  removeStatementEdit,
  spanOfNode,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

/** The plugin package and what it exports. */
const TAGGER_PACKAGE = "lovable-tagger";

const TODO = "remove this lovable-tagger use (only Lovable's editor needs it), then its import";

type AnyNode = { type: string; [key: string]: unknown };

/** One pass: removes the first removable tagger entry, or (when none is left) the import or markers. */
function removeOnce(j: JSCodeshift, source: string): string {
  const root = j(source);
  const imports = root.find(j.ImportDeclaration, { source: { value: TAGGER_PACKAGE } });
  if (!imports.size()) return source;
  const callable = new Set<string>();
  const namespaces = new Set<string>();
  imports.forEach((p) => {
    for (const spec of p.node.specifiers ?? []) {
      const local = spec.local?.name;
      if (!local || typeof local !== "string") continue;
      if (spec.type === "ImportSpecifier") callable.add(local);
      else namespaces.add(local);
    }
  });
  const isTaggerCall = (node: CallExpression) => {
    const callee = node.callee as AnyNode;
    if (callee.type === "Identifier") return callable.has(callee.name as string) || namespaces.has(callee.name as string);
    return (
      callee.type === "MemberExpression" &&
      (callee.object as AnyNode).type === "Identifier" &&
      namespaces.has((callee.object as AnyNode).name as string)
    );
  };

  const leftovers: number[] = [];
  let removal: SpanEdit | undefined;
  root.find(j.CallExpression).forEach((path) => {
    if (removal || !isTaggerCall(path.node)) return;
    const entry = pluginEntry(path);
    const parent = entry.parent?.node as AnyNode | undefined;
    if (parent?.type === "ArrayExpression")
      removal = removeListElementEdit(source, parent.elements as unknown[], (parent.elements as unknown[]).indexOf(entry.node));
    else if (parent?.type === "ExpressionStatement") removal = removeStatementEdit(source, parent);
    else leftovers.push(spanOfNode(path.node).start);
  });
  if (removal) return applySpanEdits(source, [removal]);

  // Any other reference (passed around, re-exported) is left working and marked for the owner.
  const names = new Set([...callable, ...namespaces]);
  root.find(j.Identifier).forEach((path) => {
    const parent = path.parent?.node as AnyNode;
    if (!names.has(path.node.name) || parent.type.startsWith("Import")) return;
    if (parent.type === "MemberExpression" && parent.property === path.node && !parent.computed) return;
    if ((parent.type === "ObjectProperty" || parent.type === "Property") && parent.key === path.node && !parent.shorthand) return;
    leftovers.push(spanOfNode(path.node).start);
  });
  if (!leftovers.length)
    return applySpanEdits(
      source,
      imports.paths().map((p) => removeStatementEdit(source, p.node)),
    );
  const edits = new Map<number, SpanEdit>();
  for (const pos of leftovers) {
    const edit = todoLineEdit(source, pos, TODO);
    if (edit) edits.set(edit.start, edit);
  }
  return applySpanEdits(source, [...edits.values()]);
}

const codemod: Codemod = {
  name: "remove-lovable-tagger",
  description: "remove the lovable-tagger Vite plugin (import, plugin entry) and its devDependency",
  builders: ["lovable-vite"],
  files: ["vite.config.{ts,mts,cts,js,mjs,cjs}", "package.json"],
  mentions: [TAGGER_PACKAGE],
  appliesTo: (project) =>
    project.builder.id === "lovable-vite" ||
    Boolean(project.packageJson?.devDependencies?.[TAGGER_PACKAGE] ?? project.packageJson?.dependencies?.[TAGGER_PACKAGE]),
  transform(file, { j }) {
    if (file.path === "package.json") return removeDependency(file.source, TAGGER_PACKAGE);
    let source = file.source;
    // Each pass removes one entry; offsets shift, so the file is read again (it is a small config).
    for (let pass = 0; pass < 20; pass++) {
      const next = removeOnce(j, source);
      if (next === source) break;
      source = next;
    }
    return source;
  },
};

export default codemod;
