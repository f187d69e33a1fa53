// The small project the kill harness migrates, and the steps it plans: an edit, a CRLF file kept
// byte for byte, a binary file and a folder removed, generated files added. Small on purpose: the
// harness runs it hundreds of times.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Step } from "@ownit/core";

export function writeCrashProject(dir: string): void {
  writeFileSync(
    path.join(dir, "package.json"),
    `{\n  "name": "crash-sample",\n  "devDependencies": { "lovable-tagger": "^1.1.0", "vite": "^5.0.0" }\n}\n`,
  );
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(path.join(dir, "src/app.ts"), "export const builder = 'lovable';\r\n// keep CRLF bytes\r\n");
  writeFileSync(
    path.join(dir, "src/auth.ts"),
    "import { lovable } from '@lovable.dev/cloud-auth-js';\nexport const signIn = () => lovable.auth.signInWithOAuth('google');\n",
  );
  mkdirSync(path.join(dir, ".lovable"), { recursive: true });
  writeFileSync(path.join(dir, ".lovable/state.json"), "{}\n");
  writeFileSync(path.join(dir, "logo.bin"), Buffer.from([0, 1, 2, 255, 254]));
}

export const crashSteps = async (): Promise<Step[]> => [
  {
    id: "edit",
    title: "rewrite the app",
    kind: "codemod",
    plan: ({ files }) => {
      files.write("src/app.ts", files.read("src/app.ts")!.replace("'lovable'", "'owned'"));
      files.write(
        "src/auth.ts",
        "import { supabase } from './supabase';\nexport const signIn = () => supabase.auth.signInWithOAuth({ provider: 'google' });\n",
      );
    },
  },
  {
    id: "cleanup",
    title: "remove builder leftovers",
    kind: "cleanup",
    plan: ({ files }) => {
      files.removeDir(".lovable");
      files.remove("logo.bin");
    },
  },
  {
    id: "emit",
    title: "generate deploy files",
    kind: "emit",
    plan: ({ files }) => {
      files.write("Dockerfile", "FROM node:20-alpine\n", { generated: true });
      files.write("railway.json", '{ "build": { "builder": "DOCKERFILE" } }\n', { generated: true });
    },
  },
];
