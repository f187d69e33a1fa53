// HTML read with parse5 source locations, so a transform removes or replaces exact spans
// (a <script>, a comment, a <meta>) and every other byte of index.html stays as it was.
import { parse, type DefaultTreeAdapterMap } from "parse5";

export type HtmlNode = DefaultTreeAdapterMap["childNode"] | DefaultTreeAdapterMap["document"];
export type HtmlElement = DefaultTreeAdapterMap["element"];
export type HtmlComment = DefaultTreeAdapterMap["commentNode"];

export function parseHtml(source: string): DefaultTreeAdapterMap["document"] {
  return parse(source, { sourceCodeLocationInfo: true });
}

/** Every node of the document in source order (elements, comments, text). */
function walkHtml(node: HtmlNode, visit: (node: DefaultTreeAdapterMap["childNode"]) => void): void {
  const children = "childNodes" in node ? node.childNodes : [];
  for (const child of children) {
    visit(child);
    walkHtml(child, visit);
  }
  if ("content" in node && node.content) walkHtml(node.content as unknown as HtmlNode, visit);
}

export function htmlElements(source: string | DefaultTreeAdapterMap["document"], tag?: string): HtmlElement[] {
  const doc = typeof source === "string" ? parseHtml(source) : source;
  const out: HtmlElement[] = [];
  walkHtml(doc, (n) => {
    if ("tagName" in n && (!tag || n.tagName === tag)) out.push(n);
  });
  return out;
}

export function htmlComments(source: string | DefaultTreeAdapterMap["document"]): HtmlComment[] {
  const doc = typeof source === "string" ? parseHtml(source) : source;
  const out: HtmlComment[] = [];
  walkHtml(doc, (n) => {
    if (n.nodeName === "#comment") out.push(n as HtmlComment);
  });
  return out;
}

export function attr(el: HtmlElement, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** [start, end) of a node in the source (elements include their end tag), when parse5 located it. */
export function spanOf(node: HtmlElement | HtmlComment): { start: number; end: number; line: number } | undefined {
  const loc = node.sourceCodeLocation;
  if (!loc) return undefined;
  const end = "endTag" in loc && loc.endTag ? loc.endTag.endOffset : loc.endOffset;
  return { start: loc.startOffset, end, line: loc.startLine };
}

/** [start, end) of an attribute's value inside its quotes. */
export function attrValueSpan(source: string, el: HtmlElement, name: string): { start: number; end: number } | undefined {
  const loc = el.sourceCodeLocation?.attrs?.[name];
  if (!loc) return undefined;
  const raw = source.slice(loc.startOffset, loc.endOffset);
  const eq = raw.indexOf("=");
  if (eq < 0) return undefined;
  let start = loc.startOffset + eq + 1;
  while (source[start] === " ") start++;
  let end = loc.endOffset;
  if (source[start] === '"' || source[start] === "'") {
    start++;
    end--;
  }
  return { start, end };
}
