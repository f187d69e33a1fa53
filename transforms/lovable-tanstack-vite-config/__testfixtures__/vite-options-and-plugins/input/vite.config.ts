import { defineConfig } from "@lovable.dev/vite-tanstack-config";
import mdx from "@mdx-js/rollup";
import path from "path";

export default defineConfig({
  plugins: [mdx()],
  react: { babel: { plugins: ["babel-plugin-react-compiler"] } },
  vite: {
    resolve: {
      alias: {
        "react-router-dom": path.resolve(__dirname, "src/lib/react-router-shim.tsx"),
      },
    },
    server: { port: 3000 },
  },
});
