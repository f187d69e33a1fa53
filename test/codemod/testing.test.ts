// The fixture helper itself: a case fails when the transform's output differs from the expected
// file, and an `ownit-fixture-include:` line stands for the bytes of the file it names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Codemod } from "@ownit/codemod";
import { expandIncludes, fixtureCases, runFixtureCase } from "@ownit/codemod/testing";

const temp = mkdtempSync(path.join(os.tmpdir(), "ownit-testing-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Writes a generated file from a template: what a server-writing transform does. */
const writesTemplate: Codemod = {
  name: "writes-template",
  description: "writes server/app.ts from the template",
  builders: ["any"],
  files: [],
  appliesTo: () => true,
  project: (ctx) => ctx.files.write("server/app.ts", "// header\nexport const app = 1;\n", { generated: true }),
};

function transformFolder(expectedApp: string): string {
  const dir = mkdtempSync(path.join(temp, "t-"));
  mkdirSync(path.join(dir, "template"), { recursive: true });
  writeFileSync(path.join(dir, "template", "app.ts"), "export const app = 1;\n");
  for (const side of ["input", "output"]) mkdirSync(path.join(dir, "__testfixtures__", "case", side, "src"), { recursive: true });
  writeFileSync(path.join(dir, "__testfixtures__", "case", "input", "src", "keep.ts"), "keep;\n");
  writeFileSync(path.join(dir, "__testfixtures__", "case", "output", "src", "keep.ts"), "keep;\n");
  mkdirSync(path.join(dir, "__testfixtures__", "case", "output", "server"));
  writeFileSync(path.join(dir, "__testfixtures__", "case", "output", "server", "app.ts"), expectedApp);
  return dir;
}

describe("fixture helper", () => {
  it("expands an include line into the named file's bytes", () => {
    const dir = transformFolder("");
    expect(expandIncludes("// header\nownit-fixture-include: template/app.ts\n", dir)).toBe("// header\nexport const app = 1;\n");
  });

  it("passes when the output equals the expanded expectation", async () => {
    const dir = transformFolder("// header\nownit-fixture-include: template/app.ts\n");
    const [c] = fixtureCases(path.join(dir, "__testfixtures__"));
    await runFixtureCase(writesTemplate, c!, temp);
  });

  it("fails when the transform writes something else", async () => {
    const dir = transformFolder("// another header\nownit-fixture-include: template/app.ts\n");
    const [c] = fixtureCases(path.join(dir, "__testfixtures__"));
    await expect(runFixtureCase(writesTemplate, c!, temp)).rejects.toThrow(/project tree after writes-template/);
  });
});
