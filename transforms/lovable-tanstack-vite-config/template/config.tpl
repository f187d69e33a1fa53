{
{{if env}}  // VITE_* variables from the .env files, inlined wherever code reads import.meta.env.VITE_*.
{{if env}}  define: Object.fromEntries(Object.entries({{loadEnv}}(mode, process.cwd(), "VITE_")).map(([name, value]) => [`import.meta.env.${name}`, JSON.stringify(value)])),
  resolve: {
    alias: { "@": {{fileURLToPath}}(new URL("./src", import.meta.url)) },
    dedupe: ["react", "react-dom", "react/jsx-runtime", "react/jsx-dev-runtime", "@tanstack/react-query", "@tanstack/query-core"],
  },
  css: { transformer: "lightningcss" },
  server: { host: "::", port: 8080 },
  plugins: [
{{plugins}}
  ],
}