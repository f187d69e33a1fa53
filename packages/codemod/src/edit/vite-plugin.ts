// Finding a Vite plugin's whole entry from its call, for transforms that remove a builder's plugin
// (lovable-tagger, @base44/vite-plugin) in every shape the builders and owners write it.
import type { ASTPath } from "jscodeshift";

type AnyNode = { type: string; [key: string]: unknown };

/** `null`, `false`, `undefined` or `[]`: the branch a conditional plugin entry takes when it is off. */
export function isEmptyBranch(node: AnyNode | null | undefined): boolean {
  if (!node) return true;
  if (node.type === "NullLiteral") return true;
  if (node.type === "BooleanLiteral" && node.value === false) return true;
  if (node.type === "Identifier" && node.name === "undefined") return true;
  if (node.type === "ArrayExpression" && (node.elements as unknown[]).length === 0) return true;
  return false;
}

/**
 * From a plugin call up to the whole entry it stands in: `mode === "development" && plugin()`,
 * `cond ? plugin() : null`, `...(cond ? [plugin()] : [])`, `...plugin()`, `plugins.push(plugin())`.
 */
export function pluginEntry(call: ASTPath): ASTPath {
  let entry = call;
  for (;;) {
    const parent = entry.parent as ASTPath | undefined;
    const p = parent?.node as AnyNode | undefined;
    if (!parent || !p) return entry;
    const node = entry.node as unknown;
    if (p.type === "LogicalExpression" && p.operator === "&&" && p.right === node) entry = parent;
    else if (
      p.type === "ConditionalExpression" &&
      ((p.consequent === node && isEmptyBranch(p.alternate as AnyNode)) ||
        (p.alternate === node && isEmptyBranch(p.consequent as AnyNode)))
    )
      entry = parent;
    else if (
      p.type === "ArrayExpression" &&
      (p.elements as unknown[]).length === 1 &&
      (parent.parent?.node as AnyNode | undefined)?.type === "ConditionalExpression"
    )
      entry = parent;
    else if (p.type === "SpreadElement") entry = parent;
    else if (
      p.type === "CallExpression" &&
      (p.arguments as unknown[]).length === 1 &&
      (p.callee as AnyNode).type === "MemberExpression" &&
      ((p.callee as AnyNode).property as AnyNode).name === "push"
    )
      entry = parent;
    else return entry;
  }
}
