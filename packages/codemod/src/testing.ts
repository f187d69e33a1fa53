// Fixture tests for a transform in one line: `defineTransformTests(import.meta.dirname)` from
// transforms/<name>/<name>.test.ts. Cases live in transforms/<name>/__testfixtures__/:
//   <case>.input.<ext> + <case>.output.<ext>   one file (no output: it must stay unchanged), placed at
//                                              the path in <case>.path if present, else src/<case>.<ext>
//   <case>/input/** + <case>/output/**         a mini project; the whole tree is compared (created and
//                                              deleted files too); no output/: nothing may change
//   <case>.findings.json | <case>/findings.json expected findings (codes or partial objects; subset match)
//   <case>.options.json  | <case>/options.json  options passed to the codemod (e.g. { "pruneLocks": true })
// Every case runs through the real plan (detectProject + buildPlan) on a temp copy, twice: the
// second pass must change nothing. appliesTo is not consulted: the fixtures test the rewrite itself.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fg from "fast-glob";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject, looksBinary, sha256, type Finding, type Plan } from "@ownit/core";
import { loadCodemod } from "./discover";
import { codemodStep } from "./steps";
import type { Codemod } from "./types";

export interface FixtureCase {
  name: string;
  kind: "file" | "project";
  /** file: the input file; project: the input folder. */
  input: string;
  /** Absent: the input must come out unchanged. */
  output?: string;
  /** file cases: where the file sits in the temp project. */
  projectPath?: string;
  findings?: Array<string | Partial<Finding>>;
  options: Record<string, unknown>;
}

const FILE_CASE = /^(.+)\.input\.(.+)$/;

/** Reads the cases in a __testfixtures__ folder. */
export function fixtureCases(fixturesDir: string): FixtureCase[] {
  if (!existsSync(fixturesDir)) return [];
  const entries = readdirSync(fixturesDir).sort();
  const json = (file: string) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);
  const cases: FixtureCase[] = [];
  for (const entry of entries) {
    const abs = path.join(fixturesDir, entry);
    const m = FILE_CASE.exec(entry);
    if (m && statSync(abs).isFile()) {
      const [, name, ext] = m as unknown as [string, string, string];
      const output = path.join(fixturesDir, `${name}.output.${ext}`);
      const pathFile = path.join(fixturesDir, `${name}.path`);
      cases.push({
        name,
        kind: "file",
        input: abs,
        output: existsSync(output) ? output : undefined,
        projectPath: existsSync(pathFile) ? readFileSync(pathFile, "utf8").trim() : `src/${name}.${ext}`,
        findings: json(path.join(fixturesDir, `${name}.findings.json`)),
        options: json(path.join(fixturesDir, `${name}.options.json`)) ?? {},
      });
    } else if (statSync(abs).isDirectory() && existsSync(path.join(abs, "input"))) {
      cases.push({
        name: entry,
        kind: "project",
        input: path.join(abs, "input"),
        output: existsSync(path.join(abs, "output")) ? path.join(abs, "output") : undefined,
        findings: json(path.join(abs, "findings.json")),
        options: json(path.join(abs, "options.json")) ?? {},
      });
    }
  }
  return cases;
}

/** Every file of a tree as path → text (binary files as their hash), skipping VCS and ledger folders. */
export function readTree(dir: string, ignore: string[] = []): Record<string, string> {
  const files = fg.sync("**/*", { cwd: dir, dot: true, onlyFiles: true, ignore: ["**/.git/**", "**/.ownit/**", "**/node_modules/**", ...ignore] }).sort();
  return Object.fromEntries(
    files.map((f) => {
      const bytes = readFileSync(path.join(dir, f));
      return [f, looksBinary(bytes) ? `<binary sha256 ${sha256(bytes)}>` : bytes.toString("utf8")];
    }),
  );
}

/** Plans the codemod on the project at dir and writes the result to disk (the temp copy). */
export async function applyCodemodOnce(codemod: Codemod, dir: string, options: Record<string, unknown> = {}): Promise<Plan> {
  const plan = await buildPlan(detectProject(dir), [codemodStep(codemod)], options);
  for (const change of plan.changes) {
    const abs = path.join(dir, change.path);
    if (change.after === null) {
      if (existsSync(abs)) unlinkSync(abs);
    } else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, change.after);
    }
  }
  return plan;
}

const MINIMAL_PACKAGE_JSON = `${JSON.stringify({ name: "fixture", private: true, type: "module" }, null, 2)}\n`;

function expectFindings(actual: Finding[], expected: FixtureCase["findings"]): void {
  if (!expected) return;
  for (const want of expected) {
    const shape = typeof want === "string" ? { code: want } : want;
    expect(actual, `expected a finding ${JSON.stringify(shape)}`).toEqual(expect.arrayContaining([expect.objectContaining(shape)]));
  }
}

/** Runs one case: lay it out in a temp project, apply, compare, apply again (must change nothing). */
export async function runFixtureCase(codemod: Codemod, c: FixtureCase, tempRoot: string): Promise<void> {
  const dir = mkdtempSync(path.join(tempRoot, `${c.name}-`));
  let synthetic = false;
  if (c.kind === "file") {
    const at = path.join(dir, c.projectPath!);
    mkdirSync(path.dirname(at), { recursive: true });
    cpSync(c.input, at);
  } else {
    cpSync(c.input, dir, { recursive: true });
  }
  if (!existsSync(path.join(dir, "package.json"))) {
    writeFileSync(path.join(dir, "package.json"), MINIMAL_PACKAGE_JSON);
    synthetic = true;
  }

  const first = await applyCodemodOnce(codemod, dir, c.options);
  if (c.kind === "file") {
    const expected = readFileSync(c.output ?? c.input, "utf8");
    const at = path.join(dir, c.projectPath!);
    expect(existsSync(at) ? readFileSync(at, "utf8") : "<deleted>", `${c.projectPath} after ${codemod.name}`).toBe(expected);
  } else {
    const ignore = synthetic ? ["package.json"] : [];
    expect(readTree(dir, ignore), `project tree after ${codemod.name}`).toEqual(readTree(c.output ?? c.input, ignore));
  }
  expectFindings(first.findings, c.findings);

  const second = await applyCodemodOnce(codemod, dir, c.options);
  expect(second.changes.map((ch) => ch.path), "a second run must change nothing (idempotency)").toEqual([]);
}

/** The whole fixture suite of one transform folder. */
export function defineTransformTests(transformDir: string): void {
  const name = path.basename(transformDir);
  const cases = fixtureCases(path.join(transformDir, "__testfixtures__"));
  const tempRoot = mkdtempSync(path.join(os.tmpdir(), `ownit-${name}-`));
  afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

  describe(`transform ${name}`, () => {
    it("has at least 3 fixture cases, one of which it must leave alone", () => {
      expect(cases.length).toBeGreaterThanOrEqual(3);
      expect(cases.some((c) => !c.output)).toBe(true);
    });
    it("exports a codemod named after its folder", async () => {
      const codemod = await loadCodemod(transformDir);
      expect(codemod.name).toBe(name);
    });
    for (const c of cases) {
      it(`${c.name}${c.output ? "" : " (left alone)"}`, async () => {
        await runFixtureCase(await loadCodemod(transformDir), c, tempRoot);
      });
    }
  });
}
