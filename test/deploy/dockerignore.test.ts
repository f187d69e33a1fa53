// What the emitted .dockerignore keeps out of the build context (so out of every image layer): the
// owner's env files, users' uploads, and a registry config no install step reads; and an .npmrc
// that npm did install with is gone from the stage the runtime image copies from.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import ignore from "ignore";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject } from "@ownit/core";
import { deployStep, parseTargets } from "@ownit/deploy";
import { cleanupTemp } from "../helpers/project";
import { parseDockerfile } from "./parsed";
import { base44WithServer, pnpmSpa, writeTree, type Tree } from "./projects";

afterAll(cleanupTemp);

async function dockerFiles(tree: Tree): Promise<{ ignores: (file: string) => boolean; dockerfile: string }> {
  const dir = writeTree(tree);
  mkdirSync(path.join(dir, "uploads", "2025", "06"), { recursive: true });
  writeFileSync(path.join(dir, "uploads", "2025", "06", "3f9a_passport.png"), "a customer's file");
  const plan = await buildPlan(detectProject(dir), [deployStep({ targets: parseTargets("docker"), strict: true })]);
  const files = new Map(plan.changes.map((c) => [c.path, c.after!.toString("utf8")]));
  const ig = ignore().add(files.get(".dockerignore")!);
  return { ignores: (file) => ig.ignores(file), dockerfile: files.get("Dockerfile")! };
}

describe(".dockerignore", () => {
  it("keeps env files and uploaded files out of a Base44 server's image, and .env.example in", async () => {
    const { ignores } = await dockerFiles({
      ...base44WithServer,
      ".npmrc": "//registry.npmjs.org/:_authToken=npm_secretTokenValue\n",
    });
    for (const file of [".env", ".env.local", ".env.production", ".envrc", "uploads/2025/06/3f9a_passport.png"])
      expect(ignores(file), file).toBe(true);
    expect(ignores(".env.example")).toBe(false);
  });

  it("an .npmrc npm installs with is deleted before the runtime stage copies the build, so no token ships", async () => {
    const { ignores, dockerfile } = await dockerFiles({
      ...base44WithServer,
      ".npmrc": "//registry.npmjs.org/:_authToken=npm_secretTokenValue\n",
    });
    expect(ignores(".npmrc")).toBe(false);
    const build = parseDockerfile(dockerfile)[0]!;
    expect(build.runs.at(-1)).toBe("rm -f .npmrc");
  });

  it("a pnpm project's .npmrc, which its install never copies, stays out of the context", async () => {
    const { ignores } = await dockerFiles({ ...pnpmSpa, ".npmrc": "//registry.npmjs.org/:_authToken=npm_secretTokenValue\n" });
    expect(ignores(".npmrc")).toBe(true);
  });
});
