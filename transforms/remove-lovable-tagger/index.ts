// remove-lovable-tagger: Lovable's editor tags components through the `lovable-tagger` Vite plugin.
// Off Lovable it does nothing useful, and its vite peer range blocks upgrades. This removes its
// import, its plugin entry in vite.config (every shape Lovable writes) and the devDependency.
// `.filter(Boolean)` after the plugin list stays: it is harmless and keeps later conditional
// plugins working. A `componentTagger` imported from anywhere else is the owner's and is left alone.
import { changedText, removeDependency, removeVitePlugin, type Codemod } from "@ownit/codemod";

/** The plugin package and what it exports. */
const TAGGER_PACKAGE = "lovable-tagger";

const TODO = "remove this lovable-tagger use (only Lovable's editor needs it), then its import";

const codemod: Codemod = {
  name: "remove-lovable-tagger",
  description: "remove the lovable-tagger Vite plugin (import, plugin entry) and its devDependency",
  builders: ["lovable-vite"],
  files: ["vite.config.{ts,mts,cts,js,mjs,cjs}", "package.json"],
  mentions: [TAGGER_PACKAGE],
  appliesTo: (project) =>
    project.builder.id === "lovable-vite" ||
    Boolean(project.packageJson?.devDependencies?.[TAGGER_PACKAGE] ?? project.packageJson?.dependencies?.[TAGGER_PACKAGE]),
  transform(file, { j }) {
    if (file.path === "package.json") return changedText(file.source, removeDependency(file.source, TAGGER_PACKAGE));
    return changedText(file.source, removeVitePlugin(j, file.source, TAGGER_PACKAGE, TODO));
  },
};

export default codemod;
