// The package a user installs: `npm pack` of the bundle, run with `npx` in a fresh copy of an
// export, outside this repository (no access to its node_modules), as a new user would run it.
// The tarball's dependencies come from the npm registry as it stood on RESOLVED_BEFORE, so a
// later release changes nothing; the npm cache makes a second run quick.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectProject } from "@ownit/core";
import { RESOLVED_BEFORE } from "@ownit/codemod";
import { buildPackage } from "../../scripts/package/build";
import { cleanupTemp, copyFixture, git, gitInit, tempDir, treeFingerprint } from "../helpers/project";

interface PackedFile {
  path: string;
}

const npxCache = path.join(os.homedir(), ".npm", "_npx");

/** The folders npx installed this run's tarball into (its package.json names the tarball); other runs' are left alone. */
function ourNpxInstalls(): string[] {
  if (!existsSync(npxCache)) return [];
  return readdirSync(npxCache)
    .map((entry) => path.join(npxCache, entry))
    .filter((dir) => {
      try {
        return (
          (
            JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { _npx?: { packages?: string[] } }
          )._npx?.packages?.includes(tarball) === true
        );
      } catch {
        return false;
      }
    });
}
let tarball = "";
let packed: string[] = [];
let packageDir = "";

/** The environment npm and npx get: the registry as of the release, no optional PostgreSQL build. */
const NPM_ENV = {
  ...process.env,
  npm_config_before: RESOLVED_BEFORE,
  npm_config_omit: "optional",
  npm_config_prefer_offline: "true",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  NODE_PATH: "",
};

/** `npx ownit …` from the tarball, in dir. */
function npxOwnit(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("npx", ["--yes", `--package=${tarball}`, "--", "ownit", ...args], {
    cwd: dir,
    env: { ...NPM_ENV, CI: "1" },
    encoding: "utf8",
    timeout: 240_000,
  });
  return {
    status: result.status,
    stdout: stripVTControlCharacters(result.stdout),
    stderr: stripVTControlCharacters(result.stderr),
  };
}

beforeAll(async () => {
  const { dir } = await buildPackage();
  packageDir = dir;
  const dest = tempDir("ownit-pack-");
  const out = execFileSync("npm", ["pack", dir, "--pack-destination", dest, "--json"], { encoding: "utf8", env: NPM_ENV });
  const [info] = JSON.parse(out) as Array<{ filename: string; files: PackedFile[] }>;
  tarball = path.join(dest, info!.filename);
  packed = info!.files.map((f) => f.path).sort();
}, 120_000);

afterAll(() => {
  cleanupTemp();
  // The install npx made for this run's tarball (each tarball path is new, so it got its own).
  for (const dir of ourNpxInstalls()) rmSync(dir, { recursive: true, force: true });
});

describe("the ownit package", () => {
  it("packs compiled JavaScript, the templates, README and license, and no tests or fixtures", () => {
    expect(packed).toContain("dist/ownit.mjs");
    expect(packed).toContain("dist/worker.mjs");
    expect(packed).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json"]));
    expect(packed.some((f) => f.startsWith("dist/transforms/base44-owned-backend/template/"))).toBe(true);
    // lovable-tanstack-vite-config writes the TanStack Start config from its template/.
    expect(packed).toEqual(
      expect.arrayContaining([
        "dist/transforms/lovable-tanstack-vite-config/template/config.tpl",
        "dist/transforms/lovable-tanstack-vite-config/template/header.tpl",
      ]),
    );
    // The export helper and the functions router are written into owners' projects from the packages' templates/.
    expect(packed).toEqual(
      expect.arrayContaining([
        "dist/packages/db/templates/export-helper/index.ts",
        "dist/packages/deploy/templates/functions-router.ts",
      ]),
    );
    // TypeScript ships only as templates: the code ownit writes into an owner's project.
    const isTemplate = (f: string) => /^dist\/(transforms\/[^/]+\/template|packages\/[^/]+\/templates)\//.test(f);
    const unexpected = packed.filter(
      (f) =>
        /(^|\/)(test|fixtures|__testfixtures__|__snapshots__)\//.test(f) ||
        /\.test\./.test(f) ||
        (/\.tsx?$/.test(f) && !isTemplate(f)),
    );
    expect(unexpected).toEqual([]);
  });

  it("declares a bin, engines, a license and exact third-party dependencies (the workspaces are inside the bundle)", () => {
    const manifest = JSON.parse(execFileSync("tar", ["-xOzf", tarball, "package/package.json"], { encoding: "utf8" })) as Record<
      string,
      any
    >;
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ ownit: "dist/ownit.mjs" });
    expect(manifest.engines.node).toMatch(/^>=20/);
    expect(manifest.license).toBe("MIT");
    expect(manifest.dependencies).toHaveProperty("jscodeshift");
    expect(manifest.dependencies).toHaveProperty("pg");
    for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      expect(name).not.toMatch(/^@ownit\//);
      expect(version, name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
  });

  it("starts light: `ownit --version` and `--help` load commander and picocolors only (jscodeshift, pg and the templates wait for their commands)", () => {
    // The modules node loads before the first line runs: the entry and every chunk it imports statically.
    const dist = path.join(packageDir, "dist");
    const staticImports = (file: string) =>
      [
        ...readFileSync(path.join(dist, file), "utf8").matchAll(
          /^(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"/gm,
        ),
      ].map((m) => m[1] ?? m[2]!);
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) spec.startsWith("./") ? visit(spec.slice(2)) : external.add(spec);
    };
    visit("ownit.mjs");
    expect([...external].filter((m) => !m.startsWith("node:")).sort()).toEqual(["commander", "picocolors"]);
    // The heavy ones are in the bundle's other chunks, loaded by the commands that need them.
    const everything = readdirSync(dist)
      .filter((f) => f.endsWith(".mjs"))
      .flatMap(staticImports);
    expect(everything).toEqual(expect.arrayContaining(["jscodeshift", "pg"]));
  });

  it("runs with npx in a fresh export: detect, migrate --dry-run (writes nothing), migrate --yes (one tagged run)", () => {
    const app = copyFixture("lovable-vite");
    gitInit(app);
    expect(existsSync(path.join(app, "node_modules"))).toBe(false);

    const version = npxOwnit(app, "--version");
    expect(version.stderr).toBe("");
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "packages", "cli", "package.json"), "utf8")).version,
    );

    const detect = npxOwnit(app, "detect");
    expect(detect.status, detect.stderr).toBe(0);
    expect(detect.stdout).toMatch(/builder\s+lovable-vite/);

    const before = treeFingerprint(app);
    const dry = npxOwnit(app, "migrate", "--dry-run");
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("-    componentTagger()");
    expect(dry.stdout).toContain("nothing was written");
    expect(treeFingerprint(app)).toEqual(before);

    const applied = npxOwnit(app, "migrate", "--yes");
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/run \S+: \d+ file\(s\) changed, tagged ownit\//);
    expect(readFileSync(path.join(app, "vite.config.ts"), "utf8")).not.toContain("lovable-tagger");
    expect(git(app, "status", "--porcelain")).toBe("");
    expect(git(app, "tag")).toMatch(/^ownit\//m);
  });

  it("its codemod worker thread loads a bundled codemod and transforms a file (no TypeScript loader)", async () => {
    const app = copyFixture("lovable-vite");
    const installed = ourNpxInstalls()
      .map((d) => path.join(d, "node_modules", "ownit", "dist"))
      .find((d) => existsSync(d));
    expect(installed, "npx installed the tarball").toBeDefined();
    const file = "src/integrations/supabase/client.ts";
    const worker = new Worker(path.join(installed!, "worker.mjs"), {
      workerData: {
        folder: path.join(installed!, "transforms", "supabase-client-to-env"),
        root: app,
        project: detectProject(app),
        options: {},
        overlay: [],
      },
    });
    try {
      const result = await new Promise<{ status: string; output?: string; reason?: string }>((resolve, reject) => {
        worker.on("error", reject);
        worker.on("message", (message: { ready?: true; result?: { status: string; output?: string } }) => {
          if (message.ready)
            worker.postMessage({ id: 0, job: { path: file, source: readFileSync(path.join(app, file), "utf8") } });
          else if (message.result) resolve(message.result);
        });
      });
      expect(result.status, result.reason).toBe("changed");
      expect(result.output).toContain("import.meta.env.VITE_SUPABASE_URL");
    } finally {
      await worker.terminate();
    }
  });
});
