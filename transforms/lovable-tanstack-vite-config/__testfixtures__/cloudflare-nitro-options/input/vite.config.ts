import { defineConfig } from "@lovable.dev/vite-tanstack-config";

export default defineConfig({
  envDefine: false,
  nitro: {
    preset: "cloudflare-module",
    output: { dir: "build" },
    cloudflare: { nodeCompat: true, deployConfig: true },
  },
});
