// `npm run example`: the main job on a bundled example. Copies fixtures/<name> (default
// lovable-vite) into a temp folder with its own git history, then runs `ownit migrate --yes`
// and shows the run. Nothing in this repository is modified.
import { cpSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { main } from "../packages/cli/src/main";

const name = process.argv[2] ?? "lovable-vite";
const source = path.resolve(import.meta.dirname, "..", "fixtures", name);
const work = path.join(mkdtempSync(path.join(os.tmpdir(), "ownit-example-")), name);
cpSync(source, work, { recursive: true });
const git = (...args: string[]) => execFileSync("git", args, { cwd: work, stdio: "ignore", env: { ...process.env, GIT_AUTHOR_NAME: "example", GIT_AUTHOR_EMAIL: "example@localhost", GIT_COMMITTER_NAME: "example", GIT_COMMITTER_EMAIL: "example@localhost" } });
git("init", "-q", "-b", "main");
git("add", "-A");
git("commit", "-q", "-m", "exported from the builder");

console.log(`example: ${name} copied to ${work}\n`);
let code = await main(["migrate", work, "--yes"]);
if (code === 0) {
  console.log("");
  code = await main(["runs", work]);
}
console.log(`\nexample: inspect ${work}; undo with: npx ownit rollback ${work}`);
process.exitCode = code;
