// A service-role key read through a VITE_ name is in every visitor's bundle already. `ownit migrate`
// must say so loudly (a high finding at the read, listing the code that uses it), mark the read
// in the code, and move nothing: the key, its name and the code that uses it stay as they were.
// Shown on the Bolt export as it ships, and on a Lovable export with the same mistake added.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns, type RunManifest } from "@ownit/core";
import { capturedCli, cleanupTemp, copyFixture, gitInit } from "../helpers/project";

afterAll(cleanupTemp);

/** The Lovable variant: an admin helper on the service-role key, used by one page. */
function addLovableAdminClient(dir: string): void {
  writeFileSync(
    path.join(dir, "src/lib/admin.ts"),
    `import { createClient } from "@supabase/supabase-js";

// Lets the dashboard see every user's tasks.
export const adminClient = createClient(
  import.meta.env.VITE_SUPABASE_URL,
  import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY,
);
`,
  );
  writeFileSync(
    path.join(dir, "src/pages/AllTasks.tsx"),
    `import { useEffect, useState } from "react";
import { adminClient } from "@/lib/admin";

export default function AllTasks() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    adminClient.from("tasks").select("id", { count: "exact", head: true }).then(({ count }) => setCount(count ?? 0));
  }, []);
  return <p>{count} tasks in total</p>;
}
`,
  );
}

const CASES = [
  {
    fixture: "bolt-vite",
    file: "src/lib/supabase.ts",
    binding: "supabaseAdmin",
    uses: ["src/components/AdminPanel.tsx:9"],
    prepare: (_dir: string) => {},
  },
  {
    fixture: "lovable-vite",
    file: "src/lib/admin.ts",
    binding: "adminClient",
    uses: ["src/pages/AllTasks.tsx:7"],
    prepare: addLovableAdminClient,
  },
];

for (const c of CASES) {
  describe(`a service-role key behind VITE_ in a ${c.fixture} export`, () => {
    let dir: string;
    let output: string;
    let run: RunManifest;
    let before: string;

    beforeAll(async () => {
      dir = copyFixture(c.fixture);
      c.prepare(dir);
      gitInit(dir);
      before = readFileSync(path.join(dir, c.file), "utf8");
      const cli = capturedCli();
      const code = await cli.run("migrate", dir, "--yes");
      output = [...cli.stdout, ...cli.stderr].join("\n");
      expect(code, output).toBe(0);
      run = listRuns(dir)[0]!;
    });

    it("is a high finding at the read that names every place using it", () => {
      const after = readFileSync(path.join(dir, c.file), "utf8").split("\n");
      const line = after.findIndex((l) => l.includes("import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY")) + 1;
      const found = run.findings.find((f) => f.code === "browser-exposed-secret-read" && f.file === c.file);
      expect(found, JSON.stringify(run.findings, null, 2)).toMatchObject({ severity: "high", line });
      expect(found!.message).toContain(`it feeds ${c.binding}, used at ${c.uses.join(", ")}`);
      expect(output).toContain(`[high] ${c.file}:${line}: VITE_SUPABASE_SERVICE_ROLE_KEY is a secret`);
    });

    it("leaves a marker at the read and moves nothing", () => {
      const after = readFileSync(path.join(dir, c.file), "utf8");
      expect(after).toContain("// ownit-todo: VITE_SUPABASE_SERVICE_ROLE_KEY is a secret");
      // Apart from the marker line, the file is what it was: same name, same read, same client.
      expect(
        after
          .split("\n")
          .filter((l) => !l.includes("ownit-todo:"))
          .join("\n"),
      ).toBe(before);
      expect(output).toMatch(/ownit-todo marker\(s\) left in the code/);
    });
  });
}
