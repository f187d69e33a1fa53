import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Already moved off Base44 by hand: nothing here is the plugin's.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": "/src" } },
});
