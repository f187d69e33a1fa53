// Fixture tests for a transform in one line: `defineTransformTests(import.meta.dirname)` from
// transforms/<name>/<name>.test.ts. Cases live in transforms/<name>/__testfixtures__/:
//   <case>.input.<ext> + <case>.output.<ext>   one file (no output: it must stay unchanged), placed at
//                                              the path in <case>.path if present, else src/<case>.<ext>
//   <case>/input/** + <case>/output/**         a mini project; the whole tree is compared (created and
//                                              deleted files too); no output/: nothing may change
//   <case>.findings.json | <case>/findings.json expected findings (codes or partial objects; subset match)
//   <case>.options.json  | <case>/options.json  options passed to the codemod (e.g. { "pruneLocks": true })
// A project case may store its .gitignore as `gitignore` (no dot): inside this repository git would
// otherwise apply it to the case's own files and leave out, say, the .env.local a codemod writes.
// The helper lays it out as .gitignore and compares it under that name.
// A fixture file may hold a whole line `ownit-fixture-include: <path>` (relative to the transform's
// folder): it stands for that file's bytes, so a transform that writes a template (a generated
// server) does not keep a second copy of it in every case that expects it.
// Every case runs through the real plan (detectProject + buildPlan) on a temp copy, twice: the
// second pass must change nothing. appliesTo is not consulted: the fixtures test the rewrite itself.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import fg from "fast-glob";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan, detectProject, looksBinary, sha256, type Finding, type Plan } from "@ownit/core";
import { loadCodemod } from "./discover";
import { FILE_FAILED } from "./limits";
import { codemodStep } from "./steps";
import type { Codemod } from "./types";

export interface FixtureCase {
  name: string;
  /** The transform's folder, which `ownit-fixture-include:` paths are relative to. */
  baseDir: string;
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
        baseDir: path.dirname(fixturesDir),
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
        baseDir: path.dirname(fixturesDir),
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
  const files = fg
    .sync("**/*", {
      cwd: dir,
      dot: true,
      onlyFiles: true,
      ignore: ["**/.git/**", "**/.ownit/**", "**/node_modules/**", ...ignore],
    })
    .sort();
  return Object.fromEntries(
    files.map((f) => {
      const bytes = readFileSync(path.join(dir, f));
      return [
        f.replace(STORED_GITIGNORE, "$1.gitignore"),
        looksBinary(bytes) ? `<binary sha256 ${sha256(bytes)}>` : bytes.toString("utf8"),
      ];
    }),
  );
}

const FIXTURE_INCLUDE = /^ownit-fixture-include: (\S+)\r?\n?/gm;

/** A fixture text with every `ownit-fixture-include:` line replaced by the file it names. */
export function expandIncludes(text: string, baseDir: string): string {
  return text.replace(FIXTURE_INCLUDE, (_line, rel: string) => readFileSync(path.join(baseDir, rel), "utf8"));
}

function expandTree(tree: Record<string, string>, baseDir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([f, text]) => [f, expandIncludes(text, baseDir)]));
}

/** Expands the includes of every text file laid out in a temp project. */
function expandIncludesIn(dir: string, baseDir: string): void {
  for (const f of fg.sync("**/*", { cwd: dir, dot: true, onlyFiles: true })) {
    const abs = path.join(dir, f);
    const bytes = readFileSync(abs);
    if (looksBinary(bytes) || !bytes.includes("ownit-fixture-include: ")) continue;
    writeFileSync(abs, expandIncludes(bytes.toString("utf8"), baseDir));
  }
}

/** A case's .gitignore as the repository stores it (see the top of this file). */
const STORED_GITIGNORE = /(^|\/)gitignore$/;

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
    expect(actual, `expected a finding ${JSON.stringify(shape)}`).toEqual(
      expect.arrayContaining([expect.objectContaining(shape)]),
    );
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
    for (const stored of fg.sync("**/gitignore", { cwd: dir, dot: true, onlyFiles: true }))
      renameSync(path.join(dir, stored), path.join(dir, stored.replace(STORED_GITIGNORE, "$1.gitignore")));
  }
  expandIncludesIn(dir, c.baseDir);
  if (!existsSync(path.join(dir, "package.json"))) {
    writeFileSync(path.join(dir, "package.json"), MINIMAL_PACKAGE_JSON);
    synthetic = true;
  }

  const first = await applyCodemodOnce(codemod, dir, c.options);
  if (c.kind === "file") {
    const expected = expandIncludes(readFileSync(c.output ?? c.input, "utf8"), c.baseDir);
    const at = path.join(dir, c.projectPath!);
    expect(existsSync(at) ? readFileSync(at, "utf8") : "<deleted>", `${c.projectPath} after ${codemod.name}`).toBe(expected);
  } else {
    const ignore = synthetic ? ["package.json"] : [];
    expect(readTree(dir, ignore), `project tree after ${codemod.name}`).toEqual(
      expandTree(readTree(c.output ?? c.input, ignore), c.baseDir),
    );
  }
  expectFindings(first.findings, c.findings);

  const second = await applyCodemodOnce(returnsUndefinedWhenUnchanged(codemod), dir, c.options);
  expect(
    second.changes.map((ch) => ch.path),
    "a second run must change nothing (idempotency)",
  ).toEqual([]);
  expect(
    second.findings.filter((f) => f.code === FILE_FAILED).map((f) => `${f.file}: ${f.message}`),
    "a second run must answer undefined for every file",
  ).toEqual([]);
}

/** The codemod, made to fail a file whose text its transform hands back unchanged instead of answering undefined. */
function returnsUndefinedWhenUnchanged(codemod: Codemod): Codemod {
  const transform = codemod.transform;
  if (!transform) return codemod;
  return {
    ...codemod,
    async transform(file, api) {
      const out = await transform(file, api);
      if (out === file.source) throw new Error(`${codemod.name} returned the file unchanged: return undefined instead`);
      return out;
    },
  };
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
