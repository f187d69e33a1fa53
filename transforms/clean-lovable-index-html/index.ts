// clean-lovable-index-html: what Lovable writes into index.html for its own editor and brand:
// the gptengineer.js script with its "DO NOT REMOVE" comment, `<meta name="author" content="Lovable">`,
// og/twitter images on lovable.dev, `twitter:site` @lovable_dev, and the description "Lovable
// Generated Project". Edits are spans located by parse5; every other byte stays as it was.
// Lovable's preview images become a local placeholder (an existing public/og-image.* or one written
// to public/og-image.png), each with a finding, since the owner should put their own image there.
import { LOVABLE } from "@ownit/core";
import {
  applySpanEdits,
  attr,
  attrValueSpan,
  htmlComments,
  htmlElements,
  parseHtml,
  removalEdit,
  spanOf,
  type Codemod,
  type HtmlComment,
  type HtmlElement,
  type SpanEdit,
} from "@ownit/codemod";
import { placeholderPng } from "./placeholder-png";

/** Domains whose assets in index.html belong to Lovable, not to the app. */
const LOVABLE_DOMAINS = [...LOVABLE.ownHosts, ...LOVABLE.hosts];
/** Lovable's storage bucket for images uploaded in its editor: the owner's images, on Lovable's account. */
const LOVABLE_UPLOADS = "gpt-engineer-file-uploads";
/** The editor script's host. */
const EDITOR_SCRIPT_HOST = LOVABLE.scriptHost;
/** The comment Lovable puts above its script. */
const KEEP_COMMENT = /DO NOT REMOVE THIS SCRIPT TAG/i;
/** Lovable's own Twitter account. */
const LOVABLE_TWITTER = /^@lovable(_dev)?$/i;
/** The description every Lovable project starts with. */
const GENERATED_DESCRIPTION = "Lovable Generated Project";
/** Meta tags that carry the preview image. */
const IMAGE_META = new Set(["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"]);
const DESCRIPTION_META = new Set(["description", "og:description", "twitter:description"]);
/** Images in public/ that can stand in for Lovable's, best first; the last is written when none exists. */
const LOCAL_IMAGES = ["og-image.png", "og-image.jpg", "og-image.jpeg", "og-image.webp", "opengraph-image.png"];

function metaName(el: HtmlElement): string | undefined {
  return (attr(el, "property") ?? attr(el, "name"))?.trim().toLowerCase();
}

function isLovableUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const host = new URL(value.trim(), "https://app.invalid/").hostname;
    return LOVABLE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
  } catch {
    return false;
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

function textOf(el: HtmlElement | undefined): string {
  if (!el) return "";
  return el.childNodes
    .map((n) => ("value" in n ? String(n.value) : ""))
    .join("")
    .trim();
}

/** Lovable's editor script (gptengineer.js) and the "DO NOT REMOVE" comment above it. */
function editorScript(doc: ReturnType<typeof parseHtml>): Array<HtmlElement | HtmlComment> {
  const scripts = htmlElements(doc, "script").filter((script) => {
    const src = attr(script, "src");
    return src !== undefined && isLovableUrl(src) && src.includes(EDITOR_SCRIPT_HOST);
  });
  return [...scripts, ...htmlComments(doc).filter((comment) => KEEP_COMMENT.test(comment.data))];
}

const codemod: Codemod = {
  name: "clean-lovable-index-html",
  description: "index.html without Lovable's editor script, author meta, preview images, @lovable_dev and generated description",
  builders: ["lovable-vite"],
  files: ["index.html"],
  appliesTo: (project) => project.builder.id === "lovable-vite",
  transform(file, { read, report, share }) {
    const source = file.source;
    const doc = parseHtml(source);
    const edits: SpanEdit[] = [];
    const remove = (el: Parameters<typeof spanOf>[0]) => {
      const span = spanOf(el);
      if (span) edits.push(removalEdit(source, span.start, span.end));
      return span?.line;
    };
    const lineOf = (el: HtmlElement) => spanOf(el)?.line;

    for (const el of editorScript(doc)) remove(el);

    const title = textOf(htmlElements(doc, "title")[0]);
    const titleIsOwn = title !== "" && !/lovable/i.test(title);
    let image: string | undefined;
    const replacedImages: string[] = [];
    for (const meta of htmlElements(doc, "meta")) {
      const name = metaName(meta);
      const content = attr(meta, "content");
      if (!name || content === undefined) continue;
      if (name === "author" && content.trim().toLowerCase() === "lovable") remove(meta);
      else if (name === "twitter:site" && LOVABLE_TWITTER.test(content.trim())) {
        remove(meta);
        report({
          severity: "info",
          code: "lovable-twitter-site-removed",
          line: lineOf(meta),
          message: `removed twitter:site ${content.trim()} (Lovable's account, not this site's)`,
          hint: "add your own @handle as twitter:site if you have one",
        });
      } else if (IMAGE_META.has(name) && isLovableUrl(content)) {
        const span = attrValueSpan(source, meta, "content");
        if (!span) continue;
        image ??= LOCAL_IMAGES.find((f) => read(`public/${f}`) !== undefined) ?? LOCAL_IMAGES[0]!;
        edits.push({ ...span, text: `/${image}` });
        replacedImages.push(`${name} (line ${lineOf(meta)})`);
      } else if (IMAGE_META.has(name) && content.includes(LOVABLE_UPLOADS)) {
        report({
          severity: "low",
          code: "lovable-hosted-image",
          line: lineOf(meta),
          message: `${name} is an image uploaded to Lovable's storage (${content.trim()})`,
          hint: "download it into public/ and point the tag at it, before the Lovable project goes away",
        });
      } else if (DESCRIPTION_META.has(name) && content.trim() === GENERATED_DESCRIPTION) {
        const span = attrValueSpan(source, meta, "content");
        if (titleIsOwn && span) edits.push({ ...span, text: escapeAttribute(title) });
        else
          report({
            severity: "low",
            code: "lovable-generated-description",
            line: lineOf(meta),
            message: `${name} still says "${GENERATED_DESCRIPTION}"`,
            hint: "write a one-sentence description of the app: search engines and link previews show it",
          });
      }
    }
    if (replacedImages.length) {
      if (read(`public/${image}`) === undefined) share({ placeholder: `public/${image}` });
      report({
        severity: "low",
        code: "lovable-preview-image-replaced",
        message: `${replacedImages.join(", ")} showed Lovable's image; now /${image}${read(`public/${image}`) === undefined ? ", a plain placeholder written by ownit" : ""}`,
        hint: "put your own 1200×630 image there, and make the URL absolute (https://your-domain/...) once the site has its domain: some sites ignore relative og:image URLs",
      });
    }
    if (/lovable/i.test(title))
      report({
        severity: "low",
        code: "lovable-page-title",
        line: lineOf(htmlElements(doc, "title")[0]!),
        message: `the page title is "${title}"`,
        hint: "name the app in <title>",
      });
    return edits.length ? applySpanEdits(source, edits) : undefined;
  },
  project(ctx, shared) {
    for (const { data } of shared) {
      const placeholder = (data as { placeholder?: string }).placeholder;
      if (placeholder && !ctx.files.exists(placeholder)) ctx.files.write(placeholder, placeholderPng(), { generated: true });
    }
  },
};

export default codemod;
