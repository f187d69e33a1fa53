import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// https://vite.dev/config/
export default defineConfig({
  logLevel: 'error', // Suppress warnings, only show errors
  plugins: [
    react(),
  ],
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
  }
});
