process.env.NITRO_PRESET = process.env.NITRO_PRESET || "node-server";

import { defineConfig as defineBaseConfig } from "@lovable.dev/vite-tanstack-config";
import type { UserConfig } from "vite";

const baseConfig = defineBaseConfig({
  tanstackStart: { server: { entry: "server" } },
});

export default async (env: { command: "build" | "serve"; mode: string }): Promise<UserConfig> => {
  const config = await baseConfig(env);
  return { ...config, build: { sourcemap: true } };
};
