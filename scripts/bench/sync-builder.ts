// The sync-builder benchmark: the generated Lovable app migrated onto `owned`, then 50 builder
// commits on main touching 200 files (150 edited components, 50 new pages signing in through
// lovable.auth), then `ownit sync-builder --yes` against `ownit migrate --yes` of main's final tree
// in a fresh repository. Both are a fresh CLI process that applies and commits; each is rolled
// back between runs (not timed) so every run does the same work.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeLovableApp } from "./lovable-app";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const CLI = path.join(REPO, "packages/cli/bin/ownit.mjs");
/** Git's identity for the repositories the benches commit to. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@localhost",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@localhost",
};
const COMMITS = 50;
const EDITED_PER_COMMIT = 3;
const ADDED_PER_COMMIT = 1;

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, env: GIT_ENV, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }).trim();

function ownit(dir: string, ...args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args, dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const took = performance.now() - start;
  if (result.status !== 0) throw new Error(`ownit ${args.join(" ")} failed: ${result.stderr}`);
  return took;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A page the builder adds: Lovable's OAuth wrapper, which the cloud-auth codemod rewrites. */
const newPage = (i: number) => `import { lovable } from "@/integrations/lovable/index";

export default function SignIn${i}() {
  const signIn = async () => {
    const { error } = await lovable.auth.signInWithOAuth("google", { redirect_uri: window.location.origin });
    if (error) console.error(error.message);
  };
  return <button onClick={signIn}>Continue with Google ({${i}})</button>;
}
`;

export interface SyncFigures {
  files: number;
  commits: number;
  touched: number;
  sync: number;
  migrate: number;
}

export function syncBenchmark(work: string, files: number, runs: number): SyncFigures {
  const dir = path.join(work, "sync-app");
  writeLovableApp(dir, files);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "exported from the builder");
  ownit(dir, "migrate", "--yes", "--branch", "owned");

  // The builder's commits, on main: edits to components the codemods never touch, and new pages.
  git(dir, "switch", "-q", "main");
  const components = readdirSync(path.join(dir, "src/components/task"))
    .filter((f) => f.endsWith(".tsx"))
    .map((f) => `src/components/task/${f}`);
  const others = ["project", "invoice", "customer"].flatMap((e) =>
    readdirSync(path.join(dir, "src/components", e)).map((f) => `src/components/${e}/${f}`),
  );
  const editable = [...components, ...others].slice(0, COMMITS * EDITED_PER_COMMIT);
  if (editable.length < COMMITS * EDITED_PER_COMMIT)
    throw new Error(`only ${editable.length} components to edit; use more --files`);
  mkdirSync(path.join(dir, "src/pages/signin"), { recursive: true });
  let touched = 0;
  for (let c = 0; c < COMMITS; c++) {
    for (const file of editable.slice(c * EDITED_PER_COMMIT, (c + 1) * EDITED_PER_COMMIT)) {
      appendFileSync(path.join(dir, file), `\nexport const builderRevision${c} = ${c};\n`);
      touched++;
    }
    for (let a = 0; a < ADDED_PER_COMMIT; a++) {
      writeFileSync(path.join(dir, `src/pages/signin/SignIn${c}_${a}.tsx`), newPage(c * ADDED_PER_COMMIT + a));
      touched++;
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", `builder change ${c + 1}`);
  }

  // The same tree as main's tip, in a fresh repository: what a migrate from scratch would face.
  const fresh = path.join(work, "fresh-app");
  mkdirSync(fresh);
  execFileSync("sh", ["-c", `git -C "${dir}" archive main | tar -x -C "${fresh}"`]);
  git(fresh, "init", "-q", "-b", "main");
  git(fresh, "add", "-A");
  git(fresh, "commit", "-q", "-m", "the builder's tree");
  git(dir, "switch", "-q", "owned");

  const syncs: number[] = [];
  const migrates: number[] = [];
  for (let i = 0; i < runs; i++) {
    syncs.push(ownit(dir, "sync-builder", "--yes"));
    // A fast sync that migrated nothing would prove nothing: every new page must be rewritten.
    const left = spawnSync("git", ["grep", "-l", "lovable.auth", "--", "src/pages/signin"], {
      cwd: dir,
      encoding: "utf8",
    }).stdout.trim();
    if (left) throw new Error(`sync-builder left lovable.auth in ${left.split("\n").length} new page(s)`);
    ownit(dir, "rollback");
    migrates.push(ownit(fresh, "migrate", "--yes"));
    ownit(fresh, "rollback");
  }
  return { files, commits: COMMITS, touched, sync: median(syncs), migrate: median(migrates) };
}
