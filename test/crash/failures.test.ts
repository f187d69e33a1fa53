// An unlucky machine and a careless user: a full disk, a read-only file, a damaged run record, a
// stale git lock, a detached HEAD, a rebase stopped half-way, two migrates at once, and a migrate
// run again after a crash. Each ends byte-identical (or refused before anything is written) with
// one line and exit 1, never a stack or "internal error".
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns, Run } from "@ownit/core";
import { capturedCli, cleanupTemp, git, gitInit, tempDir, treeFingerprint } from "../helpers/project";
import { bundleChild, removeChildBundle, runChild } from "./harness";
import { crashSteps, writeCrashProject } from "./steps";

beforeAll(bundleChild);
afterAll(() => {
  removeChildBundle();
  cleanupTemp();
});

function project(useGit = true): { dir: string; before: Record<string, string>; head?: string } {
  const dir = tempDir("ownit-fail-");
  writeCrashProject(dir);
  if (useGit) gitInit(dir);
  return { dir, before: treeFingerprint(dir), head: useGit ? git(dir, "rev-parse", "HEAD") : undefined };
}

/** Runs fn with an injected write fault (the write layer's test hook), then clears it. */
async function withWriteFault<T>(fault: string, fn: () => Promise<T>): Promise<T> {
  process.env.OWNIT_TEST_WRITE_FAULT = fault;
  try {
    return await fn();
  } finally {
    delete process.env.OWNIT_TEST_WRITE_FAULT;
  }
}

/** Makes a file impossible to write: immutable for root (chattr +i), read-only for anyone else. */
function makeReadOnly(file: string): () => void {
  if (process.getuid?.() === 0) {
    const r = spawnSync("chattr", ["+i", file]);
    if (r.status !== 0) throw new Error(`chattr +i failed (${r.stderr}): install e2fsprogs, or run the suite as a normal user`);
    return () => execFileSync("chattr", ["-i", file]);
  }
  execFileSync("chmod", ["0444", file]);
  return () => execFileSync("chmod", ["0644", file]);
}

describe("a write error while applying", () => {
  it("a full disk (ENOSPC) at the fifth file puts every file back and exits 1 naming the file", async () => {
    const p = project();
    const cli = capturedCli({ steps: crashSteps });
    const code = await withWriteFault("ENOSPC:railway.json", () => cli.run("migrate", p.dir, "--yes"));
    expect(code).toBe(1);
    expect(cli.stderr[0]).toBe(`error cannot write ${path.join(p.dir, "railway.json")}: no space left on the device (ENOSPC)`);
    expect(cli.stderr.join("\n")).toContain("free some disk space");
    expect(treeFingerprint(p.dir)).toEqual(p.before);
    expect(git(p.dir, "rev-parse", "HEAD")).toBe(p.head);
    expect(git(p.dir, "status", "--porcelain")).toBe("");
    expect(git(p.dir, "tag", "--list")).toBe("");
    expect(listRuns(p.dir)[0]).toMatchObject({ status: "failed" });
  });

  it("a full disk while writing the run record leaves the project as it was and blocks no later command", async () => {
    const p = project(false);
    const cli = capturedCli({ steps: crashSteps });
    expect(await withWriteFault("ENOSPC:manifest.json", () => cli.run("migrate", p.dir, "--yes"))).toBe(1);
    expect(cli.stderr[0]).toMatch(
      /^error cannot write .*manifest\.json\.tmp-\d+-\w+: no space left on the device \(ENOSPC\)$|^error cannot write .*manifest\.json: no space left/,
    );
    expect(treeFingerprint(p.dir)).toEqual(p.before);
    const after = capturedCli({ steps: crashSteps });
    expect(await after.run("runs", p.dir), after.stderr.join("\n")).toBe(0);
    expect(await after.run("migrate", p.dir, "--yes"), after.stderr.join("\n")).toBe(0);
  });

  it("a read-only file puts every file already written back and exits 1 naming the file", async () => {
    const p = project();
    const file = path.join(p.dir, "src/auth.ts");
    const restore = makeReadOnly(file);
    try {
      const cli = capturedCli({ steps: crashSteps });
      expect(await cli.run("migrate", p.dir, "--yes")).toBe(1);
      expect(cli.stderr[0]).toMatch(
        new RegExp(
          `^error cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: (the operation is not permitted \\(EPERM\\)|permission denied \\(EACCES\\))$`,
        ),
      );
      expect(cli.stderr.join("\n")).not.toContain("internal error");
    } finally {
      restore();
    }
    expect(treeFingerprint(p.dir)).toEqual(p.before);
    expect(git(p.dir, "rev-parse", "HEAD")).toBe(p.head);
    expect(git(p.dir, "status", "--porcelain")).toBe("");
    expect(listRuns(p.dir)[0]).toMatchObject({ status: "failed" });
  });
});

describe("a damaged run record", () => {
  it("a 0-byte manifest.json is named with how to recover, and runs, migrate and rollback still work", async () => {
    const p = project();
    const damaged = path.join(p.dir, ".ownit/runs/20260101-000000-dead");
    mkdirSync(path.join(damaged, "files"), { recursive: true });
    writeFileSync(path.join(damaged, "manifest.json"), "");
    const cli = capturedCli({ steps: crashSteps });
    expect(await cli.run("runs", p.dir), cli.stderr.join("\n")).toBe(0);
    expect(cli.stderr[0]).toBe(
      `warning the record of run 20260101-000000-dead is damaged (${path.join(damaged, "manifest.json")}: empty)`,
    );
    expect(cli.stderr[1]).toContain(`the original bytes of the files it touched are in ${path.join(damaged, "files")}`);
    expect(await cli.run("migrate", p.dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    expect(await cli.run("rollback", p.dir), cli.stderr.join("\n")).toBe(0);
    expect(treeFingerprint(p.dir)).toEqual(p.before);
  });
});

describe("git states a run must not commit into", () => {
  it("a stale .git/index.lock is a one-line user error, and the tree is untouched", async () => {
    const p = project();
    writeFileSync(path.join(p.dir, ".git/index.lock"), "");
    const cli = capturedCli({ steps: crashSteps });
    expect(await cli.run("migrate", p.dir, "--yes")).toBe(1);
    expect(cli.stderr[0]).toBe(`error git is locked: ${path.join(p.dir, ".git/index.lock")} exists`);
    expect(cli.stderr[1]).toContain("if none is, delete");
    expect(treeFingerprint(p.dir)).toEqual(p.before);
    expect(git(p.dir, "tag", "--list")).toBe("");
  });

  it("a detached HEAD is refused with the reason, before anything is written", async () => {
    const p = project();
    git(p.dir, "checkout", "-q", "--detach");
    const cli = capturedCli({ steps: crashSteps });
    expect(await cli.run("migrate", p.dir, "--yes")).toBe(1);
    expect(cli.stderr[0]).toBe(`error ${p.dir}: HEAD is detached: a commit would sit on no branch`);
    expect(treeFingerprint(p.dir)).toEqual(p.before);
    expect(listRuns(p.dir)).toEqual([]);
  });

  it("a rebase stopped at `edit` is refused with the reason", async () => {
    const p = project();
    writeFileSync(path.join(p.dir, "notes.md"), "one\n");
    git(p.dir, "add", "notes.md");
    git(p.dir, "commit", "-qm", "notes");
    execFileSync("git", ["rebase", "-q", "-i", "HEAD~1"], {
      cwd: p.dir,
      env: { ...process.env, GIT_SEQUENCE_EDITOR: "sed -i s/^pick/edit/", GIT_EDITOR: "true" },
      stdio: "ignore",
    });
    const before = treeFingerprint(p.dir);
    const cli = capturedCli({ steps: crashSteps });
    expect(await cli.run("migrate", p.dir, "--yes")).toBe(1);
    expect(cli.stderr[0]).toBe(`error ${p.dir}: a rebase is in progress: a commit would become part of it`);
    expect(treeFingerprint(p.dir)).toEqual(before);
  });
});

describe("two runs at once", () => {
  it("two migrates started together on one project record exactly one run; the other says why in one line", async () => {
    const p = project(false);
    const [a, b] = [capturedCli({ steps: crashSteps }), capturedCli({ steps: crashSteps })];
    const codes = await Promise.all([a.run("migrate", p.dir, "--yes"), b.run("migrate", p.dir, "--yes")]);
    expect(codes.sort()).toEqual([0, 1]);
    expect(listRuns(p.dir).map((r) => r.status)).toEqual(["applied"]);
    const loser = codes[0] === 1 ? a : b;
    expect([...a.stderr, ...b.stderr].join("\n")).toMatch(
      /error (another ownit migrate \(pid \d+, since .*\) is working on|.* changed after the plan was made)/,
    );
    expect(loser.stderr.join("\n")).not.toContain("internal error");
  });

  it("two migrate processes on one git project: exactly one run, tagged once", async () => {
    const p = project();
    const results = await Promise.all([runChild(["migrate", p.dir, "--yes"]), runChild(["migrate", p.dir, "--yes"])]);
    // The second either is refused by the lock (exit 1, one line) or starts after the first finished
    // and finds nothing to change (exit 0): never a bug, never a second run.
    const codes = results.map((r) => r.code);
    expect(codes.every((c) => c === 0 || c === 1) && codes.includes(0), results.map((r) => r.stderr).join("\n")).toBe(true);
    for (const r of results.filter((r) => r.code === 1))
      expect(r.stderr.replace(/\x1b\[[0-9;]*m/g, "")).toMatch(
        /error (another ownit migrate \(pid \d+, since .*\) is working on|.* changed after the plan was made)/,
      );
    expect(listRuns(p.dir).filter((r) => r.status === "applied")).toHaveLength(1);
    expect(git(p.dir, "tag", "--list").split("\n")).toHaveLength(2);
    expect(git(p.dir, "rev-list", "--count", "HEAD")).toBe("2");
  });
});

describe("a run that is still working", () => {
  it("is not mistaken for an interrupted one: `runs` leaves it in progress, a second migrate is refused", async () => {
    const p = project(false);
    const live = Run.start(p.dir, { command: "migrate", summary: "still working" });
    try {
      const cli = capturedCli({ steps: crashSteps });
      expect(await cli.run("runs", p.dir)).toBe(0);
      expect(cli.stderr.join("\n")).not.toContain("recovered");
      expect(listRuns(p.dir)[0]).toMatchObject({ id: live.id, status: "in-progress" });
      expect(await cli.run("migrate", p.dir, "--yes")).toBe(1);
      expect(cli.stderr.at(-2)).toMatch(/^error another ownit migrate \(pid \d+, since .*\) is working on /);
    } finally {
      live.finish();
    }
    expect(listRuns(p.dir).map((r) => r.status)).toEqual(["applied"]);
  });
});

describe("migrate again after a crash", () => {
  it("a migrate killed mid-write on a tree without git is undone first and the new migrate is clean", async () => {
    const clean = project(false);
    expect(await capturedCli({ steps: crashSteps }).run("migrate", clean.dir, "--yes")).toBe(0);
    const migrated = treeFingerprint(clean.dir);

    const p = project(false);
    const killed = await runChild(["migrate", p.dir, "--yes"], { OWNIT_TEST_KILL_AT: "write-file#5" });
    expect(killed.signal).toBe("SIGKILL");
    // Half-migrated: some files written, railway.json not yet.
    expect(treeFingerprint(p.dir)).not.toEqual(p.before);
    const cli = capturedCli({ steps: crashSteps });
    expect(await cli.run("migrate", p.dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    expect(cli.stderr.join("\n")).toMatch(
      /^recovered run \S+ \(migrate\) was interrupted at write-files; undone: 6 file\(s\) put back/,
    );
    expect(treeFingerprint(p.dir)).toEqual(migrated);
    expect(readFileSync(path.join(p.dir, "src/auth.ts"), "utf8")).not.toContain("lovable");
    expect(listRuns(p.dir).map((r) => r.status)).toEqual(["applied", "failed"]);
  });
});
