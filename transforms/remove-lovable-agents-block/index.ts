// remove-lovable-agents-block: newer Lovable exports (the TanStack Start template) ship an AGENTS.md
// whose `<!-- LOVABLE:BEGIN -->…<!-- LOVABLE:END -->` block tells coding agents the repository is
// synced with Lovable and its pushed history must not be rewritten. Off Lovable that is no longer
// true, and agents keep obeying it. The block goes; the owner's own instructions around it stay;
// a file that held nothing else goes with it.
import { finding } from "@ownit/core";
import { eolOf, type Codemod } from "@ownit/codemod";

/** The markers Lovable wraps its block in (any spacing, any case). */
const BLOCK = /[ \t]*<!--\s*LOVABLE:BEGIN\s*-->[\s\S]*?<!--\s*LOVABLE:END\s*-->[ \t]*(?:\r?\n)?/gi;

const AGENT_FILES = ["AGENTS.md", "CLAUDE.md", ".github/copilot-instructions.md"];

function withoutBlock(source: string): string {
  const eol = eolOf(source);
  const out = source.replace(BLOCK, "");
  if (out === source) return source;
  // The blank lines that framed the block collapse to one; the file keeps a final newline if it had one.
  const collapsed = out.replace(/(\r?\n){3,}/g, `${eol}${eol}`).replace(/^(\r?\n)+/, "");
  return collapsed.trim() ? collapsed : "";
}

const codemod: Codemod = {
  name: "remove-lovable-agents-block",
  description: "remove Lovable's LOVABLE:BEGIN…END block from AGENTS.md (the file too when nothing else is in it)",
  builders: ["lovable-tanstack", "lovable-vite"],
  kind: "cleanup",
  files: AGENT_FILES,
  mentions: [/LOVABLE:BEGIN/i],
  appliesTo: (project) => project.builder.id.startsWith("lovable"),
  transform(file, { share }) {
    const out = withoutBlock(file.source);
    if (out === file.source) return undefined;
    if (!out) share(file.path);
    return out;
  },
  project(ctx, shared) {
    for (const { data } of shared) {
      const file = data as string;
      if ((ctx.files.read(file) ?? "").trim()) continue;
      ctx.files.remove(file);
      ctx.report(
        finding({
          severity: "info",
          code: "lovable-agents-file-removed",
          file,
          message: `removed ${file}: it only held Lovable's note that the repository syncs with Lovable`,
        }),
      );
    }
  },
};

export default codemod;
