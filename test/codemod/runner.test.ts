// The runner on a real temp project: one bad file does not stop the others, each is reported
// with its reason, markers become findings, and discovery finds every transform folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject } from "@ownit/core";
import { TRANSFORMS_DIR } from "ownit";
import {
  codemodStep,
  findCodemod,
  formatCounts,
  loadCodemod,
  loadCodemods,
  MAX_FILE_BYTES,
  runCodemod,
  type Codemod,
  type CodemodResult,
} from "@ownit/codemod";

const temp = mkdtempSync(path.join(os.tmpdir(), "ownit-runner-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(temp, "p-"));
  for (const [rel, content] of Object.entries({ "package.json": '{ "name": "p" }\n', ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** Renames every `oldName` identifier: enough to see which files were parsed and rewritten. */
const rename: Codemod = {
  name: "rename-old-name",
  description: "renames oldName to newName",
  builders: ["any"],
  files: ["src/**/*.{ts,tsx,js}"],
  mentions: ["oldName"],
  appliesTo: () => true,
  transform(file, { j }) {
    const root = j(file.source);
    const found = root.find(j.Identifier, { name: "oldName" });
    if (!found.size()) return undefined;
    found.forEach((p) => {
      p.node.name = "newName";
    });
    return root.toSource();
  },
};

async function plan(dir: string, codemod: Codemod, options: { paths?: string[]; threads?: number } = {}) {
  let result: CodemodResult | undefined;
  const planned = await buildPlan(detectProject(dir), [codemodStep(codemod, { ...options, onResult: (r) => (result = r) })]);
  return { planned, result: result! };
}

describe("codemod runner", () => {
  it("reports a syntax error with its line, skips binary, non-UTF-8 and huge files, and carries on", async () => {
    const dir = project({
      "src/a.ts": "export const oldName = 1;\n",
      "src/b.tsx": "export const view = <div>{oldName}</div>;\n",
      "src/broken.ts": "const ok = 1;\nconst oldName = ;\n",
      "src/binary.ts": Buffer.from([0x6f, 0x6c, 0x64, 0x00, 0x01]),
      "src/latin1.ts": Buffer.from("const oldName = 'caf\xe9';\n", "latin1"),
      "src/huge.js": `// oldName\n${"x".repeat(MAX_FILE_BYTES + 1)}`,
      "src/untouched.ts": "export const other = 2;\n",
    });
    const { planned, result } = await plan(dir, rename);
    expect(formatCounts(result.counts)).toBe("2 changed, 1 unchanged, 3 skipped, 1 failed");
    expect(result.files.find((f) => f.path === "src/broken.ts")).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^syntax error at line 2: /),
    });
    expect(result.files.filter((f) => f.status === "skipped").map((f) => [f.path, "reason" in f ? f.reason : ""])).toEqual([
      ["src/binary.ts", "binary file"],
      ["src/huge.js", "larger than 1024 KiB"],
      ["src/latin1.ts", "not UTF-8 text"],
    ]);
    expect(planned.changes.map((c) => [c.path, c.after?.toString()])).toEqual([
      ["src/a.ts", "export const newName = 1;\n"],
      ["src/b.tsx", "export const view = <div>{newName}</div>;\n"],
    ]);
    expect(planned.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "codemod-file-failed", file: "src/broken.ts" })]),
    );
  });

  it("parses .ts with the ts parser (angle-bracket casts) and .tsx with JSX", async () => {
    const dir = project({
      "src/cast.ts": "const n = <number>oldName;\n",
      "src/view.tsx": "const v = <b>{oldName as number}</b>;\n",
    });
    const { result } = await plan(dir, rename);
    expect(result.counts).toEqual({ changed: 2, unchanged: 0, skipped: 0, failed: 0 });
  });

  it("keeps untouched code byte for byte and only visits the paths asked for", async () => {
    const source = "import  {x}from './x'\n\nexport   const oldName = x ;   // spacing kept\n";
    const dir = project({ "src/keep/a.ts": source, "src/other/b.ts": source });
    const { planned } = await plan(dir, rename, { paths: ["src/keep"] });
    expect(planned.changes.map((c) => c.path)).toEqual(["src/keep/a.ts"]);
    expect(planned.changes[0]!.after!.toString()).toBe(source.replace("oldName", "newName"));
  });

  it("respects .gitignore and never lists node_modules, dist or timestamp leftovers", async () => {
    const dir = project({
      ".gitignore": "generated/\n",
      "src/a.ts": "oldName;\n",
      "src/generated/g.ts": "oldName;\n",
      "node_modules/pkg/src/i.ts": "oldName;\n",
      "dist/src/d.js": "oldName;\n",
    });
    const { result } = await plan(dir, { ...rename, files: ["**/*.{ts,js}"] });
    expect(result.files.map((f) => f.path)).toEqual(["src/a.ts"]);
  });

  it("lists ownit-todo markers as findings with file and line", async () => {
    const dir = project({ "src/a.ts": "const a = 1;\n// ownit-todo: replace oldName with your own API\noldName();\n" });
    const marker: Codemod = { ...rename, mentions: undefined, transform: () => undefined };
    const { planned } = await plan(dir, marker);
    expect(planned.findings).toEqual([
      expect.objectContaining({ code: "ownit-todo", file: "src/a.ts", line: 2, message: "replace oldName with your own API" }),
    ]);
  });

  it("runs project-level edits after the per-file pass, on the same plan", async () => {
    const dir = project({ "src/a.ts": "oldName;\n" });
    const seen: string[] = [];
    const both: Codemod = { ...rename, project: (ctx) => void seen.push(ctx.files.read("src/a.ts")!) };
    const ctx = (await buildPlan(detectProject(dir), [])).context;
    await runCodemod(both, ctx);
    expect(seen).toEqual(["newName;\n"]);
  });

  it("discovers every folder under transforms/ as a codemod, and names the unknown ones clearly", async () => {
    const all = await loadCodemods(TRANSFORMS_DIR);
    expect(all.map((c) => c.name)).toContain("remove-lovable-tagger");
    await expect(findCodemod("no-such-transform", TRANSFORMS_DIR)).rejects.toThrow(/no transform named "no-such-transform"/);
  });
});

/**
 * A codemod in its own folder (so worker threads can load it): renames oldName, reports which
 * thread did each file, spends a few milliseconds per file like a real parse, and on a file that
 * says CRASH takes its worker down with it (on the main thread it throws instead). Until a worker
 * has done a file (it leaves WORKER_STARTED), the main thread spends 50 ms a file: on a loaded
 * machine a worker may take longer to start than the main thread needs for every file at 3 ms.
 */
const THREADED_CODEMOD = `
import { existsSync, writeFileSync } from "node:fs";
import { isMainThread, threadId } from "node:worker_threads";
const WORKER_STARTED = new URL("./worker-started", import.meta.url);
export default {
  name: "threaded-rename",
  description: "renames oldName and says which thread did it",
  builders: ["any"],
  files: ["src/**/*.ts"],
  appliesTo: () => true,
  transform(file, api) {
    if (!isMainThread && !existsSync(WORKER_STARTED)) writeFileSync(WORKER_STARTED, "");
    const until = Date.now() + (isMainThread && !existsSync(WORKER_STARTED) ? 50 : 3);
    while (Date.now() < until);
    if (file.source.includes("CRASH")) {
      if (isMainThread) throw new Error("crashed on purpose");
      process.exit(3);
    }
    api.share(threadId);
    return file.source.replace(/oldName/g, "newName");
  },
  project(ctx, shared) {
    ctx.files.write("threads.json", JSON.stringify([...new Set(shared.map((s) => s.data))].sort()));
  },
};
`;

function threadedCodemodFolder(): string {
  const folder = mkdtempSync(path.join(temp, "transforms-"));
  // ESM like the repository's own transforms/ (whose package.json says "type": "module").
  writeFileSync(path.join(folder, "package.json"), '{ "type": "module" }\n');
  writeFileSync(path.join(folder, "index.ts"), THREADED_CODEMOD);
  return folder;
}

function manyFiles(count: number, crashEvery = 0): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++)
    files[`src/f${String(i).padStart(4, "0")}.ts`] =
      crashEvery && i % crashEvery === crashEvery - 1 ? "// CRASH\n" : `export const oldName${i} = ${i};\n`;
  return files;
}

describe("codemod runner on many files", () => {
  it("shares the files between the main thread and worker threads, with the same result as one thread", async () => {
    const codemod = await loadCodemod(threadedCodemodFolder());
    const dir = project(manyFiles(400));
    const serial = await plan(dir, codemod, { threads: 1 });
    const parallel = await plan(dir, codemod, { threads: 3 });
    expect(formatCounts(parallel.result.counts)).toBe("400 changed, 0 unchanged, 0 skipped, 0 failed");
    const edits = (p: typeof serial.planned) =>
      p.changes.filter((c) => c.path !== "threads.json").map((c) => [c.path, c.after!.toString()]);
    expect(edits(parallel.planned)).toEqual(edits(serial.planned));
    expect(JSON.parse(serial.planned.changes.find((c) => c.path === "threads.json")!.after!.toString())).toEqual([0]);
    const threads = JSON.parse(parallel.planned.changes.find((c) => c.path === "threads.json")!.after!.toString()) as number[];
    expect(threads.length, `threads that did work: ${threads.join(", ")}`).toBeGreaterThan(1);
  });

  it("a file that kills its worker thread fails alone; every other file is still transformed", async () => {
    const codemod = await loadCodemod(threadedCodemodFolder());
    const dir = project(manyFiles(400, 40));
    const { result } = await plan(dir, codemod, { threads: 3 });
    expect(formatCounts(result.counts)).toBe("390 changed, 0 unchanged, 0 skipped, 10 failed");
    const reasons = result.files.filter((f) => f.status === "failed").map((f) => ("reason" in f ? f.reason : ""));
    expect(
      reasons.some((r) => r.includes("the worker thread died (exit code 3)")),
      reasons.join("\n"),
    ).toBe(true);
  });

  it("keeps a byte-order mark on the files it rewrites", async () => {
    const dir = project({ "src/bom.ts": "\uFEFFexport const oldName = 1;\n" });
    const { planned } = await plan(dir, rename);
    expect(planned.changes[0]!.after!.toString()).toBe("\uFEFFexport const newName = 1;\n");
  });
});
