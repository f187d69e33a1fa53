import { defineConfig } from "vite";
import react from "@vitejs/plugin-react-swc";
// Our own plugin that adds data-testid attributes; not Lovable's.
import { componentTagger } from "./tools/component-tagger";

export default defineConfig(({ mode }) => ({
  plugins: [react(), mode === "development" && componentTagger()].filter(Boolean),
}));
