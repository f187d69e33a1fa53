// Deploy files for every example project and target: each emitted file is snapshot-tested, then read
// back with a real parser to check what Docker and each host would act on.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject, JWT_PATTERN } from "@ownit/core";
import { deployStep, GOTRUE_IMAGE, parseTargets, POSTGREST_IMAGE, type DeployResult } from "@ownit/deploy";
import { cleanupTemp, FIXTURES, REPO_ROOT } from "../helpers/project";
import { PINNED_TAG, parseDockerfile, parseToml, parseYaml, type DockerStage } from "./parsed";
import {
  base44WithServer,
  bunDeclared,
  bunOnly,
  nextStandalone,
  nextWithPostgres,
  pnpmSpa,
  tanstackStart,
  writeTree,
  type Tree,
} from "./projects";

afterAll(cleanupTemp);

const SNAPSHOTS = path.join(REPO_ROOT, "test/__snapshots__/deploy");

interface Emitted {
  result: DeployResult;
  /** Final path → content, as the plan would write them. */
  files: Map<string, string>;
  findings: string[];
}

async function emit(dir: string, targets = "all"): Promise<Emitted> {
  const project = detectProject(dir);
  let result: DeployResult | undefined;
  const plan = await buildPlan(project, [
    deployStep({ targets: parseTargets(targets), strict: true, onPlaced: (r) => (result = r) }),
  ]);
  const files = new Map(plan.changes.map((c) => [c.path, c.after!.toString("utf8")]));
  return { result: result!, files, findings: plan.findings.map((f) => f.code) };
}

function runtimeStage(stages: DockerStage[]): DockerStage {
  return stages.at(-1)!;
}

/** What every Dockerfile must get right, read through dockerfile-ast. */
function checkDockerfile(text: string, { port, buildArgs }: { port: number; buildArgs: string[] }): DockerStage[] {
  const stages = parseDockerfile(text);
  expect(stages.length).toBeGreaterThanOrEqual(2);
  for (const s of stages) {
    expect(s.imageTag, `${s.image} is pinned`).toMatch(PINNED_TAG);
  }
  const [build] = stages;
  expect(build!.name).toBe("build");
  expect(build!.args.sort()).toEqual([...buildArgs].sort());
  if (buildArgs.length) {
    const check = build!.runs.find((r) => r.includes("missing="))!;
    for (const a of buildArgs) expect(check).toContain(`[ -n "$${a}" ]`);
  }
  const runtime = runtimeStage(stages);
  expect(runtime.user, "runtime user").toBeDefined();
  expect(["root", "0", "0:0"]).not.toContain(runtime.user);
  expect(runtime.expose).toEqual([String(port)]);
  expect(runtime.healthcheck).toMatch(/CMD/);
  expect(runtime.healthcheck).toContain(String(port) === "8080" ? "127.0.0.1:8080" : "process.env.PORT");
  for (const copy of runtime.copies.filter((c) => c.from)) expect(copy.from).toBe("build");
  return stages;
}

function checkEnvExample(text: string, names: string[]): void {
  const declared = [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ name: m[1]!, value: m[2]! }));
  for (const n of names) expect(declared.map((d) => d.name)).toContain(n);
  for (const d of declared) {
    // Only harmless defaults the deploy files assume; never a secret.
    expect(d.value, d.name).toMatch(/^(|app|false|\d+|http:\/\/localhost:\d+)$/);
  }
  expect(text).not.toMatch(JWT_PATTERN);
}

async function snapshot(caseName: string, files: Map<string, string>): Promise<void> {
  for (const [file, content] of files) await expect(content).toMatchFileSnapshot(path.join(SNAPSHOTS, caseName, file));
}

describe("a classic Lovable Vite SPA (fixtures/lovable-vite)", () => {
  it("gets an nginx image with history fallback and static host configs with the SPA rewrite", async () => {
    const { result, files, findings } = await emit(path.join(FIXTURES, "lovable-vite"));
    await snapshot("lovable-vite", files);
    expect([...files.keys()].sort()).toEqual([
      ".dockerignore",
      ".env.example",
      "Dockerfile",
      "docker-compose.yml",
      "docker/nginx.conf",
      "docker/postgres-init/10-restore-export.sh",
      "fly.toml",
      "netlify.toml",
      "railway.json",
      "render.yaml",
      "vercel.json",
    ]);
    expect(result.project.packageManager.name).toBe("npm");
    const stages = checkDockerfile(files.get("Dockerfile")!, { port: 8080, buildArgs: [] });
    expect(stages[0]!.runs).toEqual(["npm ci", "npm run build"]);
    expect(stages[0]!.copies[0]).toEqual({ from: null, sources: ["package.json", "package-lock.json"], destination: "./" });
    expect(runtimeStage(stages).copies).toContainEqual({
      from: "build",
      sources: ["/app/dist"],
      destination: "/usr/share/nginx/html",
    });
    const nginx = files.get("docker/nginx.conf")!;
    expect(nginx).toContain("try_files $uri $uri/ /index.html;");
    expect(nginx).toMatch(/location \/assets\/ \{[^}]*max-age=31536000, immutable/);
    expect(nginx).toMatch(/location = \/index\.html \{[^}]*no-cache/);
    // The hard-coded client cannot be pointed at self-hosted services: said, not guessed.
    expect(findings).toContain("deploy-supabase-client-hardcoded");
    checkEnvExample(files.get(".env.example")!, ["LOVABLE_API_KEY", "POSTGRES_PASSWORD"]);
    expect(files.get(".env.example")).toContain("# LOVABLE_API_KEY: read by supabase/functions/suggest-tasks/index.ts");
  });
});

describe("a Bolt Vite app on Supabase (fixtures/bolt-vite)", () => {
  it("requires each VITE_* as a build argument, runs PostgREST and GoTrue behind one gateway, and keeps the owner's netlify.toml", async () => {
    const { files, findings } = await emit(path.join(FIXTURES, "bolt-vite"));
    await snapshot("bolt-vite", files);
    const vite = ["VITE_SUPABASE_ANON_KEY", "VITE_SUPABASE_SERVICE_ROLE_KEY", "VITE_SUPABASE_URL"];
    checkDockerfile(files.get("Dockerfile")!, { port: 8080, buildArgs: vite });
    expect(findings).toContain("deploy-secret-build-arg");

    // Never overwritten: ours goes beside it.
    expect(files.has("netlify.toml")).toBe(false);
    const netlify = parseToml(files.get("netlify.toml.ownit")!) as any;
    expect(netlify.redirects).toEqual([{ from: "/*", to: "/index.html", status: 200 }]);
    expect(findings).toContain("deploy-file-beside");

    const compose = parseYaml(files.get("docker-compose.yml")!);
    expect(Object.keys(compose.services).sort()).toEqual(["app", "auth", "db", "gateway", "rest"]);
    expect(compose.services.rest.image).toBe(POSTGREST_IMAGE);
    expect(compose.services.auth.image).toBe(GOTRUE_IMAGE);
    for (const s of Object.values<any>(compose.services)) if (s.image) expect(s.image.split(":")[1]).toMatch(PINNED_TAG);
    // Postgres 18 refuses a volume at /var/lib/postgresql/data.
    expect(compose.services.db.volumes).toContain("db-data:/var/lib/postgresql");
    expect(compose.services.db.volumes).toContain("./ownit-export:/ownit-export:ro");
    expect(compose.services.db.volumes).toContain("./docker/postgres-init:/docker-entrypoint-initdb.d:ro");
    expect(files.get("docker-compose.yml")).toContain("only (an empty volume)");
    // Secrets come from .env, and compose refuses to start without them.
    expect(compose.services.db.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(compose.services.rest.environment.PGRST_JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
    expect(compose.services.auth.environment.GOTRUE_JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?/);
    expect(compose.services.rest.environment.PGRST_DB_URI).toBe(
      "postgres://authenticator:${AUTHENTICATOR_PASSWORD:?set AUTHENTICATOR_PASSWORD in .env (node docker/supabase-keys.mjs prints one)}@db:5432/${POSTGRES_DB:-app}",
    );
    expect(compose.services.app.build.args.VITE_SUPABASE_URL).toBe("${PUBLIC_URL:-http://localhost:8080}");
    expect(compose.services.app.build.args.VITE_SUPABASE_ANON_KEY).toMatch(/^\$\{SUPABASE_ANON_KEY:\?/);
    expect(compose.services.gateway.ports).toEqual(["${GATEWAY_PORT:-8080}:8080"]);
    expect(files.get("docker-compose.yml")).not.toMatch(JWT_PATTERN);
    const gateway = files.get("docker/supabase-gateway.conf")!;
    expect(gateway).toMatch(/location \/rest\/v1\/ \{\s*proxy_pass http:\/\/rest:3000\/;/);
    expect(gateway).toMatch(/location \/auth\/v1\/ \{\s*proxy_pass http:\/\/auth:9999\/;/);
    checkEnvExample(files.get(".env.example")!, [
      ...vite,
      "POSTGRES_PASSWORD",
      "JWT_SECRET",
      "SUPABASE_ANON_KEY",
      "SUPABASE_SERVICE_ROLE_KEY",
    ]);
    expect(files.get(".env.example")).toContain("A SECRET THE BUILD SHIPS TO EVERY BROWSER");
  });
});

describe("a Base44 export (fixtures/base44)", () => {
  it("before migration is a static SPA on Base44's backend: no database in compose", async () => {
    const { result, files } = await emit(path.join(FIXTURES, "base44"));
    await snapshot("base44", files);
    expect(result.project.runtime).toBe("static");
    expect(Object.keys(parseYaml(files.get("docker-compose.yml")!).services)).toEqual(["app"]);
    expect(files.get(".env.example")).toContain("BASE44_LEGACY_SDK_IMPORTS");
  });

  it("after migration runs its generated server on $PORT with /api/health, and the server's settings in compose and hosts", async () => {
    const { result, files, findings } = await emit(writeTree(base44WithServer, "base44-server"));
    await snapshot("base44-server", files);
    expect(result.project.runtime).toBe("node");
    const stages = checkDockerfile(files.get("Dockerfile")!, { port: 3000, buildArgs: [] });
    const runtime = runtimeStage(stages);
    expect(runtime.image).toBe("node:22.21.1-bookworm-slim");
    expect(runtime.user).toBe("node");
    expect(runtime.cmd).toBe('["npm", "start"]');
    expect(runtime.healthcheck).toContain("/api/health");
    expect(runtime.env.join(" ")).toContain("PORT=3000");
    const compose = parseYaml(files.get("docker-compose.yml")!);
    // Compose points DATABASE_URL at its db as the server's least-privilege role and blanks the owner's
    // secrets; every other setting comes from .env as it is (unset stays unset).
    expect(compose.services.app.environment).toEqual({
      DATABASE_URL:
        "postgres://ownit_app:${APP_DB_PASSWORD:?set APP_DB_PASSWORD in .env (letters and digits, see .env.example)}@db:5432/${POSTGRES_DB:-app}",
      DATABASE_OWNER_URL: "",
      POSTGRES_PASSWORD: "",
      APP_DB_PASSWORD: "",
      OWNER_DB_PASSWORD: "",
    });
    expect(compose.services.app.env_file).toEqual([".env"]);
    expect(compose.services.app.depends_on).toEqual({
      db: { condition: "service_healthy" },
      "db-setup": { condition: "service_completed_successfully" },
    });
    const fly = parseToml(files.get("fly.toml")!) as any;
    expect(fly.http_service.internal_port).toBe(3000);
    expect(fly.http_service.checks[0].path).toBe("/api/health");
    const render = parseYaml(files.get("render.yaml")!);
    expect(render.services[0]).toMatchObject({ runtime: "docker", healthCheckPath: "/api/health" });
    expect(render.services[0].envVars).toContainEqual({
      key: "DATABASE_URL",
      fromDatabase: { name: "base44-app-db", property: "connectionString" },
    });
    expect(render.services[0].envVars).toContainEqual({ key: "SESSION_SECRET", sync: false });
    // The server's .env.example keeps every line it had; deploy appends only the names it lacks.
    const example = files.get(".env.example")!;
    expect(example.startsWith("# Settings of the generated server\nDATABASE_URL=\nSESSION_SECRET=\nSMTP_URL=\n")).toBe(true);
    expect(example).toContain("(added by ownit deploy)");
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
    expect(example.match(/^DATABASE_URL=/gm)).toHaveLength(1);
    expect(files.has(".env.example.ownit")).toBe(false);
    // Static hosts cannot run the server.
    expect(files.has("vercel.json")).toBe(false);
    expect(files.has("netlify.toml")).toBe(false);
    expect(findings).toContain("deploy-target-skipped");
  });
});

describe("a TanStack Start app", () => {
  it("runs nitro's Node server as the Dockerfile's CMD, with Supabase wired to compose's gateway", async () => {
    const { files } = await emit(writeTree(tanstackStart, "crm-pulse"), "docker,fly,railway");
    await snapshot("tanstack-start", files);
    const stages = checkDockerfile(files.get("Dockerfile")!, {
      port: 3000,
      buildArgs: ["VITE_SUPABASE_PUBLISHABLE_KEY", "VITE_SUPABASE_URL"],
    });
    const runtime = runtimeStage(stages);
    expect(runtime.cmd).toBe('["node", ".output/server/index.mjs"]');
    expect(runtime.copies).toEqual([{ from: "build", sources: ["/app/.output"], destination: "./.output" }]);
    const compose = parseYaml(files.get("docker-compose.yml")!);
    expect(compose.services.app.environment).toMatchObject({
      SUPABASE_URL: "http://gateway:8080",
      SUPABASE_SERVICE_ROLE_KEY: expect.stringMatching(/^\$\{SUPABASE_SERVICE_ROLE_KEY:\?/),
    });
    // The app's server reads .env whole (env_file): every secret only compose's services use is blanked
    // there; the service_role key stays, because the app's own code reads it.
    expect(compose.services.app.env_file).toEqual([".env"]);
    const secrets = execFileSync(process.execPath, ["--input-type=module", "-e", files.get("docker/supabase-keys.mjs")!], {
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .map((line) => line.split("=")[0]!);
    for (const name of secrets.filter((n) => !/^SUPABASE_(ANON|SERVICE_ROLE)_KEY$/.test(n)))
      expect(compose.services.app.environment[name], name).toBe("");
    expect((parseToml(files.get("fly.toml")!) as any).http_service.internal_port).toBe(3000);
    expect(JSON.parse(files.get("railway.json")!)).toMatchObject({
      build: { builder: "DOCKERFILE", dockerfilePath: "Dockerfile" },
      deploy: { healthcheckPath: "/" },
    });
  });
});

describe("a server that connects with DATABASE_URL itself (pg in a Next app)", () => {
  it("is told at deploy that its compose role cannot change the schema, as a warning when a schema tool could migrate at start", async () => {
    const severityOf = async (tree: Tree) => {
      const plan = await buildPlan(detectProject(writeTree(tree, "order-desk")), [
        deployStep({ targets: parseTargets("docker"), strict: true }),
      ]);
      return plan.findings.find((f) => f.code === "deploy-app-role-no-ddl");
    };
    expect(await severityOf(nextWithPostgres)).toMatchObject({ severity: "info" });
    const pkg = JSON.parse(nextWithPostgres["package.json"] as string);
    const withPrisma = await severityOf({
      ...nextWithPostgres,
      "package.json": JSON.stringify({ ...pkg, devDependencies: { prisma: "^6.1.0" } }),
    });
    expect(withPrisma).toMatchObject({ severity: "medium" });
    expect(withPrisma!.message).toContain(
      'a migration prisma runs when the server starts fails with "permission denied for schema public"',
    );
    // A project with no server of its own reading DATABASE_URL is not told.
    expect(await severityOf(nextStandalone)).toBeUndefined();
  });
});

const spaCases: Array<[string, Tree, (stages: DockerStage[]) => void]> = [
  [
    "bun-only",
    bunOnly,
    (stages) => {
      // No bun version known: the pinned default, never an empty tag.
      expect(stages[0]!.image).toBe("oven/bun:1.2.20");
      expect(stages[0]!.runs).toContain("bun install --frozen-lockfile");
    },
  ],
  ["bun-declared", bunDeclared, (stages) => expect(stages[0]!.image).toBe("oven/bun:1.1.38")],
  [
    "pnpm",
    pnpmSpa,
    (stages) => {
      expect(stages[0]!.runs).toEqual([
        "corepack enable && corepack prepare pnpm@9.15.9 --activate",
        "pnpm install --frozen-lockfile",
        expect.stringContaining("missing="),
        "pnpm run build",
      ]);
    },
  ],
];

describe("package managers and output folders", () => {
  it.each(spaCases)("%s: installs with its lock and copies the configured outDir", async (name, tree, check) => {
    const { files } = await emit(writeTree(tree, name));
    await snapshot(name, files);
    const stages = checkDockerfile(files.get("Dockerfile")!, { port: 8080, buildArgs: ["VITE_API_URL"] });
    check(stages);
    expect(runtimeStage(stages).copies).toContainEqual({
      from: "build",
      sources: ["/app/build"],
      destination: "/usr/share/nginx/html",
    });
    expect(JSON.parse(files.get("vercel.json")!)).toMatchObject({
      outputDirectory: "build",
      rewrites: [{ source: "/(.*)", destination: "/index.html" }],
    });
    expect((parseToml(files.get("netlify.toml")!) as any).build.publish).toBe("build");
    const render = parseYaml(files.get("render.yaml")!);
    expect(render.services[0]).toMatchObject({
      runtime: "static",
      staticPublishPath: "./build",
      routes: [{ type: "rewrite", source: "/*", destination: "/index.html" }],
      envVars: [{ key: "VITE_API_URL", sync: false }],
    });
  });

  it("Next with standalone output copies the standalone server and its static files", async () => {
    const { files } = await emit(writeTree(nextStandalone, "next-shop"), "docker");
    await snapshot("next-standalone", files);
    const stages = checkDockerfile(files.get("Dockerfile")!, { port: 3000, buildArgs: ["NEXT_PUBLIC_SITE_NAME"] });
    expect(stages[0]!.runs).toContain("yarn install --frozen-lockfile");
    expect(runtimeStage(stages).copies.map((c) => `${c.sources[0]} ${c.destination}`)).toEqual([
      "/app/.next/standalone ./",
      "/app/.next/static ./.next/static",
      "/app/public ./public",
    ]);
    expect(runtimeStage(stages).cmd).toBe('["node", "server.js"]');
  });
});

describe("targets", () => {
  it("an unknown target is one clear error", () => {
    expect(() => parseTargets(["heroku"])).toThrow(/unknown deploy target "heroku"/);
  });

  it("a single target writes only its files and .env.example", async () => {
    const { files } = await emit(path.join(FIXTURES, "lovable-vite"), "vercel");
    expect([...files.keys()].sort()).toEqual([".env.example", "vercel.json"]);
  });
});
