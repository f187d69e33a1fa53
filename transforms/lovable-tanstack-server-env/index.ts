// lovable-tanstack-server-env: a Lovable TanStack Start app talks to Supabase from three generated
// files in src/integrations/supabase: client.ts (browser: VITE_SUPABASE_URL and the publishable
// key, with process.env during SSR), auth-middleware.ts (server functions, on the user's token) and
// client.server.ts (the service-role client, which bypasses RLS). Off Lovable Cloud the owner sets
// these variables, so: .env.example lists every name they read, the service-role key with the
// other server-only names (never VITE_, which would inline it into the bundle); their "Connect
// Supabase in Lovable Cloud" error text says where the values go now; and a server client reading
// the service-role key through import.meta.env (inlined at build time, into whatever imports it)
// gets an ownit-todo marker and a high finding instead of a silent rewrite.
import { finding, isBrowserExposed, isSecretName, lineAt } from "@ownit/core";
import { changedText, addEnvExampleNames, applySpanEdits, todoLineEdit, type Codemod, type SpanEdit } from "@ownit/codemod";

/** The generated integration folder. */
const INTEGRATION = "src/integrations/supabase";

/** Lovable's hint in the generated "missing variable" errors, and what it says off Lovable. */
const LOVABLE_HINT = "Connect Supabase in Lovable Cloud.";
const OWNED_HINT = "Set them in the server environment (see .env.example).";

const ENV_READ = /(import\.meta\.env|process\.env)(?:\.([A-Z_][A-Z0-9_]*)|\[\s*["'`]([A-Z_][A-Z0-9_]*)["'`]\s*\])/g;

const SERVICE_KEY_TODO =
  "read SUPABASE_SERVICE_ROLE_KEY through process.env: import.meta.env values are inlined into the build, and from there into every bundle that imports this file";

interface Names {
  browser: string[];
  server: string[];
  flagged: string[];
}

const codemod: Codemod = {
  name: "lovable-tanstack-server-env",
  description:
    "Supabase integration of a Lovable TanStack app on owner-set env: names in .env.example (service role server-only), Lovable Cloud hints replaced",
  builders: ["lovable-tanstack"],
  files: [`${INTEGRATION}/**/*.{ts,tsx,js,jsx}`],
  mentions: ["SUPABASE"],
  appliesTo: (project) => project.builder.id === "lovable-tanstack" || project.framework.id === "tanstack-start",
  transform(file, { report, share }) {
    const edits: SpanEdit[] = [];
    for (let at = file.source.indexOf(LOVABLE_HINT); at >= 0; at = file.source.indexOf(LOVABLE_HINT, at + LOVABLE_HINT.length)) {
      edits.push({ start: at, end: at + LOVABLE_HINT.length, text: OWNED_HINT });
    }
    const names: Names = { browser: [], server: [], flagged: [] };
    const buildTimeKey = (m: RegExpMatchArray) => (m[2] ?? m[3]!).includes("SERVICE_ROLE") && m[1] === "import.meta.env";
    for (const m of file.source.matchAll(ENV_READ)) {
      const name = m[2] ?? m[3]!;
      if (!name.includes("SUPABASE")) continue;
      // A secret under a browser name is not something to ask the owner to set: it gets the marker below.
      if (isBrowserExposed(name) && isSecretName(name)) names.flagged.push(name);
      else (isBrowserExposed(name) ? names.browser : names.server).push(name);
      // The service-role key may only come from the server's environment at run time.
      if (buildTimeKey(m)) {
        const todo = todoLineEdit(file.source, m.index!, SERVICE_KEY_TODO);
        if (todo && !edits.some((e) => e.start === todo.start && e.end === todo.end)) edits.push(todo);
      }
    }
    share(names);
    const out = edits.length
      ? applySpanEdits(
          file.source,
          edits.sort((a, b) => b.start - a.start || b.end - a.end),
        )
      : file.source;
    // Reported where the read sits once the marker is in.
    for (const m of out.matchAll(ENV_READ)) {
      if (!buildTimeKey(m)) continue;
      report({
        severity: "high",
        code: "service-role-key-build-time",
        line: lineAt(out, m.index!),
        message: `${m[2] ?? m[3]} is read through import.meta.env, so the build copies the key into its output`,
        hint: "read it with process.env on the server, rotate the key, and keep it out of VITE_ names",
      });
    }
    return changedText(file.source, out);
  },
  project(ctx, shared) {
    const browser = [...new Set(shared.flatMap((s) => (s.data as Names).browser))].sort();
    const server = [...new Set(shared.flatMap((s) => (s.data as Names).server))].sort();
    if (!browser.length && !server.length) return;
    const listedBrowser = addEnvExampleNames(
      ctx.files,
      browser,
      "Supabase for the browser: public values, inlined into the bundle at build time",
    );
    const listedServer = addEnvExampleNames(
      ctx.files,
      server,
      "Supabase on the server only (never prefix these with VITE_): read at run time from the environment",
    );
    if (!listedBrowser && !listedServer) return;
    if (server.some((n) => n.includes("SERVICE_ROLE"))) {
      ctx.report(
        finding({
          severity: "info",
          code: "service-role-key-server-only",
          file: ".env.example",
          message:
            "SUPABASE_SERVICE_ROLE_KEY is read only by the server, from its environment at run time; .env.example lists it with the server-only settings",
          hint: "set it on the server (never in a VITE_ variable), and rotate it if it was ever shared",
        }),
      );
    }
  },
};

export default codemod;
