// Small reads of Babel AST nodes that many transforms need: which key an object property has, and
// the property of an object literal with a given key.

interface PropertyLike {
  type?: string;
  computed?: boolean;
  key?: { type: string; name?: unknown; value?: unknown } | null;
}

/** The key of an object property as written (`a:` or `"a":`); undefined for computed keys, spreads and methods. */
export function propertyKey(node: unknown): string | undefined {
  const { type, computed, key } = (node ?? {}) as PropertyLike;
  if ((type !== "ObjectProperty" && type !== "Property") || computed || !key) return undefined;
  if (key.type === "Identifier") return key.name as string;
  if ((key.type === "StringLiteral" || key.type === "Literal") && typeof key.value === "string") return key.value;
  return undefined;
}

/** The property among an object literal's `properties` whose key is `name` (the first one, as written). */
export function propertyNamed<T>(properties: readonly T[], name: string): T | undefined {
  return properties.find((p) => propertyKey(p) === name);
}

/** Where a string cannot become an expression: a module specifier, a type, or a key. */
const NOT_A_VALUE = new Set([
  "ImportDeclaration",
  "ExportNamedDeclaration",
  "ExportAllDeclaration",
  "TSLiteralType",
  "TSExternalModuleReference",
]);
const KEYED = new Set(["ObjectProperty", "ClassProperty", "TSPropertySignature", "ObjectMethod", "ClassMethod"]);

/**
 * Whether the string literal `node`, whose parent is `parent`, is a value the code uses (so an
 * expression may stand in its place): not an import source, a literal type, or a property's key.
 */
export function isValueString(node: unknown, parent: { type: string; key?: unknown } | null | undefined): boolean {
  if (!parent) return true;
  if (NOT_A_VALUE.has(parent.type)) return false;
  return !(KEYED.has(parent.type) && parent.key === node);
}
