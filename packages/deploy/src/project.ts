// The deploy view of a project: what to install, build, copy and run, read from the files as the
// plan sees them (codemods may have removed lovable-tagger or added a server) plus detection's facts.
import path from "node:path";
import {
  LOCK_FILES,
  OwnitError,
  type Changeset,
  type FrameworkId,
  type PackageJson,
  type PackageManagerName,
  type ProjectFacts,
} from "@ownit/core";
import {
  DATABASE_URL_ENV,
  BUN_IMAGE_REPO,
  BUN_VERSION,
  NODE_IMAGE,
  NODE_PORT,
  NPMRC,
  PNPM_VERSION,
  SETUP_ONLY_ENV,
  STATIC_HEALTH_PATH,
  STATIC_PORT,
} from "./defaults";
import { edgeFunctions, functionSecrets, type EdgeFunction } from "./edge-functions";
import { declaredAppNames, scanEnvReads, type EnvRead } from "./env-reads";
import { supabaseUsage, type SupabaseUsage } from "./supabase-usage";

export interface PackageManagerPlan {
  name: Exclude<PackageManagerName, "unknown">;
  /** Files the dependency layer copies before installing (package.json and the lock). */
  manifestFiles: string[];
  /** Image of the build stage (bun projects build in bun's image). */
  buildImage: string;
  /** Shell commands run before install (corepack), may be empty. */
  setup: string[];
  install: string;
  run(script: string): string;
}

export type RuntimeKind = "static" | "node";

export interface NodeRuntime {
  /** Paths copied from the build stage: [from (relative to the build workdir), to (relative to the runtime workdir)]. */
  copy: Array<[string, string]>;
  command: string[];
  /** Runtime image when it is not the node image (a bun app's start script may call bun). */
  image?: string;
  user?: string;
}

export interface DeployProject {
  root: string;
  /** A host-safe name (lowercase letters, digits, dashes). */
  name: string;
  framework: FrameworkId;
  runtime: RuntimeKind;
  packageManager: PackageManagerPlan;
  /** The build command, e.g. "npm run build" (or a framework default). */
  buildCommand: string;
  /** Static sites: the folder the build writes, relative to the root. */
  outputDir: string;
  /** Static sites: the URL prefix of content-hashed files (long cache). */
  hashedAssetsPath: string;
  node?: NodeRuntime;
  port: number;
  healthPath: string;
  /** Variables baked into the browser bundle: build arguments. */
  buildEnv: EnvRead[];
  /** Variables a server reads at run time (code, or an .env.example another step wrote). */
  runtimeEnv: EnvRead[];
  /** Variables build tool configs read (optional build settings). */
  buildConfigEnv: EnvRead[];
  /** Variables Supabase edge functions read (not run by these files). */
  edgeFunctionEnv: EnvRead[];
  supabase: { used: boolean; urlVar?: string; keyVar?: string; functions: string[] };
  /** supabase/functions with their verify_jwt settings, and the secrets they read beyond the platform's. */
  edgeFunctions: EdgeFunction[];
  functionSecrets: string[];
  /** OAuth providers, Realtime and Storage as the code uses them. */
  uses: SupabaseUsage;
  /** The app needs a PostgreSQL database (supabase-js, a DATABASE_URL, a Base44 replacement server). */
  database: boolean;
  base44Server: boolean;
  /** Packages in package.json that change a database's schema, which a server may run as it starts. */
  schemaTools: string[];
}

const SCHEMA_TOOLS = ["prisma", "drizzle-kit", "knex", "typeorm", "sequelize", "node-pg-migrate", "db-migrate", "umzug"];

/** Frameworks whose output is a folder of static files. */
const STATIC_FRAMEWORKS: FrameworkId[] = ["vite-react", "expo"];

export function readDeployProject(facts: ProjectFacts, files: Changeset): DeployProject {
  const pkg = readPackageJson(files);
  const deps = { ...(pkg.dependencies ?? {}), ...(pkg.devDependencies ?? {}) };
  const framework = facts.framework.id;
  if (framework === "unknown") {
    throw new OwnitError(
      "deploy-unknown-framework",
      `${path.join(facts.root, "package.json")} names no framework ownit can deploy (Vite + React, TanStack Start, Next, Remix, Expo)`,
      "add the framework to package.json, or write the Dockerfile by hand",
    );
  }
  const scripts = pkg.scripts ?? {};
  const reads = scanEnvReads(files, framework);
  const base44Server = facts.base44.used && typeof scripts.start === "string" && !/^\s*vite\b/.test(scripts.start);
  const packageManager = planPackageManager(facts, files, pkg);

  // Variables another step (the Base44 server) declared for the server in its .env.example.
  const runtimeFromExample = base44Server ? declaredAppNames(files.read(".env.example")) : [];
  const byReader = (r: EnvRead["reader"]) => reads.filter((v) => v.reader === r);
  const runtimeEnv = byReader("server").filter((v) => !SETUP_ONLY_ENV.includes(v.name));
  for (const name of runtimeFromExample) {
    if (SETUP_ONLY_ENV.includes(name)) continue;
    if (!runtimeEnv.some((v) => v.name === name) && !reads.some((v) => v.name === name && v.reader === "browser"))
      runtimeEnv.push({ name, reader: "server", files: [".env.example"] });
  }
  runtimeEnv.sort((a, b) => a.name.localeCompare(b.name));
  const buildEnv = byReader("browser");

  const supabaseUsed = Boolean(deps["@supabase/supabase-js"] || deps["@supabase/ssr"]);
  const urlVar = buildEnv.find((v) => /SUPABASE_URL$/.test(v.name))?.name;
  const keyVar = buildEnv.find((v) => /SUPABASE_(ANON|PUBLISHABLE)_KEY$|SUPABASE_KEY$/.test(v.name))?.name;
  const runtime: RuntimeKind = STATIC_FRAMEWORKS.includes(framework) && !base44Server ? "static" : "node";

  const project: DeployProject = {
    root: facts.root,
    name: hostName(pkg.name, facts.root),
    framework,
    runtime,
    packageManager,
    buildCommand: buildCommandFor(framework, scripts, packageManager),
    outputDir: framework === "expo" ? "dist" : viteOutDir(files),
    hashedAssetsPath: framework === "expo" ? "/_expo/static/" : "/assets/",
    port: runtime === "static" ? STATIC_PORT : NODE_PORT,
    healthPath: runtime === "static" ? STATIC_HEALTH_PATH : base44Server ? "/api/health" : "/",
    buildEnv,
    runtimeEnv,
    buildConfigEnv: byReader("build-config"),
    edgeFunctionEnv: byReader("edge-function"),
    supabase: { used: supabaseUsed, urlVar, keyVar, functions: facts.supabase.functions },
    edgeFunctions: edgeFunctions(files, facts.supabase.functions),
    functionSecrets: functionSecrets(reads),
    uses: supabaseUsage(files),
    database: supabaseUsed || base44Server || runtimeEnv.some((v) => v.name === DATABASE_URL_ENV),
    base44Server,
    schemaTools: SCHEMA_TOOLS.filter((name) => deps[name]),
  };
  if (runtime === "node") project.node = nodeRuntime(framework, files, packageManager);
  return project;
}

function readPackageJson(files: Changeset): PackageJson {
  const text = files.read("package.json");
  if (text === undefined)
    throw new OwnitError(
      "no-package-json",
      "package.json not found",
      "run ownit in the exported project's folder (the one with package.json)",
    );
  try {
    return JSON.parse(text) as PackageJson;
  } catch {
    throw new OwnitError("bad-package-json", "package.json is not valid JSON", "fix the syntax error, then run again");
  }
}

/** npm, Fly and Render accept lowercase letters, digits and dashes in names. */
function hostName(pkgName: string | undefined, root: string): string {
  const raw = (pkgName ?? path.basename(root)).replace(/^@[^/]+\//, "");
  const slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return slug || "app";
}

/** The lock file the install trusts: the manager package.json declares, else detection's pick if its lock is still there, else the first lock left. */
function planPackageManager(facts: ProjectFacts, files: Changeset, pkg: PackageJson): PackageManagerPlan {
  const locks = Object.keys(LOCK_FILES).filter((f) => files.exists(f));
  const managerOf = (lock: string) => LOCK_FILES[lock as keyof typeof LOCK_FILES];
  const [declaredName, declaredVersion] = (pkg.packageManager ?? "").split("@");
  let name: PackageManagerPlan["name"];
  if (declaredName && ["npm", "pnpm", "yarn", "bun"].includes(declaredName)) name = declaredName as PackageManagerPlan["name"];
  else if (facts.packageManager.authoritative && files.exists(facts.packageManager.authoritative))
    name = managerOf(facts.packageManager.authoritative);
  else name = locks[0] ? managerOf(locks[0]) : "npm";
  const lock = locks.filter((l) => managerOf(l) === name);
  const manifestFiles = ["package.json", ...lock];
  // Only a declared version is trusted for bun; otherwise the pinned default (never an empty tag).
  const bunVersion = name === "bun" && /^\d+\.\d+\.\d+$/.test(declaredVersion ?? "") ? declaredVersion! : BUN_VERSION;
  switch (name) {
    case "bun":
      return {
        name,
        manifestFiles,
        buildImage: `${BUN_IMAGE_REPO}:${bunVersion}`,
        setup: [],
        install: lock.length ? "bun install --frozen-lockfile" : "bun install",
        run: (s) => `bun run ${s}`,
      };
    case "pnpm":
      return {
        name,
        manifestFiles,
        buildImage: NODE_IMAGE,
        setup: [
          declaredName === "pnpm" ? "corepack enable" : `corepack enable && corepack prepare pnpm@${PNPM_VERSION} --activate`,
        ],
        install: lock.length ? "pnpm install --frozen-lockfile" : "pnpm install",
        run: (s) => `pnpm run ${s}`,
      };
    case "yarn": {
      // Yarn 2+ (declared, or a .yarnrc.yml) comes through corepack; Yarn 1 ships in the node image.
      const berry = (declaredName === "yarn" && !/^1\./.test(declaredVersion ?? "")) || files.exists(".yarnrc.yml");
      if (berry) manifestFiles.push(...[".yarnrc.yml"].filter((f) => files.exists(f)));
      return {
        name,
        manifestFiles,
        buildImage: NODE_IMAGE,
        setup: berry ? ["corepack enable"] : [],
        install: berry ? "yarn install --immutable" : lock.length ? "yarn install --frozen-lockfile" : "yarn install",
        run: (s) => `yarn run ${s}`,
      };
    }
    default: {
      if (files.exists(NPMRC)) manifestFiles.push(NPMRC);
      return {
        name: "npm",
        manifestFiles,
        buildImage: NODE_IMAGE,
        setup: [],
        install: lock.length ? "npm ci" : "npm install",
        run: (s) => `npm run ${s}`,
      };
    }
  }
}

function buildCommandFor(framework: FrameworkId, scripts: Record<string, string>, pm: PackageManagerPlan): string {
  if (scripts.build) return pm.run("build");
  if (framework === "expo") return "npx expo export --platform web";
  throw new OwnitError(
    "deploy-no-build-script",
    'package.json has no "build" script',
    'add one (e.g. "build": "vite build"), then run ownit deploy again',
  );
}

/** Vite's build.outDir when vite.config sets it as a plain string, else dist. */
function viteOutDir(files: Changeset): string {
  for (const f of ["vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs"]) {
    const m = files.read(f)?.match(/\boutDir\s*:\s*["'`]([^"'`$]+)["'`]/);
    if (m) return m[1]!.replace(/^\.\//, "").replace(/\/$/, "");
  }
  return "dist";
}

function nodeRuntime(framework: FrameworkId, files: Changeset, pm: PackageManagerPlan): NodeRuntime {
  if (framework === "tanstack-start") {
    // Nitro's node-server preset writes a self-contained server (dependencies bundled in).
    return { copy: [[".output", ".output"]], command: ["node", ".output/server/index.mjs"] };
  }
  if (framework === "next") {
    const config = ["next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs"]
      .map((f) => files.read(f) ?? "")
      .join("\n");
    if (/output\s*:\s*["'`]standalone["'`]/.test(config)) {
      return {
        copy: [
          [".next/standalone", "."],
          [".next/static", ".next/static"],
          ...(files.list({ patterns: ["public/**/*"] }).length ? ([["public", "public"]] as Array<[string, string]>) : []),
        ],
        command: ["node", "server.js"],
      };
    }
  }
  // The app's own start script (Base44 replacement server, Remix, Next without standalone):
  // the whole built app with its dependencies, since the start script may use any of them.
  // npm runs any package.json script whichever manager installed node_modules; bun apps run in bun's image.
  return {
    copy: [[".", "."]],
    command: pm.name === "bun" ? ["bun", "run", "start"] : ["npm", "start"],
    image: pm.name === "bun" ? pm.buildImage : undefined,
    user: pm.name === "bun" ? "bun" : undefined,
  };
}
