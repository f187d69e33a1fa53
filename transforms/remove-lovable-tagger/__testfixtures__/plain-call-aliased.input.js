import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { componentTagger as tagger } from "lovable-tagger";

export default defineConfig({
  plugins: [react(), tagger()],
  server: { port: 8080 },
});
