import { defineConfig, type PluginOption } from "vite";
import react from "@vitejs/plugin-react-swc";
import { componentTagger } from "lovable-tagger";

const devPlugins: PluginOption[] = process.env.TAG ? componentTagger() : [];

export default defineConfig({
  plugins: [react(), devPlugins],
});
