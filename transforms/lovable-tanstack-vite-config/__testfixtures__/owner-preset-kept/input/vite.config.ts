import { defineConfig } from "@lovable.dev/vite-tanstack-config";

export default defineConfig({
  tanstackStart: {
    server: { entry: "server" },
  },
  // Deploying to Vercel (Node.js functions), not Cloudflare Workers.
  nitro: { preset: "vercel" },
  hmrGate: false,
});
