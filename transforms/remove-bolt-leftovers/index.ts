// remove-bolt-leftovers: what Bolt.new leaves in an export that only its editor reads. The .bolt/
// folder (config.json naming the starter template, the prompt, ignore rules, discarded migrations)
// goes, after its template is recorded in the run manifest; the "Edit in StackBlitz" line goes
// from the README (a README left with only its title gains how to run and build the app); Vite's
// `vite.config.*.timestamp-*.mjs` crash leftovers go. netlify.toml and public/_redirects stay:
// they deploy the app, and only the deploy step may replace them.
import { existsSync } from "node:fs";
import path from "node:path";
import fg from "fast-glob";
import { ALWAYS_SKIPPED_DIRS, BOLT, finding } from "@ownit/core";
import { eolOf, parseJson, type Codemod } from "@ownit/codemod";

const BOLT_DIR = BOLT.dirs[0];

/** Vite writes `<config>.timestamp-<ms>-<hash>.mjs` beside its config when loading it fails. */
const TIMESTAMP_FILES = "**/vite.config.{ts,mts,cts,js,mjs,cjs}.timestamp-*.mjs";

/**
 * The line Bolt puts under the title: `[Edit in StackBlitz next generation editor ⚡️](https://stackblitz.com/~/github.com/…)`.
 * An owner's own StackBlitz link (`/edit/…`, other wording) is not Bolt's and stays.
 */
const STACKBLITZ_LINE = /^[ \t]*\[Edit in StackBlitz[^\]\n]*\]\(https:\/\/stackblitz\.com\/~\/[^)\s]*\)[ \t]*$/;

/** The README's lines without Bolt's StackBlitz link (and the blank line that set it apart). */
function withoutStackBlitzLine(source: string): string {
  const eol = eolOf(source);
  const lines = source.split(/\r?\n/);
  const kept: string[] = [];
  for (const line of lines) {
    if (STACKBLITZ_LINE.test(line)) {
      // The blank line before the link goes with it, so the file does not end in a gap.
      if (kept.length && kept.at(-1)!.trim() === "") kept.pop();
      continue;
    }
    kept.push(line);
  }
  if (kept.length === lines.length) return source;
  let out = kept.join(eol);
  if (source.endsWith("\n") && !out.endsWith("\n")) out += eol;
  return out;
}

/** A README that is only a title tells nobody anything: say how to run and build the app. */
function runInstructions(source: string, scripts: Record<string, string>, manager: string): string {
  const meaningful = source.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (meaningful.length !== 1 || !/^#\s/.test(meaningful[0]!)) return source;
  const eol = eolOf(source);
  const pm = manager === "unknown" ? "npm" : manager;
  const runScript = (name: string) => (pm === "npm" ? `npm run ${name}` : `${pm} ${name}`);
  const lines = [`${pm} install`];
  if (scripts.dev) lines.push(`${runScript("dev")}      # development server`);
  if (scripts.build) lines.push(`${runScript("build")}    # production build`);
  if (scripts.preview) lines.push(`${runScript("preview")}  # serve the production build locally`);
  const body = ["", "## Run it", "", "```sh", ...lines, "```", ""];
  return `${meaningful[0]}${eol}${body.join(eol)}`;
}

const codemod: Codemod = {
  name: "remove-bolt-leftovers",
  description: "remove .bolt/ (its template recorded first), the StackBlitz README line and vite.config timestamp files",
  builders: ["bolt"],
  kind: "cleanup",
  files: ["README.md"],
  mentions: ["stackblitz.com"],
  appliesTo: (project) => project.builder.id === "bolt" || existsSync(path.join(project.root, BOLT_DIR)),
  transform(file, { project }) {
    const stripped = withoutStackBlitzLine(file.source);
    if (stripped === file.source) return undefined;
    return runInstructions(stripped, project.packageJson?.scripts ?? {}, project.packageManager.name);
  },
  project(ctx) {
    // The template says what Bolt started from (bolt-vite-react-ts, bolt-expo, nextjs-shadcn…):
    // recorded before the folder goes, so the run manifest still knows it.
    const boltFiles = ctx.files.list({ patterns: [`${BOLT_DIR}/**/*`], includeIgnored: true });
    if (boltFiles.length) {
      const configText = ctx.files.read(BOLT.configFile);
      const config = configText === undefined ? undefined : parseJson<Record<string, unknown>>(configText);
      const template = typeof config?.template === "string" ? config.template : undefined;
      ctx.record("bolt", { template: template ?? null, config: config ?? null, removed: boltFiles });
      ctx.files.removeDir(BOLT_DIR);
      ctx.report(
        finding({
          severity: "info",
          code: "bolt-folder-removed",
          file: `${BOLT_DIR}/`,
          message: `removed ${BOLT_DIR}/ (${boltFiles.length} file(s)${template ? `, template ${template}` : ""}): only Bolt's editor reads it; the run manifest keeps the template`,
        }),
      );
    }
    // Project listings skip these files by design (they are never source), so look for them directly.
    // (Not inside dependencies, build output or ownit's own ledger, which keeps the originals of removed files.)
    const leftovers = fg.sync(TIMESTAMP_FILES, {
      cwd: ctx.files.root,
      dot: true,
      onlyFiles: true,
      ignore: ALWAYS_SKIPPED_DIRS.map((d) => `**/${d}/**`),
    });
    for (const file of leftovers.sort()) ctx.files.remove(file);
  },
};

export default codemod;
