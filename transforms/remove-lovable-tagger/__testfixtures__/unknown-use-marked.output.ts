import { defineConfig, type PluginOption } from "vite";
import react from "@vitejs/plugin-react-swc";
import { componentTagger } from "lovable-tagger";

// ownit-todo: remove this lovable-tagger use (only Lovable's editor needs it), then its import
const devPlugins: PluginOption[] = process.env.TAG ? componentTagger() : [];

export default defineConfig({
  plugins: [react(), devPlugins],
});
