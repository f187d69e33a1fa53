import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import base44 from '@base44/vite-plugin'
import path from 'node:path'

export default defineConfig(({ mode }) => ({
  base: process.env.VITE_BASE_PATH || '/',
  plugins: [
    // base44 plugin makes network calls during build: dev only
    ...(mode === 'development' ? [base44({
      legacySDKImports: false,
      hmrNotifier: true,
      navigationNotifier: true,
    })] : []),
    react(),
  ],
  resolve: {
    alias: {
      '@': path.resolve(__dirname, './src'),
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/ics': { target: 'http://localhost:3001', changeOrigin: true },
    },
  },
}))
