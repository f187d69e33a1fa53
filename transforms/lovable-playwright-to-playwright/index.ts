// lovable-playwright-to-playwright: Lovable writes playwright.config.ts and playwright-fixture.ts on
// `lovable-agent-playwright-config`, a package that exists only inside Lovable's sandbox (on npm it
// is an empty stub: "This package is not intended for use"), so no end-to-end test runs anywhere
// else. Its fixture re-exports Playwright's own `test` and `expect`, and its config factory takes a
// Playwright config: both move to `@playwright/test` (`createLovableConfig` → `defineConfig`).
// Lovable's preset defaults are not public, so the owner is told which settings to check.
import { finding } from "@ownit/core";
import {
  changedText,
  addDependencies,
  applySpanEdits,
  removeDependency,
  spanOfNode,
  testedVersions,
  todoLineEdit,
  type Codemod,
  type SpanEdit,
} from "@ownit/codemod";

const STUB = "lovable-agent-playwright-config";
const PLAYWRIGHT = "@playwright/test";
/** What the stub's entry points stand for in Playwright itself. */
const FIXTURE_NAMES = new Set(["test", "expect"]);
const CONFIG_FACTORY = "createLovableConfig";
const PLAYWRIGHT_FACTORY = "defineConfig";

type AnyNode = { type: string; start: number; end: number; [key: string]: unknown };

function isStub(source: unknown): source is string {
  return typeof source === "string" && (source === STUB || source.startsWith(`${STUB}/`));
}

const codemod: Codemod = {
  name: "lovable-playwright-to-playwright",
  description: "playwright.config.ts and playwright-fixture.ts from the lovable-agent-playwright-config stub to @playwright/test",
  builders: ["lovable-vite", "lovable-tanstack"],
  kind: "cleanup",
  files: ["**/*.{ts,tsx,js,jsx,mts,mjs,cts,cjs}", "package.json"],
  mentions: [STUB],
  appliesTo: (project) => project.builder.id.startsWith("lovable"),
  transform(file, { j, report, share }) {
    if (file.path === "package.json") return changedText(file.source, removeDependency(file.source, STUB));
    if (file.path.endsWith(".d.ts")) return undefined; // module declarations for the stub are harmless
    const source = file.source;
    const root = j(source);
    const edits: SpanEdit[] = [];
    const todo = (at: number, what: string) => {
      const edit = todoLineEdit(source, at, what);
      if (edit) edits.push(edit);
    };
    let configFactory: string | undefined;
    let rewritten = false;

    const declarations = [
      ...root.find(j.ImportDeclaration).paths(),
      ...root.find(j.ExportNamedDeclaration).paths(),
      ...root.find(j.ExportAllDeclaration).paths(),
    ].filter((p) => isStub((p.node as { source?: { value?: unknown } | null }).source?.value));
    for (const p of declarations) {
      const node = p.node as unknown as AnyNode & { source: AnyNode; specifiers?: AnyNode[] };
      let ok = true;
      const specEdits: SpanEdit[] = [];
      for (const spec of node.specifiers ?? []) {
        // import { x as y } / export { x as y }: `imported` or `local` is the stub's own name.
        const own = (spec.imported ?? spec.local) as AnyNode & { name: string };
        if (FIXTURE_NAMES.has(own.name)) continue;
        if (own.name === CONFIG_FACTORY) {
          specEdits.push({ start: own.start, end: own.end, text: PLAYWRIGHT_FACTORY });
          const alias = (spec.type === "ImportSpecifier" ? spec.local : spec.exported) as AnyNode & { name: string };
          if (alias.start === own.start) {
            // `import { createLovableConfig }`: the local name changes too, so its calls follow.
            if (spec.type === "ImportSpecifier") configFactory = own.name;
            else specEdits.push({ start: own.end, end: own.end, text: ` as ${CONFIG_FACTORY}` });
          }
          continue;
        }
        ok = false;
      }
      if (!ok || node.type === "ExportAllDeclaration") {
        todo(node.start, `${STUB} only exists inside Lovable: import these from ${PLAYWRIGHT} (or write them) instead`);
        continue;
      }
      const quote = source[node.source.start];
      edits.push(...specEdits, { start: node.source.start, end: node.source.end, text: `${quote}${PLAYWRIGHT}${quote}` });
      rewritten = true;
    }
    if (configFactory) {
      root.find(j.Identifier, { name: configFactory }).forEach((p) => {
        const parent = p.parent?.node as AnyNode;
        if (parent.type === "ImportSpecifier") return;
        const { start, end } = spanOfNode(p.node);
        edits.push({ start, end, text: PLAYWRIGHT_FACTORY });
      });
      report({
        severity: "low",
        code: "lovable-playwright-preset",
        message: `${CONFIG_FACTORY} (Lovable's preset, whose defaults are not public) is now Playwright's ${PLAYWRIGHT_FACTORY} with your overrides only`,
        hint: "set testDir, use.baseURL and webServer (e.g. `npm run dev`, port 8080) as your tests need",
      });
    }
    if (rewritten) share({ rewritten: file.path });
    return edits.length ? applySpanEdits(source, edits) : undefined;
  },
  async project(ctx, shared) {
    if (!shared.length) return;
    // The rewritten files import @playwright/test: declared (tested version) so they resolve.
    const added = await addDependencies(ctx, { devDependencies: testedVersions(PLAYWRIGHT) });
    if (added.length) {
      ctx.report(
        finding({
          severity: "low",
          code: "playwright-added",
          file: "package.json",
          message: `added ${PLAYWRIGHT}@${testedVersions(PLAYWRIGHT)[PLAYWRIGHT]} to devDependencies: ${shared.map((s) => (s.data as { rewritten: string }).rewritten).join(", ")} now ${shared.length === 1 ? "imports" : "import"} it`,
          hint: "run `npx playwright install` for its browsers before running the end-to-end tests",
        }),
      );
    }
  },
};

export default codemod;
