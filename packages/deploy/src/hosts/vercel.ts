// vercel.json for a static SPA: the build, the output folder, the history fallback rewrite and
// long cache headers for hashed assets. (Node servers are not emitted for Vercel.)
import { IMMUTABLE_CACHE, VERCEL_SCHEMA } from "../defaults";
import type { DeployProject } from "../project";

export function vercelJson(p: DeployProject): string {
  const config = {
    $schema: VERCEL_SCHEMA,
    framework: p.framework === "vite-react" ? "vite" : null,
    installCommand: p.packageManager.install,
    buildCommand: p.buildCommand,
    outputDirectory: p.outputDir,
    // Files that exist are served first; every other path is a client-side route.
    rewrites: [{ source: "/(.*)", destination: "/index.html" }],
    headers: [{ source: `${p.hashedAssetsPath}(.*)`, headers: [{ key: "Cache-Control", value: IMMUTABLE_CACHE }] }],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
