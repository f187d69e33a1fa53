// The run ledger as a user meets it: migrate applies one tagged run, rollback puts every byte
// back, a dirty tree is refused, and a run that fails part way leaves nothing behind.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject, listRuns, Run, type Step } from "@ownit/core";
import { capturedCli, cleanupTemp, git, gitInit, tempDir, treeFingerprint } from "../helpers/project";

afterAll(cleanupTemp);

/** A small project with an edit, a new file, a deleted file and a deleted folder to plan. */
function sampleProject(): string {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, "package.json"),
    `{\n  "name": "sample",\n  "devDependencies": { "lovable-tagger": "^1.1.0", "vite": "^5.0.0", "react": "^18.0.0" }\n}\n`,
  );
  mkdirSync(path.join(dir, "src"));
  writeFileSync(path.join(dir, "src/app.ts"), "export const builder = 'lovable';\r\n// keep CRLF bytes\r\n");
  mkdirSync(path.join(dir, ".lovable"));
  writeFileSync(path.join(dir, ".lovable/state.json"), "{}\n");
  writeFileSync(path.join(dir, "README.md"), "# Welcome to your Lovable project\n");
  writeFileSync(path.join(dir, "logo.bin"), Buffer.from([0, 1, 2, 255, 254]));
  return dir;
}

const sampleSteps = async (): Promise<Step[]> => [
  {
    id: "edit",
    title: "rewrite the app",
    kind: "codemod",
    plan: ({ files }) => files.write("src/app.ts", files.read("src/app.ts")!.replace("'lovable'", "'owned'")),
  },
  {
    id: "cleanup",
    title: "remove builder leftovers",
    kind: "cleanup",
    plan: ({ files }) => {
      files.removeDir(".lovable");
      files.remove("logo.bin");
    },
  },
  {
    id: "emit",
    title: "generate deploy files",
    kind: "emit",
    plan: ({ files }) => files.write("deploy/Dockerfile", "FROM node:20-alpine\n", { generated: true }),
  },
];

/** Runs fn while the disk "fills up" at the project's src/app.ts, the last file a sample run writes. */
async function withDiskFullAt<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  process.env.OWNIT_TEST_WRITE_FAULT = `ENOSPC:${path.join(dir, "src/app.ts")}`;
  try {
    return await fn();
  } finally {
    delete process.env.OWNIT_TEST_WRITE_FAULT;
  }
}

describe("migrate and rollback in a git repository", () => {
  it("tags the run, commits once with the run id, and rollback restores the tree byte for byte", async () => {
    const dir = sampleProject();
    gitInit(dir);
    const before = treeFingerprint(dir);
    const head = git(dir, "rev-parse", "HEAD");
    const cli = capturedCli({ steps: sampleSteps });

    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    const [run] = listRuns(dir);
    expect(run!.status).toBe("applied");
    expect(git(dir, "tag", "--list", "ownit/*").split("\n").sort()).toEqual([`ownit/${run!.id}`, `ownit/${run!.id}-before`]);
    expect(git(dir, "rev-parse", `ownit/${run!.id}-before`)).toBe(head);
    expect(git(dir, "rev-parse", `ownit/${run!.id}^{commit}`)).toBe(git(dir, "rev-parse", "HEAD"));
    expect(git(dir, "log", "-1", "--format=%B")).toContain(`Ownit-Run: ${run!.id}`);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(readFileSync(path.join(dir, "src/app.ts"), "utf8")).toBe("export const builder = 'owned';\r\n// keep CRLF bytes\r\n");
    expect(existsSync(path.join(dir, ".lovable"))).toBe(false);

    const manifest = JSON.parse(readFileSync(path.join(dir, ".ownit/runs", run!.id, "manifest.json"), "utf8"));
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual([
      ".lovable/state.json",
      "deploy/Dockerfile",
      "logo.bin",
      "src/app.ts",
    ]);
    const generated = manifest.files.find((f: { path: string }) => f.path === "deploy/Dockerfile");
    expect(generated).toMatchObject({ before: null, generated: true });
    expect(generated.after).toMatch(/^[0-9a-f]{64}$/);

    expect(await cli.run("rollback", dir)).toBe(0);
    expect(treeFingerprint(dir)).toEqual(before);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(listRuns(dir)[0]!.status).toBe("rolled-back");
  });

  it("refuses a dirty tree, naming the files, unless --allow-dirty", async () => {
    const dir = sampleProject();
    gitInit(dir);
    writeFileSync(path.join(dir, "notes.txt"), "work in progress\n");
    const cli = capturedCli({ steps: sampleSteps });
    expect(await cli.run("migrate", dir, "--yes")).toBe(1);
    expect(cli.stderr.join("\n")).toMatch(/uncommitted change\(s\).*notes\.txt/);
    expect(cli.stderr.join("\n")).toContain("--allow-dirty");
    expect(listRuns(dir)).toEqual([]);
    expect(git(dir, "tag", "--list")).toBe("");

    expect(await cli.run("migrate", dir, "--yes", "--allow-dirty")).toBe(0);
    // The owner's uncommitted work is neither committed nor lost.
    expect(git(dir, "status", "--porcelain")).toBe("?? notes.txt");
  });

  it("a run that fails after writing files puts every file back, drops its tag and exits non-zero", async () => {
    const dir = sampleProject();
    gitInit(dir);
    const before = treeFingerprint(dir);
    const head = git(dir, "rev-parse", "HEAD");
    const cli = capturedCli({ steps: sampleSteps });
    expect(await withDiskFullAt(dir, () => cli.run("migrate", dir, "--yes"))).toBe(1);
    expect(cli.stderr[0]).toBe(`error cannot write ${path.join(dir, "src/app.ts")}: no space left on the device (ENOSPC)`);
    expect(cli.stderr.join("\n")).not.toMatch(/\n\s+at /);
    expect(treeFingerprint(dir)).toEqual(before);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(git(dir, "tag", "--list")).toBe("");
    expect(listRuns(dir)[0]).toMatchObject({ status: "failed" });
  });

  it("rollback refuses, naming the file, when a file was edited after the run; --force overrides", async () => {
    const dir = sampleProject();
    gitInit(dir);
    const before = treeFingerprint(dir);
    const cli = capturedCli({ steps: sampleSteps });
    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    writeFileSync(path.join(dir, "src/app.ts"), "export const builder = 'mine now';\n");
    git(dir, "commit", "-qam", "owner edits after the run");
    expect(await cli.run("rollback", dir)).toBe(1);
    expect(cli.stderr.join("\n")).toMatch(/1 file\(s\) changed since run .*: src\/app\.ts/);
    expect(await cli.run("rollback", dir, "--force")).toBe(0);
    expect(treeFingerprint(dir)).toEqual(before);
    // History is kept: the rollback is a new commit on top of the owner's.
    expect(git(dir, "log", "-1", "--format=%s")).toMatch(/^ownit: rollback /);
  });
});

describe("migrate and rollback without git", () => {
  it("keeps the original bytes under .ownit/runs/<id>/ and restores them", async () => {
    const dir = sampleProject();
    const before = treeFingerprint(dir);
    const cli = capturedCli({ steps: sampleSteps });
    expect(await cli.run("migrate", dir, "--yes")).toBe(0);
    const [run] = listRuns(dir);
    expect(readFileSync(path.join(dir, ".ownit/runs", run!.id, "files/logo.bin"))).toEqual(Buffer.from([0, 1, 2, 255, 254]));
    expect(treeFingerprint(dir)).not.toEqual(before);
    expect(await cli.run("runs", dir)).toBe(0);
    expect(cli.stdout.join("\n")).toContain(run!.id);
    expect(await cli.run("rollback", dir, run!.id)).toBe(0);
    expect(treeFingerprint(dir)).toEqual(before);
    expect(await cli.run("rollback", dir, run!.id)).toBe(1);
    expect(cli.stderr.join("\n")).toContain("already rolled back");
  });

  it("a failing run leaves a project without git exactly as it was", async () => {
    const dir = sampleProject();
    const before = treeFingerprint(dir);
    const cli = capturedCli({ steps: sampleSteps });
    expect(await withDiskFullAt(dir, () => cli.run("migrate", dir, "--yes"))).toBe(1);
    expect(treeFingerprint(dir)).toEqual(before);
  });
});

describe("a run killed mid-write", () => {
  it("can still be rolled back from its manifest", async () => {
    const dir = sampleProject();
    gitInit(dir);
    const before = treeFingerprint(dir);
    const project = detectProject(dir);
    const plan = await buildPlan(project, await sampleSteps());
    // What a killed process leaves: originals kept, files written, no commit, no finish.
    const run = Run.start(dir, { command: "migrate", summary: "interrupted" });
    run.writeChanges(plan.changes);
    expect(treeFingerprint(dir)).not.toEqual(before);
    // The killed process's lock stays behind, naming a pid that no longer runs.
    const deadPid = spawnSync("true").pid;
    writeFileSync(
      path.join(dir, ".ownit/lock"),
      JSON.stringify({ pid: deadPid, command: "migrate", startedAt: "", host: hostname() }),
    );
    const cli = capturedCli();
    expect(await cli.run("rollback", dir)).toBe(0);
    expect(treeFingerprint(dir)).toEqual(before);
    expect(git(dir, "tag", "--list")).toBe("");
  });
});

describe("asking before writing", () => {
  it("--dry-run prints a unified diff and writes nothing", async () => {
    const dir = sampleProject();
    const before = treeFingerprint(dir);
    const cli = capturedCli({ steps: sampleSteps });
    expect(await cli.run("migrate", dir, "--dry-run")).toBe(0);
    const out = cli.stdout.join("\n");
    expect(out).toContain("--- a/src/app.ts\n+++ b/src/app.ts");
    expect(out).toContain("-export const builder = 'lovable';");
    expect(out).toContain("+++ b/deploy/Dockerfile");
    expect(out).toContain("Binary file logo.bin deleted");
    expect(treeFingerprint(dir)).toEqual(before);
    expect(existsSync(path.join(dir, ".ownit"))).toBe(false);
  });

  it("without --yes and without a terminal, refuses with what to pass", async () => {
    const dir = sampleProject();
    const cli = capturedCli({ steps: sampleSteps });
    expect(await cli.run("migrate", dir)).toBe(1);
    expect(cli.stderr.join("\n")).toContain("pass --yes");
  });

  it("asks when a person is there, and a no writes nothing", async () => {
    const dir = sampleProject();
    const before = treeFingerprint(dir);
    const cli = capturedCli({ steps: sampleSteps, interactive: true, answer: false });
    expect(await cli.run("migrate", dir)).toBe(0);
    expect(cli.stdout.join("\n")).toContain("nothing applied");
    expect(treeFingerprint(dir)).toEqual(before);
  });
});

describe("errors that reach users", () => {
  it("a missing folder is one line and a hint, exit 1", async () => {
    const cli = capturedCli();
    expect(await cli.run("detect", "/no/such/export")).toBe(1);
    expect(cli.stderr).toEqual(["error /no/such/export is not a folder", expect.stringContaining("hint")]);
  });

  it("a bug exits 2 without a stack unless --debug", async () => {
    const dir = sampleProject();
    const broken = async (): Promise<Step[]> => [
      {
        id: "bug",
        title: "buggy",
        kind: "codemod",
        plan: () => {
          throw new TypeError("cannot read properties of undefined");
        },
      },
    ];
    const cli = capturedCli({ steps: broken });
    expect(await cli.run("migrate", dir, "--yes")).toBe(2);
    expect(cli.stderr[0]).toBe("internal error cannot read properties of undefined");
    expect(cli.stderr.join("\n")).not.toMatch(/\n\s+at /);
  });
});
