// What `ownit migrate` tells the owner about their data: where it lives now and the three commands
// that bring it home, whether or not there was code to change.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, copyFixture, tempDir } from "../helpers/project";

afterAll(cleanupTemp);

const noSteps = async () => [];

describe("migrate answers 'where does my data live?'", () => {
  it("a Supabase app: names the project and the dump, restore and verify commands", async () => {
    const dir = copyFixture("bolt-vite");
    const cli = capturedCli({ steps: noSteps });
    expect(await cli.run("migrate", dir, "--dry-run")).toBe(0);
    const out = cli.stdout.join("\n");
    expect(out).toContain("your data  lives in Supabase project mnbvcxzlkjhgfdsapoiu");
    expect(out).toContain(
      `npx ownit dump --from '<connection string: Supabase dashboard → Connect → Session pooler, port 5432>' --out ${dir}/ownit-export`,
    );
    expect(out).toContain(`npx ownit restore ${dir}/ownit-export --to <your postgres url>`);
    expect(out).toContain(`npx ownit verify ${dir}/ownit-export --against <that url>`);
  });

  it("a Base44 app: the API dump with the owner's key, and that users set a new password", async () => {
    const dir = copyFixture("base44");
    const cli = capturedCli({ steps: noSteps });
    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    const out = cli.stdout.join("\n");
    expect(out).toContain("nothing to change");
    expect(out).toContain("your data  lives in Base44 (app 68a1b2c3d4e5f60718293a4b)");
    expect(out).toContain(`BASE44_API_KEY=<your API key> npx ownit dump base44 --project ${dir}`);
    expect(out).toContain("set a new password");
  });

  it("an app with no hosted database says nothing about data", async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "plain", dependencies: { react: "^18.3.1", vite: "^5.4.1" } }),
    );
    const cli = capturedCli({ steps: noSteps });
    expect(await cli.run("migrate", dir, "--dry-run")).toBe(0);
    expect(cli.stdout.join("\n")).toContain("plan: 0 step(s)");
    expect(cli.stdout.join("\n")).not.toContain("your data");
  });
});
