// The check behind "every package a migrated file imports is declared": it names exactly the
// imports that would resolve only by accident (ERR_MODULE_NOT_FOUND once the lock is pruned).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { undeclaredImports } from "../helpers/declared-imports";
import { cleanupTemp, tempDir } from "../helpers/project";

afterAll(cleanupTemp);

describe("undeclared imports", () => {
  it("names a package imported but not in package.json, and nothing else", () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "app", dependencies: { react: "^19.0.0" }, devDependencies: { vite: "^7.0.0" } }),
    );
    mkdirSync(path.join(dir, "src"));
    mkdirSync(path.join(dir, "supabase/functions/hello"), { recursive: true });
    writeFileSync(
      path.join(dir, "vite.config.ts"),
      [
        'import { defineConfig } from "vite";',
        'import { nitro } from "nitro/vite";',
        'import path from "node:path";',
        'import fs from "fs";',
        "export default defineConfig({ plugins: [nitro()] });",
        "",
      ].join("\n"),
    );
    writeFileSync(
      path.join(dir, "src/app.tsx"),
      [
        'import { useState } from "react";',
        'import { x } from "./x";',
        'import { cn } from "@/lib/utils";',
        'export * from "@tanstack/react-router";',
        'const lazy = () => import("zod");',
        "export const App = () => <div />;",
        "",
      ].join("\n"),
    );
    writeFileSync(
      path.join(dir, "supabase/functions/hello/index.ts"),
      'import { serve } from "npm:hono";\nimport x from "jsr:@std/path";\n',
    );
    expect(undeclaredImports(dir, ["vite.config.ts", "src/app.tsx", "supabase/functions/hello/index.ts"])).toEqual([
      "vite.config.ts: nitro/vite",
      "src/app.tsx: @tanstack/react-router",
      "src/app.tsx: zod",
    ]);
  });
});
