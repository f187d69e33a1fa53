// kill -9 anywhere in `ownit migrate` and `ownit rollback`: the harness SIGKILLs a real child
// process at every point its journal passes (each step, each git call, each file written) and at
// random ones, then recovers (any command, here `runs`, for a migrate; `rollback` again for a
// rollback) and asserts the tree is byte-identical to before, HEAD,
// the index and the tags are as they were, and no index.lock or unfinished run is left.
import { cpSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "@ownit/core";
import { capturedCli, cleanupTemp, git, gitInit, tempDir, treeFingerprint } from "../helpers/project";
import { bundleChild, removeChildBundle, inPool, runChild, seededRandom, tracePoints } from "./harness";
import { crashSteps, writeCrashProject } from "./steps";

const KILLS_PER_COMMAND = 52;
/** Each kill is a process start: on two busy cores a command's 52 take one to two minutes. */
const HARNESS_TIMEOUT = 400_000;
const SEED = 9;

beforeAll(bundleChild);
afterAll(() => {
  removeChildBundle();
  cleanupTemp();
});

interface Sample {
  dir: string;
  useGit: boolean;
  before: Record<string, string>;
  head?: string;
}

const templates = new Map<string, Sample>();

/** A fresh copy of the sample project (with git or without, migrated or not), copied from one made once. */
async function sample(useGit: boolean, migrated = false): Promise<Sample> {
  const key = `${useGit}-${migrated}`;
  let template = templates.get(key);
  if (!template) {
    const dir = tempDir("ownit-kill-template-");
    writeCrashProject(dir);
    if (useGit) gitInit(dir);
    const base = { dir, useGit, before: treeFingerprint(dir), head: useGit ? git(dir, "rev-parse", "HEAD") : undefined };
    if (migrated) expect(await capturedCli({ steps: crashSteps }).run("migrate", dir, "--yes")).toBe(0);
    templates.set(key, (template = base));
  }
  const dir = tempDir("ownit-kill-");
  cpSync(template.dir, dir, { recursive: true });
  return { ...template, dir };
}

/** What is wrong with the project after recovery (empty: nothing). */
function problems(s: Sample): string[] {
  const out: string[] = [];
  const now = treeFingerprint(s.dir);
  if (JSON.stringify(now) !== JSON.stringify(s.before)) out.push(`tree differs: ${JSON.stringify(now)}`);
  const open = listRuns(s.dir).filter((r) => r.status === "in-progress" || r.status === "rolling-back");
  if (open.length) out.push(`runs left ${open.map((r) => r.status).join(", ")}`);
  if (s.useGit) {
    if (git(s.dir, "rev-parse", "HEAD") !== s.head) out.push("HEAD moved");
    const status = git(s.dir, "status", "--porcelain");
    if (status) out.push(`git status: ${status}`);
    const tags = git(s.dir, "tag", "--list");
    if (tags) out.push(`tags left: ${tags}`);
    if (existsSync(path.join(s.dir, ".git/index.lock"))) out.push("index.lock left");
  }
  return out;
}

/** The points to kill at: every one the traced run passes, then seeded random picks among them. */
function killPlan(
  traces: { useGit: boolean; points: string[] }[],
  total: number,
): { useGit: boolean; point: string; afterGitWork: boolean }[] {
  const plan = traces.flatMap((t) =>
    t.points.map((point, i) => ({ useGit: t.useGit, point, afterGitWork: t.useGit && gitWorkBefore(t.points, i) })),
  );
  const random = seededRandom(SEED);
  const all = [...plan];
  while (plan.length < total) plan.push(all[Math.floor(random() * all.length)]!);
  return plan;
}

/** Whether a git command that writes the index may have been running at this point (it is past a commit step). */
function gitWorkBefore(points: string[], index: number): boolean {
  const steps = points.slice(0, index + 1).map((p) => p.split("#")[0]);
  const lastGitStep = Math.max(steps.lastIndexOf("commit"), steps.lastIndexOf("rollback-git"));
  return (
    lastGitStep !== -1 &&
    steps.slice(lastGitStep).includes("git") &&
    !steps.slice(lastGitStep).some((p) => p === "tag" || p === "applied")
  );
}

async function killAndRecover(
  command: "migrate" | "rollback",
  kills: ReturnType<typeof killPlan>,
): Promise<{ recovered: number; failures: string[] }> {
  const failures: string[] = [];
  let recovered = 0;
  await inPool(kills, 2, async ({ useGit, point, afterGitWork }, i) => {
    const s = await sample(useGit, command === "rollback");
    const argv = command === "migrate" ? ["migrate", s.dir, "--yes"] : ["rollback", s.dir];
    const child = await runChild(argv, { OWNIT_TEST_KILL_AT: point });
    if (child.signal !== "SIGKILL") return void failures.push(`#${i} ${point}: not killed (exit ${child.code}) ${child.stderr}`);
    // A git killed with ownit (the whole process group) leaves its lock behind.
    if (afterGitWork) writeFileSync(path.join(s.dir, ".git/index.lock"), "");
    // The recovery: after a killed migrate any command (here `runs`) first finishes or undoes it, and
    // a run that got as far as "applied" is rolled back; a killed rollback is run again.
    const cli = capturedCli({ steps: crashSteps });
    let code = await cli.run(command === "migrate" ? "runs" : "rollback", s.dir);
    if (code === 0 && command === "migrate" && listRuns(s.dir)[0]?.status === "applied") code = await cli.run("rollback", s.dir);
    const wrong = code === 0 ? problems(s) : [`recovery exit ${code}: ${cli.stderr.join(" | ")}`];
    if (wrong.length) failures.push(`#${i} ${useGit ? "git" : "no-git"} ${point}: ${wrong.join("; ")}`);
    else recovered++;
  });
  return { recovered, failures };
}

describe("kill -9 during a run, then rollback", () => {
  it(
    "migrate killed at every journal step, git call and file write (and random points) is undone byte for byte",
    async () => {
      const traces = [];
      for (const useGit of [true, false]) {
        const s = await sample(useGit);
        traces.push({ useGit, points: await tracePoints(["migrate", s.dir, "--yes"]) });
      }
      expect(traces[0]!.points).toEqual(
        expect.arrayContaining(["start#1", "write-files#1", "write-file#1", "commit#1", "tag#1", "applied#1"]),
      );
      const kills = killPlan(traces, KILLS_PER_COMMAND);
      const { recovered, failures } = await killAndRecover("migrate", kills);
      console.log(`kill harness: migrate ${recovered}/${kills.length} recovered`);
      expect(failures).toEqual([]);
      expect(kills.length).toBeGreaterThanOrEqual(50);
    },
    HARNESS_TIMEOUT,
  );

  it(
    "rollback killed at every step resumes when run again and ends where the project began",
    async () => {
      const traces = [];
      for (const useGit of [true, false]) {
        const s = await sample(useGit, true);
        traces.push({ useGit, points: await tracePoints(["rollback", s.dir]) });
      }
      expect(traces[0]!.points).toEqual(expect.arrayContaining(["rollback-database#1", "rollback-files#1", "rollback-git#1"]));
      const kills = killPlan(traces, KILLS_PER_COMMAND);
      const { recovered, failures } = await killAndRecover("rollback", kills);
      console.log(`kill harness: rollback ${recovered}/${kills.length} recovered`);
      expect(failures).toEqual([]);
    },
    HARNESS_TIMEOUT,
  );
});
