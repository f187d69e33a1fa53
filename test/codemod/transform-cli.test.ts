// `ownit transform` as a user meets it: one codemod over a project, a summary line with the counts,
// every file that could not be transformed named with its reason, and a non-zero exit code when
// any file failed (jscodeshift's CLI exits 0 unless asked; a script must be able to tell).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capturedCli, cleanupTemp, tempDir } from "../helpers/project";

afterAll(cleanupTemp);

const ANON =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFwd29laXJ1dHlhbHNrZGpmaGd6Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.xa_xF3PXXPGnCc0rIiXFKonteoAP0fdXRM-do7U_WTM";

function project(): string {
  const dir = tempDir();
  const files: Record<string, string> = {
    "package.json": '{ "name": "app", "dependencies": { "@supabase/supabase-js": "^2.50.0" } }\n',
    ".gitignore": "*.local\n",
    "src/integrations/supabase/client.ts": `import { createClient } from "@supabase/supabase-js";\nexport const supabase = createClient("https://qpwoeirutyalskdjfhgz.supabase.co", "${ANON}");\n`,
    // Half-written when the export was taken: a syntax error on line 2.
    "src/lib/admin.ts": `const url = "https://qpwoeirutyalskdjfhgz.supabase.co";\nexport const broken = (;\n`,
    "src/lib/unrelated.ts": "export const answer = 42;\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe("ownit transform", () => {
  it("exits non-zero when a file fails, names it with the reason, and still applies the rest as a run", async () => {
    const dir = project();
    const cli = capturedCli();
    const code = await cli.run("transform", "supabase-client-to-env", "-C", dir, "--yes");
    expect(code).toBe(1);
    expect(cli.stdout).toContain("supabase-client-to-env: 1 changed, 1 unchanged, 0 skipped, 1 failed, 3 file(s) in the plan");
    expect(cli.stderr.join("\n")).toMatch(/failed {2}src\/lib\/admin\.ts: syntax error at line 2/);
    expect(cli.stderr.join("\n")).toContain("1 file(s) could not be transformed");
    expect(readFileSync(path.join(dir, "src/integrations/supabase/client.ts"), "utf8")).toContain(
      "import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY",
    );
    expect(readFileSync(path.join(dir, "src/lib/admin.ts"), "utf8")).toContain("export const broken = (;");
  });

  it("exits non-zero on --dry-run too, and writes nothing", async () => {
    const dir = project();
    const cli = capturedCli();
    expect(await cli.run("transform", "supabase-client-to-env", "-C", dir, "--dry-run")).toBe(1);
    expect(readFileSync(path.join(dir, "src/integrations/supabase/client.ts"), "utf8")).toContain(ANON);
    expect(cli.stdout.join("\n")).not.toContain(ANON);
  });

  it("exits 0 when every file went through", async () => {
    const dir = project();
    writeFileSync(path.join(dir, "src/lib/admin.ts"), 'export const url = "https://qpwoeirutyalskdjfhgz.supabase.co";\n');
    const cli = capturedCli();
    expect(await cli.run("transform", "supabase-client-to-env", "-C", dir, "--yes"), cli.stderr.join("\n")).toBe(0);
    expect(cli.stdout).toContain("supabase-client-to-env: 2 changed, 1 unchanged, 0 skipped, 0 failed, 4 file(s) in the plan");
  });

  it("a mistyped path is a one-line error naming it, and nothing is written", async () => {
    const dir = project();
    const cli = capturedCli();
    expect(await cli.run("transform", "supabase-client-to-env", path.join(dir, "src/integrashuns"), "-C", dir, "--yes")).toBe(1);
    expect(cli.stderr[0]).toBe(
      `error ${path.join(dir, "src/integrashuns")} does not exist (looked for ${path.join(dir, "src/integrashuns")})`,
    );
    expect(readFileSync(path.join(dir, "src/integrations/supabase/client.ts"), "utf8")).toContain(ANON);
  });

  it("lists every codemod with one line each", async () => {
    const cli = capturedCli();
    expect(await cli.run("transform", "--list")).toBe(0);
    for (const name of [
      "supabase-client-to-env",
      "clean-lovable-index-html",
      "cloud-auth-to-supabase-oauth",
      "ai-gateway-to-env",
      "choose-lock-file",
      "replace-lovable-readme",
    ]) {
      expect(cli.stdout.some((line) => line.startsWith(name))).toBe(true);
    }
  });
});
