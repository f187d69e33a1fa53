// Which AI builder exported the project: every signal adds evidence, the strongest builder wins.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { BASE44, BOLT, LOVABLE } from "../markers";
import { listProjectFiles, readText } from "../files";
import type { BuilderId, PackageJson } from "./types";

interface Signal {
  builder: Exclude<BuilderId, "unknown" | "lovable-tanstack">;
  weight: number;
  evidence: string;
}

export function detectBuilder(root: string, pkg: PackageJson | undefined): { id: BuilderId; evidence: string[] } {
  const signals: Signal[] = [];
  const add = (builder: Signal["builder"], weight: number, evidence: string) => signals.push({ builder, weight, evidence });
  const deps = { ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) };
  const has = (p: string) => existsSync(path.join(root, p));

  // Lovable
  for (const p of LOVABLE.packages) if (p in deps) add("lovable-vite", 5, `dependency ${p}`);
  if (LOVABLE.tanstackConfigPackage in deps) add("lovable-vite", 5, `dependency ${LOVABLE.tanstackConfigPackage}`);
  const index = readText(root, "index.html") ?? "";
  if (index.includes(LOVABLE.scriptHost)) add("lovable-vite", 5, `index.html loads ${LOVABLE.scriptHost}`);
  if (/<meta[^>]+name=["']author["'][^>]+content=["']Lovable["']/i.test(index))
    add("lovable-vite", 2, `index.html author meta "Lovable"`);
  for (const d of LOVABLE.dirs) if (has(d)) add("lovable-vite", 4, `${d}/ folder`);
  if (has(LOVABLE.supabaseClientFile)) add("lovable-vite", 2, LOVABLE.supabaseClientFile);
  if (has("src/integrations/lovable")) add("lovable-vite", 3, "src/integrations/lovable/");
  const readme = readText(root, "README.md") ?? "";
  if (readme.includes("lovable.dev")) add("lovable-vite", 2, "README mentions lovable.dev");

  // Bolt
  if (has(BOLT.configFile)) add("bolt", 6, BOLT.configFile);
  else if (has(".bolt")) add("bolt", 5, ".bolt/ folder");
  if (BOLT.readmeMarkers.some((m) => readme.toLowerCase().includes(m))) add("bolt", 2, "README mentions StackBlitz/Bolt");
  if (pkg?.name && (BOLT.starterPackageNames as readonly string[]).includes(pkg.name))
    add("bolt", 3, `package name ${pkg.name} (Bolt starter)`);
  for (const f of BOLT.supabaseClientFiles)
    if (has(f) && /VITE_SUPABASE_ANON_KEY|EXPO_PUBLIC_SUPABASE/.test(readText(root, f) ?? ""))
      add("bolt", 2, `${f} reads the anon key from env`);
  const migrations = listProjectFiles(root, { patterns: ["supabase/migrations/*.sql"] });
  const boltHeaders = migrations.filter((m) => BOLT.migrationHeader.test(readText(root, m) ?? "")).length;
  if (boltHeaders) add("bolt", 2, `${boltHeaders} migration(s) with Bolt's /* # Title */ header`);
  // Bolt's Expo template, also when .bolt/ was deleted: the app config's name, and its preview hook.
  for (const f of BOLT.expoConfigFiles) {
    const name = BOLT.expoTemplateName.exec(readText(root, f) ?? "")?.[1];
    if (name) {
      add("bolt", 4, `${f} names the app ${name} (Bolt's Expo template)`);
      break;
    }
  }
  const hook = BOLT.frameworkReadyHooks.find((f) => (readText(root, f) ?? "").includes(BOLT.frameworkReadyCall));
  if (hook) add("bolt", 3, `${hook} (Bolt's preview hook)`);
  // File listings skip these leftovers (they are never source), so look at the folder itself.
  if (readdirSync(root).some((f) => /^vite\.config\.[cm]?[jt]s\.timestamp-/.test(f)))
    add("bolt", 1, "vite.config timestamp leftovers");

  // Base44
  for (const p of BASE44.packages) if (p in deps) add("base44", 6, `dependency ${p}`);
  for (const d of BASE44.dirs) if (has(`${d}/config.jsonc`) || has(`${d}/entities`)) add("base44", 5, `${d}/ folder`);
  for (const f of BASE44.clientFiles) if (has(f)) add("base44", 3, f);
  if (pkg?.name && (BASE44.packageNames as readonly string[]).includes(pkg.name)) add("base44", 2, `package name ${pkg.name}`);
  if (/base44/i.test(readme)) add("base44", 1, "README mentions Base44");

  const totals = new Map<Signal["builder"], number>();
  for (const s of signals) totals.set(s.builder, (totals.get(s.builder) ?? 0) + s.weight);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]);
  if (!ranked.length || ranked[0]![1] < 2) return { id: "unknown", evidence: ["no builder markers found"] };
  const winner = ranked[0]![0];
  const evidence = signals.filter((s) => s.builder === winner).map((s) => s.evidence);
  if (winner === "lovable-vite" && (LOVABLE.tanstackConfigPackage in deps || "@tanstack/react-start" in deps)) {
    return { id: "lovable-tanstack", evidence: [...evidence, "TanStack Start app"] };
  }
  return { id: winner, evidence };
}
