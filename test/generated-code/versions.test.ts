// The tests run the code ownit generates against the very versions that code pins: this folder's
// package.json (a private workspace, apart from ownit's own packages) installs them, and must say
// what packages/codemod/src/edit/tested-versions.ts says.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TESTED_VERSIONS } from "@ownit/codemod";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

describe("the generated code's packages, as the tests install them", () => {
  it("are pinned to the versions the generated code declares", () => {
    for (const [name, version] of Object.entries(manifest.dependencies))
      expect(version, name).toBe(TESTED_VERSIONS[name as keyof typeof TESTED_VERSIONS]);
  });

  it("are the versions installed, so the tests run what owners get", () => {
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      const installed = JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8"));
      expect(installed.version, name).toBe(version);
    }
  });
});
