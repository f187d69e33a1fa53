// "Where does my data live?": the evidence ownit reads from an export to tell the owner's own
// Supabase project from Lovable Cloud and Bolt Database, and the one question it asks when the
// code cannot tell.
import { renameSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectDataHost, detectProject } from "@ownit/core";
import { capturedCli, cleanupTemp, copyFixture } from "../helpers/project";

afterAll(cleanupTemp);

describe("where the data lives", () => {
  it("a 2026 Lovable TanStack app is on Lovable Cloud", () => {
    const host = detectDataHost(detectProject(copyFixture("lovable-tanstack")));
    expect(host.kind).toBe("lovable-cloud");
    expect(host.question).toBeUndefined();
  });

  it("a Bolt app whose migrations predate Bolt Database is the owner's own Supabase project", () => {
    const host = detectDataHost(detectProject(copyFixture("bolt-vite")));
    expect(host).toEqual({ kind: "own-supabase", evidence: [expect.stringContaining("predates Bolt Database (2025-09-30)")] });
  });

  it("a newer Bolt app is on Bolt Database, and ownit asks whether it was claimed", async () => {
    const dir = copyFixture("bolt-vite");
    const migrations = path.join(dir, "supabase", "migrations");
    renameSync(
      path.join(migrations, "20250301120000_sweet_forest.sql"),
      path.join(migrations, "20251104120000_sweet_forest.sql"),
    );
    renameSync(path.join(migrations, "20250302090000_quiet_river.sql"), path.join(migrations, "20251105090000_quiet_river.sql"));
    const host = detectDataHost(detectProject(dir));
    expect(host.kind).toBe("bolt-database");
    expect(host.question).toMatchObject({ yes: "bolt-database-claimed", no: "bolt-database" });

    const asked = capturedCli({ steps: async () => [], interactive: true, answer: false });
    expect(await asked.run("migrate", dir, "--dry-run")).toBe(0);
    const out = asked.stdout.join("\n");
    expect(out).toContain("your data  lives in Bolt Database");
    expect(out).toContain("let Bolt deploy it");
    expect(out).not.toContain("dashboard → Connect");

    const claimed = capturedCli({ steps: async () => [], interactive: true, answer: true });
    expect(await claimed.run("migrate", dir, "--dry-run")).toBe(0);
    expect(claimed.stdout.join("\n")).toContain("(claimed from Bolt); take it with you");
  });

  it("refuses an answer that is not a place", async () => {
    const cli = capturedCli();
    expect(await cli.run("detect", copyFixture("bolt-vite"), "--data-host", "my-laptop")).toBe(1);
    expect(cli.stderr[0]).toBe(
      "error --data-host my-laptop is not one of own-supabase, lovable-cloud, bolt-database, bolt-database-claimed, unknown",
    );
  });
});
