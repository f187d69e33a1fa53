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
      ...root.find(j.ImportDeclaration).nodes(),
      ...root.find(j.ExportNamedDeclaration).nodes(),
      ...root.find(j.ExportAllDeclaration).nodes(),
    ].filter((node) => isStub(node.source?.value));
    for (const node of declarations) {
      let ok = true;
      const specEdits: SpanEdit[] = [];
      for (const spec of "specifiers" in node ? (node.specifiers ?? []) : []) {
        // import { x as y } / export { x as y }: `imported` or `local` is the stub's own name.
        const own = j.ImportSpecifier.check(spec) ? spec.imported : "local" in spec ? spec.local : undefined;
        if (!own || typeof own.name !== "string") {
          ok = false;
          continue;
        }
        if (FIXTURE_NAMES.has(own.name)) continue;
        if (own.name === CONFIG_FACTORY) {
          const ownSpan = spanOfNode(own);
          specEdits.push({ ...ownSpan, text: PLAYWRIGHT_FACTORY });
          const alias = j.ImportSpecifier.check(spec) ? spec.local : j.ExportSpecifier.check(spec) ? spec.exported : undefined;
          if (alias && spanOfNode(alias).start === ownSpan.start) {
            // `import { createLovableConfig }`: the local name changes too, so its calls follow.
            if (j.ImportSpecifier.check(spec)) configFactory = own.name;
            else specEdits.push({ start: ownSpan.end, end: ownSpan.end, text: ` as ${CONFIG_FACTORY}` });
          }
          continue;
        }
        ok = false;
      }
      if (!ok || j.ExportAllDeclaration.check(node) || !node.source) {
        todo(
          spanOfNode(node).start,
          `${STUB} only exists inside Lovable: import these from ${PLAYWRIGHT} (or write them) instead`,
        );
        continue;
      }
      const from = spanOfNode(node.source);
      const quote = source[from.start];
      edits.push(...specEdits, { ...from, text: `${quote}${PLAYWRIGHT}${quote}` });
      rewritten = true;
    }
    if (configFactory) {
      root.find(j.Identifier, { name: configFactory }).forEach((p) => {
        if (j.ImportSpecifier.check(p.parent?.node)) return;
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
