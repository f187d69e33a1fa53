// The runner lists each codemod's files from one walk of the tree filtered by its globs
// (Changeset.list): the files must be exactly the ones fast-glob itself finds for those globs.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Changeset, listProjectFiles } from "@ownit/core";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures");
const projects = readdirSync(FIXTURES).filter((f) => existsSync(path.join(FIXTURES, f, "package.json")));

/** Every shape of glob the codemods and steps use. */
const PATTERNS = [
  "**/*",
  "**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}",
  "src/**/*.{ts,tsx,js,jsx,mts,mjs}",
  "supabase/functions/*/index.ts",
  "supabase/migrations/*.sql",
  "vite.config.{ts,mts,cts,js,mjs,cjs}",
  "*.{js,mjs,cjs,ts}",
  ".env",
  ".env.*",
  "**/.env.*",
  ".lovable/**/*",
  "public/**/*",
  "src/integrations/*/index.ts",
  "package.json",
];

describe("the files a codemod is given", () => {
  for (const name of projects) {
    it(`${name}: are the ones fast-glob finds, for every glob shape, with and without gitignored files`, () => {
      const root = path.join(FIXTURES, name);
      for (const includeIgnored of [false, true]) {
        const changeset = new Changeset(root);
        for (const pattern of PATTERNS) {
          expect(
            changeset.list({ patterns: [pattern], includeIgnored }),
            `${pattern}${includeIgnored ? " (ignored too)" : ""}`,
          ).toEqual(listProjectFiles(root, { patterns: [pattern], includeIgnored }));
        }
      }
    });
  }
});
