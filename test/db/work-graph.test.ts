// The job graph the staged restore runs on its connections (work-graph.ts): order, table holds,
// how many run at once, and what a failure or a cycle does.
import { describe, expect, it } from "vitest";
import { chainCosts, runGraph, type GraphJob } from "@ownit/db";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** Runs jobs on `workers` workers, recording starts and ends in order. */
async function trace(jobs: GraphJob[], workers: number, fail?: string) {
  const events: string[] = [];
  const running = new Set<string>();
  let most = 0;
  const overlaps: string[][] = [];
  const result = runGraph(
    jobs,
    Array.from({ length: workers }, (_, i) => i),
    async (job) => {
      events.push(`start ${job.id}`);
      running.add(job.id);
      most = Math.max(most, running.size);
      overlaps.push([...running].sort());
      await tick();
      running.delete(job.id);
      events.push(`end ${job.id}`);
      if (job.id === fail) throw new Error(`${job.id} broke`);
    },
  );
  return { result, events, most: () => most, overlaps };
}

const job = (id: string, after: string[] = [], tables: string[] = [], cost = 0, shared = false): GraphJob => ({
  id,
  after,
  tables,
  cost,
  shared,
});

describe("runGraph", () => {
  it("starts a job only after the jobs it waits for, the longest chain of work first, on every worker", async () => {
    const jobs = [
      job("load a", [], ["a"], 10),
      job("load b", [], ["b"], 20),
      job("load c", [], ["c"], 5),
      job("index a", ["load a"], ["a"], 9),
      job("fk a-b", ["load a", "load b", "index a"], ["a", "b"], 1),
    ];
    const t = await trace(jobs, 2);
    await t.result;
    const at = (e: string) => t.events.indexOf(e);
    expect(t.events.slice(0, 2)).toEqual(["start load b", "start load a"]);
    expect(at("start index a")).toBeGreaterThan(at("end load a"));
    expect(at("start fk a-b")).toBeGreaterThan(Math.max(at("end load b"), at("end index a")));
    expect(t.most()).toBe(2);
    expect(t.events.filter((e) => e.startsWith("end"))).toHaveLength(5);
  });

  it("starts a small job first when a long chain waits on it", async () => {
    const t = await trace([job("big", [], [], 10), job("small", [], [], 1), job("chain", ["small"], [], 20)], 1);
    await t.result;
    expect(t.events.filter((e) => e.startsWith("start"))).toEqual(["start small", "start chain", "start big"]);
    expect(chainCosts([job("big", [], [], 10), job("small", [], [], 1), job("chain", ["small"], [], 20)])).toEqual(
      new Map([
        ["big", 10],
        ["small", 21],
        ["chain", 20],
      ]),
    );
  });

  it("never runs two jobs holding one table together, unless both hold it shared", async () => {
    const jobs = [
      job("index 1", [], ["t"], 3, true),
      job("index 2", [], ["t"], 3, true),
      job("primary key", [], ["t"], 2),
      job("analyze", [], ["t"], 1),
    ];
    const t = await trace(jobs, 3);
    await t.result;
    expect(t.most()).toBe(2);
    for (const together of t.overlaps.filter((o) => o.length > 1)) expect(together).toEqual(["index 1", "index 2"]);
  });

  it("after a failure starts nothing new, lets the running job finish, then throws the failure", async () => {
    const jobs = [job("a", [], [], 3), job("b", [], [], 2), job("c", ["a"], [], 1), job("d", [], [], 0)];
    const t = await trace(jobs, 2, "a");
    await expect(t.result).rejects.toMatchObject({ item: { id: "a" }, message: "a broke" });
    expect(t.events).toContain("end b");
    expect(t.events).not.toContain("start c");
    expect(t.events).not.toContain("start d");
  });

  it("names the jobs that wait on each other instead of hanging", async () => {
    const t = await trace([job("x", ["y"]), job("y", ["x"]), job("z")], 2);
    await expect(t.result).rejects.toThrow(/jobs wait on each other: (x, y|y, x)/);
    expect(t.events).toEqual(["start z", "end z"]);
  });
});
