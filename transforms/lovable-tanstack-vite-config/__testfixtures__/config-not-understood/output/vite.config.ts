process.env.NITRO_PRESET = process.env.NITRO_PRESET || "node-server";

// ownit-todo: this config uses @lovable.dev/vite-tanstack-config in a way ownit cannot rewrite: replace it with a plain Vite config (tanstackStart, viteReact, tailwindcss, vite-tsconfig-paths, nitro node-server)
import { defineConfig as defineBaseConfig } from "@lovable.dev/vite-tanstack-config";
import type { UserConfig } from "vite";

const baseConfig = defineBaseConfig({
  tanstackStart: { server: { entry: "server" } },
});

export default async (env: { command: "build" | "serve"; mode: string }): Promise<UserConfig> => {
  const config = await baseConfig(env);
  return { ...config, build: { sourcemap: true } };
};
