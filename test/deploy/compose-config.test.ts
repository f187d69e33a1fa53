// docker-compose.yml as Debian's docker-compose reads it (`docker-compose config` validates the file
// and interpolates .env without an engine): every migrated fixture's file is valid with the secrets
// docker/supabase-keys.mjs prints, refuses to start on the .env.example placeholders, and pins every image.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture, gitInit } from "../helpers/project";

afterAll(cleanupTemp);

function composeConfig(dir: string): { code: number; output: string; stdout: string } {
  const run = spawnSync("docker-compose", ["-f", "docker-compose.yml", "config"], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  if (run.error) throw new Error(`docker-compose is missing: install Debian's docker-compose package (${String(run.error)})`);
  return { code: run.status ?? 1, output: `${run.stdout}${run.stderr}`, stdout: run.stdout };
}

describe.each(["lovable-vite", "lovable-tanstack", "bolt-vite", "base44"])(
  "docker-compose config on the migrated %s fixture",
  (fixture) => {
    const ready = (async () => {
      const dir = copyFixture(fixture);
      gitInit(dir);
      const cli = capturedCli();
      if ((await cli.run("migrate", dir, "--yes")) !== 0) throw new Error(cli.stderr.join("\n"));
      return dir;
    })();

    it("with .env.example copied as it ships, compose refuses to start and names the missing secret", async () => {
      const dir = await ready;
      copyFileSync(path.join(dir, ".env.example"), path.join(dir, ".env"));
      const { code, output } = composeConfig(dir);
      const compose = YAML.parse(readFileSync(path.join(dir, "docker-compose.yml"), "utf8"));
      expect(compose.services.db, "every migrated fixture runs a database").toBeDefined();
      expect(code).not.toBe(0);
      expect(output).toMatch(/set [A-Z_]+ in \.env/);
    });

    it("with the secrets docker/supabase-keys.mjs prints it is valid, and every image is pinned to a version", async () => {
      const dir = await ready;
      const compose = YAML.parse(readFileSync(path.join(dir, "docker-compose.yml"), "utf8"));
      const keys = compose.services.gateway
        ? execFileSync(process.execPath, [path.join(dir, "docker/supabase-keys.mjs")], { encoding: "utf8" })
        : fixture === "base44"
          ? "POSTGRES_PASSWORD=0123456789abcdef\nAPP_DB_PASSWORD=app0123456789\nOWNER_DB_PASSWORD=owner0123456789\n"
          : "POSTGRES_PASSWORD=0123456789abcdef\n";
      writeFileSync(path.join(dir, ".env"), keys);
      const { code, output, stdout } = composeConfig(dir);
      expect(code, output).toBe(0);
      const resolved = YAML.parse(stdout);
      for (const [name, service] of Object.entries(resolved.services as Record<string, { image?: string; build?: unknown }>)) {
        if (!service.image) {
          expect(service.build, `${name} has an image or a build`).toBeDefined();
          continue;
        }
        expect(service.image, name).toMatch(/^[a-z0-9./-]+:[a-z0-9._-]*\d[a-z0-9._-]*$/);
        expect(service.image, name).not.toMatch(/:latest$/);
      }
    });
  },
);

describe("docker-compose config on the migrated base44 fixture: the server's least-privilege role", () => {
  it("the app logs in as ownit_app after db-setup ran as the owner, and its container never holds the owner's or the superuser's password", async () => {
    const dir = copyFixture("base44");
    gitInit(dir);
    const cli = capturedCli();
    expect(await cli.run("migrate", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    const secrets = {
      POSTGRES_PASSWORD: "super0123456789",
      APP_DB_PASSWORD: "app0123456789",
      OWNER_DB_PASSWORD: "owner0123456789",
    };
    const env = Object.entries(secrets).map(([k, v]) => `${k}=${v}\n`);
    // The owner's .env also holds the URL db:setup uses on their machine.
    writeFileSync(
      path.join(dir, ".env"),
      [...env, "DATABASE_OWNER_URL=postgres://ownit_owner:owner0123456789@db/app\n"].join(""),
    );
    const { code, output, stdout } = composeConfig(dir);
    expect(code, output).toBe(0);
    const { services } = YAML.parse(stdout);
    expect(services.app.environment.DATABASE_URL).toBe("postgres://ownit_app:app0123456789@db:5432/app");
    // env_file: .env would hand the app every secret in it; environment blanks the ones it must not have.
    for (const name of ["POSTGRES_PASSWORD", "OWNER_DB_PASSWORD", "DATABASE_OWNER_URL"])
      expect(services.app.environment[name]).toBe("");
    expect(JSON.stringify(services.app)).not.toMatch(/owner0123456789|super0123456789/);
    expect(services.app.depends_on["db-setup"]).toEqual({ condition: "service_completed_successfully" });
    expect(services["db-setup"].command).toEqual(["npm", "run", "db:setup"]);
    expect(services["db-setup"].environment).toEqual({
      DATABASE_OWNER_URL: "postgres://ownit_owner:owner0123456789@db:5432/app",
      DATABASE_URL: "postgres://ownit_app:app0123456789@db:5432/app",
    });
    // The owner's URL is db:setup's alone: hosts are never told to give it to the server.
    for (const host of ["render.yaml", "fly.toml", "railway.json"])
      expect(readFileSync(path.join(dir, host), "utf8"), host).not.toContain("DATABASE_OWNER_URL");
    // Each password reaches the db service, whose first start creates the roles with them.
    expect(services.db.environment).toMatchObject(secrets);

    // A missing server password stops compose, naming it.
    writeFileSync(path.join(dir, ".env"), env.filter((l) => !l.startsWith("APP_DB")).join(""));
    const missing = composeConfig(dir);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain("set APP_DB_PASSWORD in .env");
  });
});
