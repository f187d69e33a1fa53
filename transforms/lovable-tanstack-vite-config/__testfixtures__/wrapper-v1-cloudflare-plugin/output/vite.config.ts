// Vite config for this TanStack Start app, written out from what @lovable.dev/vite-tanstack-config
// set up: Tailwind, tsconfig paths, TanStack Start, React, the `@` alias, VITE_* env, and a Node
// server build (nitro's node-server preset; start it with `node .output/server/index.mjs`).
import { fileURLToPath } from "node:url";
import { defineConfig, loadEnv } from "vite";
import tailwindcss from "@tailwindcss/vite";
import tsConfigPaths from "vite-tsconfig-paths";
import { tanstackStart } from "@tanstack/react-start/plugin/vite";
import viteReact from "@vitejs/plugin-react";
import { nitro } from "nitro/vite";

export default defineConfig(({ command, mode }) => ({
  // VITE_* variables from the .env files, inlined wherever code reads import.meta.env.VITE_*.
  define: Object.fromEntries(Object.entries(loadEnv(mode, process.cwd(), "VITE_")).map(([name, value]) => [`import.meta.env.${name}`, JSON.stringify(value)])),
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
    dedupe: ["react", "react-dom", "react/jsx-runtime", "react/jsx-dev-runtime", "@tanstack/react-query", "@tanstack/query-core"],
  },
  css: { transformer: "lightningcss" },
  server: { host: "::", port: 8080 },
  plugins: [
    tailwindcss(),
    tsConfigPaths({ projects: ["./tsconfig.json"] }),
    tanstackStart({ importProtection: { behavior: "error", client: { files: ["**/server/**"], specifiers: ["server-only"] } } }),
    ...(command === "build" ? [nitro({ preset: "node-server" })] : []),
    viteReact(),
  ],
}));
