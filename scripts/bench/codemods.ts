// `npm run bench`: how fast the codemods are on a 2,000-file Lovable-shaped app, against two
// baselines measured in the same run:
//   floor      @babel/parser over every JS/TS file once, one thread: the least any tool that
//              understands the code must spend (target: `ownit migrate --dry-run` ≤ 3× this)
//   jscodeshift the same per-file transforms run by the jscodeshift CLI, one invocation per
//              transform, as one would without ownit's runner (target: ownit faster)
// plus what the worker threads buy on a codemod that must parse every file, the packaged CLI's
// start-up (`ownit --version`, `--help`) against `node -e 0` (target ≤ 150 ms), and keeping the builder:
//   sync-builder after 50 builder commits touching 200 files, against a fresh `ownit migrate` of the
//              same tree (target: ≤ 2×)
// and a real-shaped large project (lovable-large-app.ts: shadcn/ui, 120 edge functions, 420
// migrations, 2,400 files): `migrate --dry-run` against its own parse floor, and `ownit rollback`
// of an applied migrate of it (target ≤ 1 s)
// Usage: npm run bench [-- --files 2000 --runs 3 --keep]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse, type ParserOptions, type ParserPlugin } from "@babel/parser";
import { build, type Plugin } from "esbuild";
import { buildPlan, detectProject } from "@ownit/core";
import { codemodsFor, codemodStep, loadCodemod, type CodemodResult } from "@ownit/codemod";
import { TRANSFORMS_DIR } from "ownit";
import { writeLovableApp } from "./lovable-app";
import { EDGE_FUNCTIONS, MIGRATIONS, writeLargeLovableApp } from "./lovable-large-app";
import { GIT_ENV, syncBenchmark } from "./sync-builder";
import { buildPackage } from "../package/build";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const FILES = option("files", 2000);
const RUNS = option("runs", 3);
const KEEP = args.includes("--keep");
const SCRIPT = /\.(?:[cm]?[jt]sx?)$/;
const LARGE_FILES = option("large-files", 2400);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`;
const row = (label: string, value: string, note = "") =>
  console.log(`  ${label.padEnd(62)} ${value.padStart(10)}${note ? `   ${note}` : ""}`);

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const out = fn();
  return [out, performance.now() - start];
}

/** The floor: read and parse every JS/TS file once with @babel/parser, options as ownit's parser. */
function parseFloor(dir: string, files: string[]): number {
  const plugins = (kind: "ts" | "tsx"): ParserPlugin[] => [...(kind === "tsx" ? (["jsx"] as ParserPlugin[]) : []), "typescript"];
  const options = (file: string): ParserOptions => ({
    sourceType: "module",
    tokens: true,
    errorRecovery: true,
    plugins: plugins(/\.[cm]?ts$/.test(file) ? "ts" : "tsx"),
  });
  // Warm the parser's code paths first, as a long-running tool would be.
  for (const file of files.slice(0, 50)) parse(readFileSync(path.join(dir, file), "utf8"), options(file));
  const [, took] = time(() => {
    for (const file of files) parse(readFileSync(path.join(dir, file), "utf8"), options(file));
  });
  return took;
}

/** The packaged CLI (dist/ownit, built by `npm run build`): what `npx ownit` runs. */
let packagedBin = "";
/** `node -e 0` in this run: what any fresh process costs on the machine as loaded now. */
let nodeStart = 0;

/** A fresh process running the packaged CLI (or plain node), wall clock. */
function wallClock(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: "utf8" });
  const took = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return took;
}

/** `ownit --version` and `--help` against `node -e 0`, medians of interleaved runs. */
async function startUp(): Promise<void> {
  const { dir } = await buildPackage();
  packagedBin = path.join(dir, "dist", "ownit.mjs");
  const runs = Math.max(RUNS, 11);
  const cases = { node: ["-e", "0"], version: [packagedBin, "--version"], help: [packagedBin, "--help"] };
  const times: Record<keyof typeof cases, number[]> = { node: [], version: [], help: [] };
  for (const args of Object.values(cases)) wallClock(args); // warm the file cache
  for (let i = 0; i < runs; i++)
    for (const [name, args] of Object.entries(cases)) times[name as keyof typeof cases].push(wallClock(args));
  const baseline = median(times.node);
  nodeStart = baseline;
  row("baseline: node -e 0 (a fresh process, wall clock)", ms(baseline), `median of ${runs}`);
  for (const name of ["version", "help"] as const) {
    const took = median(times[name]);
    row(
      `ownit --${name} (packaged CLI)`,
      ms(took),
      `${(took / baseline).toFixed(2)}× node -e 0; target ≤ 150 ms ${took <= 150 ? "met" : "MISSED"}`,
    );
  }
  console.log();
}

/** `ownit migrate --dry-run` as a user runs it: a fresh process of the packaged CLI, wall clock. */
function migrateDryRun(dir: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [packagedBin, "migrate", dir, "--dry-run"], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const took = performance.now() - start;
  if (result.status !== 0) throw new Error(`ownit migrate --dry-run failed: ${result.stderr}`);
  return took;
}

/** How many files the per-file passes listed, read past the text filter and parsed. */
async function passCounts(dir: string): Promise<{ codemods: number; listed: number; parsed: number }> {
  const project = detectProject(dir);
  const results: CodemodResult[] = [];
  const codemods = await codemodsFor(project, TRANSFORMS_DIR);
  await buildPlan(
    project,
    codemods.map((c) => codemodStep(c, { onResult: (r) => results.push(r) })),
    {},
  );
  const listed = results.reduce((n, r) => n + r.files.length, 0);
  return { codemods: codemods.length, listed, parsed: results.reduce((n, r) => n + r.transformed, 0) };
}

/**
 * Each transform bundled as a jscodeshift transform module: the same text filter, the same
 * transform function, the project facts detected once per worker process.
 */
const importMetaPerFile: Plugin = {
  name: "import-meta-per-file",
  setup(b) {
    b.onLoad({ filter: /[\\/](packages|transforms)[\\/].*\.ts$/ }, (args) => ({
      loader: "ts",
      contents: readFileSync(args.path, "utf8")
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
    }));
  },
};

async function jscodeshiftAdapters(work: string, names: string[]): Promise<Map<string, string>> {
  // Third-party modules stay outside the adapters, as in the package: each workspace declares its own.
  const workspaces = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;
  const thirdParty = workspaces
    .flatMap((w) =>
      Object.keys(
        (JSON.parse(readFileSync(path.join(REPO, w, "package.json"), "utf8")) as { dependencies?: object }).dependencies ?? {},
      ),
    )
    .filter((name) => !name.startsWith("@ownit/"));
  const out = new Map<string, string>();
  for (const name of names) {
    const entry = path.join(work, `${name}.adapter.ts`);
    writeFileSync(
      entry,
      `import { readFileSync } from "node:fs";
import path from "node:path";
import { detectProject } from "@ownit/core";
import { jscodeshiftFor } from "@ownit/codemod";
import codemod from ${JSON.stringify(path.join(REPO, "transforms", name, "index.ts"))};
const root = process.env.BENCH_ROOT!;
const project = detectProject(root);
const mentions = codemod.mentions;
export default async function transformer(file: { path: string; source: string }) {
  if (mentions && !mentions.some((m) => (typeof m === "string" ? file.source.includes(m) : m.test(file.source)))) return undefined;
  const rel = path.relative(root, file.path).split(path.sep).join("/");
  const api = { get j() { return jscodeshiftFor(rel); }, project, options: {}, report() {}, share() {},
    read: (p: string) => { try { return readFileSync(path.join(root, p), "utf8"); } catch { return undefined; } } };
  const result = await codemod.transform!({ path: rel, source: file.source }, api as never);
  return result ?? undefined;
}
`,
    );
    const outfile = path.join(work, `${name}.cjs`);
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      nodePaths: [path.join(REPO, "node_modules")],
      platform: "node",
      format: "cjs",
      target: "node20",
      logLevel: "error",
      external: [...new Set(thirdParty)],
      plugins: [importMetaPerFile],
    });
    out.set(name, outfile);
  }
  return out;
}

/** The jscodeshift CLI over the tree, once per transform, dry, wall clock in total. */
function jscodeshiftRuns(dir: string, adapters: Map<string, string>): number {
  const bin = path.join(REPO, "node_modules/.bin/jscodeshift");
  const start = performance.now();
  for (const adapter of adapters.values()) {
    execFileSync(
      bin,
      [
        "--no-babel",
        "-t",
        adapter,
        "--dry",
        "--silent",
        "--parser=tsx",
        "--extensions=ts,tsx,js,jsx,mjs,mts,html,json",
        "--ignore-pattern=**/node_modules/**",
        dir,
      ],
      {
        // The bundles live in a temp folder: their packages come from the repository's node_modules.
        env: { ...process.env, BENCH_ROOT: dir, NODE_PATH: path.join(REPO, "node_modules") },
        stdio: "ignore",
      },
    );
  }
  return performance.now() - start;
}

/** Where the parse-everything codemod looks: 6 of the 20 features, about 450 components. */
const EVERY_FILE_GLOB = "src/components/{task,project,invoice,customer,booking,message}/**/*.tsx";

/**
 * A codemod that must parse every file it is given (no text filter), on one thread and on all of
 * them, alternating so that a burst of other work on the machine hits both; medians of wall and
 * CPU time.
 */
async function parseEverything(
  dir: string,
  work: string,
): Promise<{ files: number; serial: number; parallel: number; serialCpu: number; parallelCpu: number; threads: number }> {
  const folder = path.join(work, "parse-everything");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    path.join(folder, "index.ts"),
    `export default { name: "parse-everything", description: "counts JSX elements", builders: ["any"], files: [${JSON.stringify(EVERY_FILE_GLOB)}],
  appliesTo: () => true,
  transform(file, { j }) { j(file.source).find(j.JSXElement).size(); return undefined; } };\n`,
  );
  const codemod = await loadCodemod(folder);
  const project = detectProject(dir);
  const threads = os.availableParallelism();
  let files = 0;
  const measure = async (n: number) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await buildPlan(project, [codemodStep(codemod, { threads: n, onResult: (r) => (files = r.transformed) })], {});
    const used = process.cpuUsage(cpu);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
  };
  const serial: Array<{ wall: number; cpu: number }> = [];
  const parallel: Array<{ wall: number; cpu: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    serial.push(await measure(1));
    parallel.push(await measure(threads));
  }
  return {
    files,
    threads,
    serial: median(serial.map((m) => m.wall)),
    parallel: median(parallel.map((m) => m.wall)),
    serialCpu: median(serial.map((m) => m.cpu)),
    parallelCpu: median(parallel.map((m) => m.cpu)),
  };
}

/** A fresh process of the packaged CLI in dir, wall clock. */
function packaged(dir: string, ...args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [packagedBin, ...args, dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const took = performance.now() - start;
  if (result.status !== 0) throw new Error(`ownit ${args.join(" ")} failed: ${result.stderr}`);
  return took;
}

/** The real-shaped large project: `migrate --dry-run` against its parse floor, then an applied migrate and its rollback. */
function largeProject(work: string): void {
  const dir = path.join(work, "large-app");
  const files = writeLargeLovableApp(dir, LARGE_FILES);
  const scripts = files.filter((f) => SCRIPT.test(f) && !f.includes("node_modules/"));
  console.log(
    `\n  real-shaped large Lovable project: ${files.length.toLocaleString("en-US")} files (${scripts.length.toLocaleString("en-US")} JS/TS; src/components/ui, src/integrations/supabase, ${EDGE_FUNCTIONS} edge functions, ${MIGRATIONS} migrations)`,
  );
  const floor = median(Array.from({ length: RUNS }, () => parseFloor(dir, scripts)));
  row("floor: @babel/parser, every JS/TS file once, 1 thread", ms(floor), `median of ${RUNS}`);
  migrateDryRun(dir);
  const dry = median(Array.from({ length: RUNS }, () => migrateDryRun(dir)));
  row(
    "ownit migrate --dry-run (a fresh CLI process, wall clock)",
    ms(dry),
    `${(dry / floor).toFixed(2)}× the floor (target ≤ 3×) ${dry / floor <= 3 ? "met" : "MISSED"}`,
  );
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: GIT_ENV, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "exported from Lovable");
  const rollbacks: number[] = [];
  let changed = 0;
  for (let i = 0; i < RUNS; i++) {
    packaged(dir, "migrate", "--yes");
    changed = git("diff", "--name-only", "HEAD~1", "HEAD").split("\n").filter(Boolean).length;
    rollbacks.push(packaged(dir, "rollback"));
    if (git("status", "--porcelain") || git("log", "--oneline").split("\n").length !== 1)
      throw new Error("ownit rollback did not put the project back to its one commit");
  }
  const rollback = median(rollbacks);
  row(
    `ownit rollback of the applied migrate (${changed} files changed; a fresh CLI process)`,
    ms(rollback),
    `target ≤ 1 s ${rollback <= 1000 ? "met" : "MISSED"}; median of ${RUNS}; node -e 0 took ${ms(nodeStart)} in this run`,
  );
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), "ownit-bench-"));
  const dir = path.join(work, "app");
  const files = writeLovableApp(dir, FILES);
  const scripts = files.filter((f) => SCRIPT.test(f) && !f.includes("node_modules/"));
  const bytes = scripts.reduce((n, f) => n + readFileSync(path.join(dir, f)).length, 0);
  console.log(
    `ownit codemod benchmark: ${files.length.toLocaleString("en-US")}-file Lovable-shaped app (${scripts.length.toLocaleString("en-US")} JS/TS files, ${(bytes / 1e6).toFixed(1)} MB), ${os.availableParallelism()} cores, node ${process.version}`,
  );
  console.log(`  app in ${dir}${KEEP ? "" : " (removed at the end; --keep to keep it)"}\n`);
  await startUp();

  const floors = Array.from({ length: RUNS }, () => parseFloor(dir, scripts));
  const floor = median(floors);
  row("floor: @babel/parser, every JS/TS file once, 1 thread", ms(floor), `median of ${RUNS}`);

  migrateDryRun(dir); // warm the file cache, as a second run of the CLI would be
  const migrate = median(Array.from({ length: RUNS }, () => migrateDryRun(dir)));
  const ratio = migrate / floor;
  row(
    "ownit migrate --dry-run (a fresh CLI process, wall clock)",
    ms(migrate),
    `${ratio.toFixed(2)}× the floor (target ≤ 3×) ${ratio <= 3 ? "met" : "MISSED"}`,
  );
  const counts = await passCounts(dir);
  row(
    `  ${counts.codemods} codemods; per-file passes listed ${counts.listed} files`,
    `${counts.parsed}`,
    "files parsed (the rest never passed their codemod's text filter)",
  );

  const codemods = (await codemodsFor(detectProject(dir), TRANSFORMS_DIR)).filter((c) => c.transform).map((c) => c.name);
  const adapters = await jscodeshiftAdapters(work, codemods);
  const jscs = jscodeshiftRuns(dir, adapters);
  row(
    `jscodeshift CLI, the same ${adapters.size} per-file transforms (default --cpus)`,
    ms(jscs),
    `ownit ${(jscs / migrate).toFixed(2)}× faster${jscs > migrate ? "" : " (MISSED)"}`,
  );

  const every = await parseEverything(dir, work);
  row(`a codemod parsing all of ${every.files} components (recast): 1 thread`, ms(every.serial), `CPU ${ms(every.serialCpu)}`);
  row(
    `  the same on ${every.threads} threads (main + ${every.threads - 1} worker${every.threads > 2 ? "s" : ""})`,
    ms(every.parallel),
    `CPU ${ms(every.parallelCpu)}, ${(every.serial / every.parallel).toFixed(2)}× the speed of 1 thread`,
  );
  const sync = syncBenchmark(work, FILES, RUNS);
  const syncRatio = sync.sync / sync.migrate;
  row(
    `ownit migrate --yes of the builder's tree (${sync.files.toLocaleString("en-US")} files, a fresh repo)`,
    ms(sync.migrate),
    `median of ${RUNS}`,
  );
  row(
    `ownit sync-builder --yes: ${sync.commits} builder commits, ${sync.touched} files`,
    ms(sync.sync),
    `${syncRatio.toFixed(2)}× the fresh migrate (target ≤ 2×) ${syncRatio <= 2 ? "met" : "MISSED"}`,
  );
  largeProject(work);
  console.log(
    `\n  load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.availableParallelism()} cores: other work on the machine shares these figures`,
  );

  if (!KEEP) rmSync(work, { recursive: true, force: true });
}

await main();
