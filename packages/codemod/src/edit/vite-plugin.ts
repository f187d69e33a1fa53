// Removing a builder's Vite plugin (lovable-tagger, @base44/vite-plugin) from vite.config in every
// shape the builders and owners write its entry: the entry, then the import; a use that cannot be
// removed safely stays working with an ownit-todo marker.
import jscodeshift, { type ASTNode, type ASTPath, type CallExpression, type JSCodeshift } from "jscodeshift";
import { removeListElementEdit, removeStatementEdit, spanOfNode, todoLineEdit } from "./script";
import { applySpanEdits, type SpanEdit } from "./text";

/** jscodeshift's typed node guards (`t.CallExpression.check(node)`), whatever parser a file used. */
const t = jscodeshift;

/** `null`, `false`, `undefined` or `[]`: the branch a conditional plugin entry takes when it is off. */
export function isEmptyBranch(node: ASTNode | null | undefined): boolean {
  if (!node) return true;
  if (t.NullLiteral.check(node)) return true;
  if (t.BooleanLiteral.check(node)) return node.value === false;
  if (t.Identifier.check(node)) return node.name === "undefined";
  return t.ArrayExpression.check(node) && node.elements.length === 0;
}

/** `plugins.push(plugin())`: a call whose only argument is the entry. */
function isPushOf(parent: ASTNode, node: unknown): boolean {
  return (
    t.CallExpression.check(parent) &&
    parent.arguments.length === 1 &&
    parent.arguments[0] === node &&
    t.MemberExpression.check(parent.callee) &&
    t.Identifier.check(parent.callee.property) &&
    parent.callee.property.name === "push"
  );
}

/**
 * From a plugin call up to the whole entry it stands in: `mode === "development" && plugin()`,
 * `cond ? plugin() : null`, `...(cond ? [plugin()] : [])`, `...plugin()`, `plugins.push(plugin())`.
 */
export function pluginEntry(call: ASTPath): ASTPath {
  let entry = call;
  for (;;) {
    const parent: ASTPath | undefined = entry.parent;
    const p = parent?.node;
    if (!parent || !p) return entry;
    const node = entry.node;
    const wraps =
      (t.LogicalExpression.check(p) && p.operator === "&&" && p.right === node) ||
      (t.ConditionalExpression.check(p) &&
        ((p.consequent === node && isEmptyBranch(p.alternate)) || (p.alternate === node && isEmptyBranch(p.consequent)))) ||
      (t.ArrayExpression.check(p) && p.elements.length === 1 && t.ConditionalExpression.check(parent.parent?.node)) ||
      t.SpreadElement.check(p) ||
      isPushOf(p, node);
    if (!wraps) return entry;
    entry = parent;
  }
}

/** The names a module's imports bind: named imports (callable), default and namespace imports (callable, or `ns.x()`). */
function importedNames(j: JSCodeshift, root: ReturnType<JSCodeshift>, pkg: string) {
  const imports = root.find(j.ImportDeclaration, { source: { value: pkg } });
  const named = new Set<string>();
  const namespaces = new Set<string>();
  imports.forEach((p) => {
    for (const spec of p.node.specifiers ?? []) {
      const local = spec.local?.name;
      if (typeof local !== "string") continue;
      (j.ImportSpecifier.check(spec) ? named : namespaces).add(local);
    }
  });
  return { imports, named, namespaces };
}

/** One pass: removes the first removable entry, or (when none is left) the import, or marks what stays. */
function removeOnce(j: JSCodeshift, source: string, pkg: string, todo: string): string {
  const root = j(source);
  const { imports, named, namespaces } = importedNames(j, root, pkg);
  if (!imports.size()) return source;
  const isPluginCall = ({ callee }: CallExpression) =>
    t.Identifier.check(callee)
      ? named.has(callee.name) || namespaces.has(callee.name)
      : t.MemberExpression.check(callee) && t.Identifier.check(callee.object) && namespaces.has(callee.object.name);

  const leftovers: number[] = [];
  let removal: SpanEdit | undefined;
  root.find(j.CallExpression).forEach((path) => {
    if (removal || !isPluginCall(path.node)) return;
    const entry = pluginEntry(path);
    const parent = entry.parent?.node;
    if (t.ArrayExpression.check(parent))
      removal = removeListElementEdit(
        source,
        parent.elements,
        parent.elements.indexOf(entry.node as (typeof parent.elements)[number]),
      );
    else if (t.ExpressionStatement.check(parent)) removal = removeStatementEdit(source, parent);
    else leftovers.push(spanOfNode(path.node).start);
  });
  if (removal) return applySpanEdits(source, [removal]);

  // Any other reference (passed around, re-exported) is left working and marked for the owner.
  const names = new Set([...named, ...namespaces]);
  root.find(j.Identifier).forEach((path) => {
    const parent = path.parent?.node;
    if (!names.has(path.node.name) || String(parent?.type).startsWith("Import")) return;
    if (t.MemberExpression.check(parent) && parent.property === path.node && !parent.computed) return;
    if ((t.ObjectProperty.check(parent) || t.Property.check(parent)) && parent.key === path.node && !parent.shorthand) return;
    leftovers.push(spanOfNode(path.node).start);
  });
  if (!leftovers.length)
    return applySpanEdits(
      source,
      imports.paths().map((p) => removeStatementEdit(source, p.node)),
    );
  const edits = new Map<number, SpanEdit>();
  for (const pos of leftovers) {
    const edit = todoLineEdit(source, pos, todo);
    if (edit) edits.set(edit.start, edit);
  }
  return applySpanEdits(source, [...edits.values()]);
}

/**
 * vite.config's text without the plugin `pkg`. One entry goes per pass and the file is parsed again
 * (offsets shift; a config is small), until nothing changes; `todo` marks each use left in place.
 */
export function removeVitePlugin(j: JSCodeshift, source: string, pkg: string, todo: string): string {
  let out = source;
  for (let pass = 0; pass < 20; pass++) {
    const next = removeOnce(j, out, pkg, todo);
    if (next === out) break;
    out = next;
  }
  return out;
}
