// Letterbox: Vite and TanStack Start configuration
import { defineConfig } from "@lovable.dev/vite-tanstack-config";

export default defineConfig({
  server: {
    port: 8081,
    host: true,
  },
  preview: {
    port: 8081,
  },
  tanstackStart: {
    server: { entry: "server" },
  },
});
