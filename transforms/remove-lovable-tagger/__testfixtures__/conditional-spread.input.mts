import { defineConfig } from "vite";
import react from "@vitejs/plugin-react-swc";
import * as lovable from "lovable-tagger";

export default defineConfig(({ mode }) => ({
  plugins: [
    react(),
    ...(mode === "development" ? [lovable.componentTagger()] : []),
  ],
}));
