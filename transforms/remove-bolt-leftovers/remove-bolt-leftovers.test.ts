// Fixture cases for remove-bolt-leftovers, plus what the run manifest must keep: the Bolt template,
// recorded before .bolt/ is deleted.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyCodemodOnce, defineTransformTests } from "@ownit/codemod/testing";
import { codemodStep, loadCodemod } from "@ownit/codemod";
import { applyPlan, buildPlan, detectProject } from "@ownit/core";

defineTransformTests(import.meta.dirname);

describe("remove-bolt-leftovers records what it deletes", () => {
  const temp = mkdtempSync(path.join(os.tmpdir(), "ownit-bolt-record-"));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it("keeps the Bolt template in the plan's records before .bolt/ goes", async () => {
    cpSync(path.join(import.meta.dirname, "__testfixtures__", "bolt-export", "input"), path.join(temp, "case"), {
      recursive: true,
    });
    const dir = path.join(temp, "case");
    const plan = await applyCodemodOnce(await loadCodemod(import.meta.dirname), dir);
    expect(plan.records.bolt).toMatchObject({
      template: "bolt-vite-react-ts",
      removed: expect.arrayContaining([".bolt/config.json", ".bolt/prompt"]),
    });
    expect(plan.changes.filter((c) => c.after === null).map((c) => c.path)).toEqual([
      ".bolt/config.json",
      ".bolt/ignore",
      ".bolt/prompt",
      ".bolt/supabase_discarded_migrations/20250101000000_first_try.sql",
      "vite.config.ts.timestamp-1736942400000-3fa91c2be07d4.mjs",
    ]);
  });

  it("leaves a project detection still knows as Bolt (the other signals remain)", async () => {
    const dir = path.join(temp, "bolt-vite");
    cpSync(path.join(import.meta.dirname, "..", "..", "fixtures", "bolt-vite"), dir, { recursive: true });
    // Applied as a run, the way `ownit transform` applies it (emptied folders go too).
    const plan = await buildPlan(detectProject(dir), [codemodStep(await loadCodemod(import.meta.dirname))]);
    await applyPlan(plan, { command: "transform", summary: "transform remove-bolt-leftovers" });
    const facts = detectProject(dir);
    expect(facts.builder.id).toBe("bolt");
    expect(facts.builder.evidence.join(" ")).not.toContain(".bolt");
  });
});
