// Which web framework the project is built on, from its dependencies and config files.
import { existsSync } from "node:fs";
import path from "node:path";
import { LOVABLE } from "../markers";
import type { FrameworkId, PackageJson } from "./types";

export function detectFramework(root: string, pkg: PackageJson | undefined): { id: FrameworkId; evidence: string[] } {
  const deps = { ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) };
  const has = (name: string) => name in deps;
  const evidence: string[] = [];
  const pick = (id: FrameworkId, why: string) => {
    evidence.push(why);
    return { id, evidence };
  };
  if (has("@tanstack/react-start") || has("@tanstack/start") || has(LOVABLE.tanstackConfigPackage))
    return pick(
      "tanstack-start",
      `dependency ${has("@tanstack/react-start") ? "@tanstack/react-start" : has("@tanstack/start") ? "@tanstack/start" : LOVABLE.tanstackConfigPackage}`,
    );
  if (has("next")) return pick("next", "dependency next");
  if (has("expo")) return pick("expo", "dependency expo");
  if (Object.keys(deps).some((d) => d.startsWith("@remix-run/")) || has("@react-router/dev"))
    return pick("remix", "dependency @remix-run/* or @react-router/dev");
  const viteConfig = ["vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs"].find((f) =>
    existsSync(path.join(root, f)),
  );
  if ((has("vite") || viteConfig) && has("react"))
    return pick("vite-react", `vite${viteConfig ? ` (${viteConfig})` : ""} with react`);
  return { id: "unknown", evidence: ["no known framework dependency"] };
}
