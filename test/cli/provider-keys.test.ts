// A Bolt Expo export whose .bolt/ was deleted, with provider keys where real exports leave them:
// detection still says Bolt (the app config's template name, the preview hook), and every key is a
// high finding with file:line and the fix, in the client build or committed, never printed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectProject } from "@ownit/core";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";

afterAll(cleanupTemp);

// Shaped like real keys (so the patterns must match them), made up for this test.
const GOOGLE = "AIzaSyFAKE0fixture0KEY0not0real00000000";
const OPENAI = "sk-proj-FAKEfixture0Key0123456789abcdefNOTREAL";
const STRIPE = "sk_live_51FAKEfixtureKey0123456789NotReal";
const RESEND = "re_FAKE1234_fixtureKey0123456789NOTREAL";
const ALL_KEYS = [GOOGLE, OPENAI, STRIPE, RESEND];

function write(dir: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

function boltExpoExport(): string {
  const dir = tempDir();
  write(
    dir,
    "package.json",
    JSON.stringify(
      {
        name: "my-app",
        main: "expo-router/entry",
        dependencies: { expo: "^53.0.0", "expo-router": "~5.0.0", "react-native": "0.79.1" },
      },
      null,
      2,
    ),
  );
  write(dir, ".gitignore", "node_modules/\n.env\n");
  write(
    dir,
    "app.config.js",
    [
      "export default {",
      "  expo: {",
      '    name: "bolt-expo-nativewind",',
      '    slug: "bolt-expo-nativewind",',
      "    extra: {",
      `      googleMapsKey: "${GOOGLE}",`,
      "    },",
      "  },",
      "};",
      "",
    ].join("\n"),
  );
  write(
    dir,
    "hooks/useFrameworkReady.ts",
    "import { useEffect } from 'react';\n\nexport function useFrameworkReady() {\n  useEffect(() => {\n    window.frameworkReady?.();\n  });\n}\n",
  );
  write(
    dir,
    "app/_layout.tsx",
    "import { useFrameworkReady } from '@/hooks/useFrameworkReady';\n// a spinner class, not a key\nconst spinner = 'sk-circle-bounce-animation-delay';\nexport default function RootLayout() {\n  useFrameworkReady();\n  return null;\n}\n",
  );
  write(dir, ".env", `EXPO_PUBLIC_SUPABASE_URL=https://example.invalid\nEXPO_PUBLIC_OPENAI_KEY=${OPENAI}\n`);
  write(dir, "scripts/seed_prices.py", `import stripe\nstripe.api_key = "${STRIPE}"\n`);
  write(dir, ".env.example", `EXPO_PUBLIC_SUPABASE_URL=\nOPENAI_API_KEY=${OPENAI}\n`);
  write(dir, "mail.ini", `[resend]\napi_key = ${RESEND}\n`);
  write(
    dir,
    "supabase/functions/send/index.ts",
    `const key = "${RESEND}";\nDeno.serve(() => new Response(key.length ? "ok" : ""));\n`,
  );
  return dir;
}

describe("a Bolt Expo export without .bolt/", () => {
  it("is detected as Bolt from its app config's template name and Bolt's preview hook", () => {
    const project = detectProject(boltExpoExport());
    expect(project.builder.id).toBe("bolt");
    expect(project.builder.evidence).toEqual(
      expect.arrayContaining([
        "app.config.js names the app bolt-expo-nativewind (Bolt's Expo template)",
        "hooks/useFrameworkReady.ts (Bolt's preview hook)",
      ]),
    );
  });

  it("reports each provider key as high, with file:line and the fix: client-reachable ones and committed ones", () => {
    const keys = detectProject(boltExpoExport()).findings.filter((f) => f.code.startsWith("provider-key-"));
    const seen = keys.map((f) => `${f.code} ${f.file}:${f.line}`).sort();
    expect(seen).toEqual([
      "provider-key-committed .env.example:2",
      "provider-key-committed mail.ini:2",
      "provider-key-committed scripts/seed_prices.py:2",
      "provider-key-committed supabase/functions/send/index.ts:1",
      "provider-key-in-client .env:2",
      "provider-key-in-client app.config.js:6",
    ]);
    for (const f of keys) expect(f.severity).toBe("high");
    const client = keys.find((f) => f.file === "app.config.js")!;
    expect(client.message).toBe("a Google API key (AIza…) sits where the client build reaches it, so it ships to every user");
    expect(client.hint).toContain("move the calls that need it to server code");
    expect(client.hint).toContain("rotate the key");
    expect(keys.find((f) => f.file === ".env")!.message).toContain("in EXPO_PUBLIC_OPENAI_KEY");
  });

  it("never prints a key: detect's text and JSON output name the provider only", async () => {
    const dir = boltExpoExport();
    for (const argv of [
      ["detect", dir],
      ["detect", dir, "--json"],
    ]) {
      const cli = capturedCli();
      expect(await cli.run(...argv)).toBe(0);
      const output = [...cli.stdout, ...cli.stderr].join("\n");
      expect(output).toContain("Google API key (AIza…)");
      for (const key of ALL_KEYS) expect(output).not.toContain(key.slice(4));
    }
  });
});
