// Detection as a user sees it: `ownit detect --json` names the builder with evidence, the stack
// and the findings, for every bundled export, nested exports and exports missing their markers.
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProjectFacts } from "@ownit/core";
import { capturedCli, cleanupTemp, copyFixture, FIXTURES } from "../helpers/project";

afterAll(cleanupTemp);

const EXPECTED_BUILDER: Record<string, string> = {
  "lovable-vite": "lovable-vite",
  "lovable-tanstack": "lovable-tanstack",
  "lovable-tanstack-v1": "lovable-tanstack",
  "bolt-vite": "bolt",
  base44: "base44",
};

const fixtures = readdirSync(FIXTURES).filter((name) => existsSync(path.join(FIXTURES, name, "package.json")));

async function detectJson(dir: string): Promise<ProjectFacts> {
  const cli = capturedCli();
  expect(await cli.run("detect", dir, "--json"), cli.stderr.join("\n")).toBe(0);
  return JSON.parse(cli.stdout.join("\n")) as ProjectFacts;
}

/** Machine-specific paths out, so the snapshot is the same on every machine. */
function portable(facts: ProjectFacts, root: string): string {
  return JSON.stringify(facts, null, 2).split(root).join("<root>") + "\n";
}

describe("ownit detect --json on every bundled export", () => {
  it("has the bundled fixtures", () => {
    expect(fixtures).toEqual(expect.arrayContaining(["lovable-vite", "bolt-vite"]));
  });

  for (const name of fixtures) {
    it(`${name}: names the builder and matches the snapshot`, async () => {
      const dir = copyFixture(name);
      const facts = await detectJson(dir);
      expect(facts.builder.id).toBe(EXPECTED_BUILDER[name] ?? "unknown");
      expect(facts.builder.evidence.length).toBeGreaterThan(0);
      await expect(portable(facts, dir)).toMatchFileSnapshot(`../__snapshots__/detect/${name}.json`);
    });
  }
});

describe("detection in the shapes exports really arrive in", () => {
  it("finds a ZIP export nested under project/", async () => {
    const base = copyFixture("bolt-vite", { nestUnder: "project" });
    const facts = await detectJson(base);
    expect(facts.nestedIn).toBe("project");
    expect(facts.root).toBe(path.join(base, "project"));
    expect(facts.builder.id).toBe("bolt");
  });

  it("still recognises a Bolt app whose .bolt/ folder was deleted", async () => {
    const dir = copyFixture("bolt-vite");
    rmSync(path.join(dir, ".bolt"), { recursive: true, force: true });
    const facts = await detectJson(dir);
    expect(facts.builder.id).toBe("bolt");
    expect(facts.builder.evidence.join(" ")).not.toContain(".bolt");
  });

  it("reports a service-role key exposed to the browser and a committed .env as findings", async () => {
    const dir = copyFixture("bolt-vite");
    const facts = await detectJson(dir);
    const codes = facts.findings.map((f) => f.code);
    expect(codes).toContain("secret-exposed-to-browser");
    expect(codes).toContain("env-file-committed");
    const exposed = facts.findings.find((f) => f.code === "secret-exposed-to-browser")!;
    expect(exposed.severity).toBe("high");
    expect(exposed.message).toContain("VITE_SUPABASE_SERVICE_ROLE_KEY");
  });

  it("reports hard-coded Supabase keys with file and line, and never prints the key", async () => {
    const dir = copyFixture("lovable-vite");
    const cli = capturedCli();
    expect(await cli.run("detect", dir, "--json")).toBe(0);
    const out = cli.stdout.join("\n");
    const facts = JSON.parse(out) as ProjectFacts;
    const jwt = facts.findings.find((f) => f.code === "jwt-in-source" && f.file === "src/integrations/supabase/client.ts");
    expect(jwt?.line).toBeGreaterThan(0);
    expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.eyJ/);
    expect(facts.supabase.projectRefs.length).toBe(1);
  });

  it("names a Base44 entity by its schema's name, not its file name", async () => {
    const dir = copyFixture("base44");
    writeFileSync(
      path.join(dir, "base44/entities/team-member.jsonc"),
      '{\n  // the builder writes kebab-case file names\n  "name": "TeamMember",\n  "type": "object",\n  "properties": {}\n}\n',
    );
    const facts = await detectJson(dir);
    expect(facts.base44.entityNames).toContain("TeamMember");
    expect(facts.base44.entityNames).not.toContain("team-member");
  });

  it("an unknown project is `unknown`, not a guess", async () => {
    const dir = copyFixture("bolt-vite");
    for (const entry of readdirSync(dir))
      if (entry !== "package.json") rmSync(path.join(dir, entry), { recursive: true, force: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "plain", dependencies: { react: "18.0.0" } }));
    const facts = await detectJson(dir);
    expect(facts.builder.id).toBe("unknown");
  });

  it("an export without package.json is a one-line error naming the file", async () => {
    const dir = copyFixture("bolt-vite");
    rmSync(path.join(dir, "package.json"));
    const cli = capturedCli();
    expect(await cli.run("detect", dir)).toBe(1);
    expect(cli.stderr[0]).toBe(`error ${path.join(dir, "package.json")} not found`);
  });
});
