import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  optimizeDeps: {
    esbuildOptions: {
      loader: {
        ".js": "jsx"
      }
    }
  },
  server: {
    proxy: {
      "/api": { target: process.env.API_PROXY_TARGET || "http://localhost:3000", changeOrigin: true, ws: true }
    }
  },
  resolve: {
    alias: {
      "@/": "/src/"
    }
  },
});
