// Every JWT-shaped string committed to this repository is a fixture key that could never work on a
// real project: either HMAC-signed with the fixture secret below, or carrying a signature that is
// plain text saying so. A real key pasted into a fixture by mistake fails this test; and no command
// prints a fixture key unredacted.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture, REPO_ROOT } from "../helpers/project";

afterAll(cleanupTemp);

/** The secret every signed fixture JWT uses; no Supabase project has it. */
const FIXTURE_JWT_SECRET = "fixture-secret-not-real";
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

function committedTokens(): Map<string, string[]> {
  const files = execFileSync("git", ["grep", "-lIE", JWT.source], { cwd: REPO_ROOT, encoding: "utf8" })
    .trim()
    .split("\n")
    .filter(Boolean);
  const found = new Map<string, string[]>();
  for (const file of files) {
    for (const [token] of readFileSync(path.join(REPO_ROOT, file), "utf8").matchAll(JWT))
      found.set(token, [...(found.get(token) ?? []), file]);
  }
  return found;
}

function isFixtureKey(token: string): boolean {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  if (createHmac("sha256", FIXTURE_JWT_SECRET).update(`${header}.${payload}`).digest("base64url") === signature) return true;
  // Unsigned test keys spell out that their signature is fake.
  return (
    /not-real|not-checked|wrongsignature/.test(Buffer.from(signature, "base64url").toString("latin1")) ||
    signature === "wrongsignature"
  );
}

describe("fixture keys", () => {
  const tokens = committedTokens();

  it("finds the fixture keys it guards", () => {
    expect(tokens.size).toBeGreaterThanOrEqual(5);
  });

  it("every committed JWT is a fixture key, never a real one", () => {
    const real = [...tokens].filter(([token]) => !isFixtureKey(token)).map(([, files]) => files.join(", "));
    expect(real, "re-sign these with the fixture secret, or make the signature say it is fake").toEqual([]);
  });

  it("a key signed with any other secret is caught", () => {
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
    const payload = Buffer.from('{"iss":"supabase","ref":"abcdefghijabcdefghij","role":"anon"}').toString("base64url");
    const other = createHmac("sha256", "some-real-project-secret").update(`${header}.${payload}`).digest("base64url");
    expect(isFixtureKey(`${header}.${payload}.${other}`)).toBe(false);
  });

  it("detect and a migrate dry run print none of them", async () => {
    for (const name of ["lovable-vite", "bolt-vite", "lovable-tanstack"]) {
      const dir = copyFixture(name);
      const cli = capturedCli();
      expect(await cli.run("detect", dir, "--json")).toBe(0);
      expect(await cli.run("migrate", dir, "--dry-run")).toBe(0);
      const printed = [...cli.stdout, ...cli.stderr].join("\n");
      for (const token of tokens.keys()) expect(printed.includes(token), `${name} printed a key`).toBe(false);
      expect(printed).not.toMatch(JWT);
    }
  });
});
