// The checked read the rewritten code imports: it keeps the string type the hard-coded address had
// (`new URL(SITE_URL)` type-checks under strict TypeScript, where `process.env.X` would not), and
// an unset variable stops the app at start-up with a message naming it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const GENERATED = readFileSync(path.join(import.meta.dirname, "__testfixtures__/next-app/output/lib/site-url.ts"), "utf8");
const work = mkdtempSync(path.join(os.tmpdir(), "ownit-site-url-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Strict TypeScript's complaints about `usage` beside the generated module. */
function typeErrors(usage: string): string[] {
  writeFileSync(path.join(work, "site-url.ts"), GENERATED);
  writeFileSync(path.join(work, "layout.ts"), usage);
  const program = ts.createProgram([path.join(work, "layout.ts")], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ["lib.es2022.d.ts"],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ["node"],
    typeRoots: [path.resolve(import.meta.dirname, "../../node_modules/@types")],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("the generated site-url module", () => {
  it("keeps the address a string: `new URL(baseUrl)` type-checks (a bare process.env read does not)", () => {
    expect(
      typeErrors('import { SITE_URL } from "./site-url";\nconst baseUrl = SITE_URL;\nexport const base = new URL(baseUrl);\n'),
    ).toEqual([]);
    expect(
      typeErrors("const baseUrl = process.env.NEXT_PUBLIC_SITE_URL;\nexport const base = new URL(baseUrl);\n").join("\n"),
    ).toContain("'string | undefined' is not assignable");
  });

  it("stops at start-up naming NEXT_PUBLIC_SITE_URL when it is unset, and hands the value over when it is set", async () => {
    const load = (n: number) =>
      import(`data:text/javascript,${encodeURIComponent(`${GENERATED}\n// ${n}`)}`) as Promise<{ SITE_URL: string }>;
    const saved = process.env.NEXT_PUBLIC_SITE_URL;
    try {
      delete process.env.NEXT_PUBLIC_SITE_URL;
      await expect(load(1)).rejects.toThrow(/^NEXT_PUBLIC_SITE_URL is not set: put the app's public address in it/);
      process.env.NEXT_PUBLIC_SITE_URL = "https://invoices.example.com";
      expect((await load(2)).SITE_URL).toBe("https://invoices.example.com");
    } finally {
      if (saved === undefined) delete process.env.NEXT_PUBLIC_SITE_URL;
      else process.env.NEXT_PUBLIC_SITE_URL = saved;
    }
  });
});
