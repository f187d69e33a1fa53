// `npx ownit dump base44` at the terminal: the token comes from the environment and never
// shows, progress is a line per entity, a refused token is one line and a hint.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readExport } from "@ownit/db";
import { startBase44Standin, type Base44Standin } from "../helpers/base44-api";
import { capturedCli, cleanupTemp, copyFixture, tempDir } from "../helpers/project";

let api: Base44Standin;
const VAR = "OWNIT_TEST_BASE44_KEY";

beforeAll(async () => {
  api = await startBase44Standin({ taskCount: 120, rateLimit: { requests: 2, windowMs: 1000 } });
});
afterAll(async () => {
  delete process.env[VAR];
  await api?.stop();
  cleanupTemp();
});

describe("ownit dump base44", () => {
  it("exports the app found in the project folder, with the key from --token-env, and prints no secret", async () => {
    process.env[VAR] = api.apiKey;
    const project = copyFixture("base44");
    const out = path.join(tempDir(), "export");
    const cli = capturedCli();
    const code = await cli.run("dump", "base44", "--token-env", VAR, "--server-url", api.url, "--project", project, "--out", out);
    const all = [...cli.stdout, ...cli.stderr].join("\n");
    expect(code, all).toBe(0);
    expect(cli.stdout[0]).toBe(`dump        Base44 app (from the project), token from $${VAR}`);
    expect(cli.stdout).toContain(`  Task                     120 record(s)`);
    expect(all).toMatch(
      new RegExp(
        `exported    ${120 + api.records("Project").length + api.records("Comment").length + api.records("User").length} record\\(s\\) of 4 entit\\(ies\\) to ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`,
      ),
    );
    expect(all).toMatch(/waited out \d+ rate limit\(s\)/);
    expect(all).toContain("users were exported without passwords");
    expect(all).not.toContain(api.apiKey);
    expect(readExport(out).manifest.source.appId).toBe(api.appId);
  });

  it("a refused key is one line and a hint, exit 1, and the key never shows", async () => {
    const wrong = "fedcba9876543210fedcba9876543210";
    process.env[VAR] = wrong;
    const cli = capturedCli();
    const code = await cli.run(
      "dump",
      "base44",
      "--app-id",
      api.appId,
      "--token-env",
      VAR,
      "--server-url",
      api.url,
      "--out",
      path.join(tempDir(), "never"),
    );
    expect(code).toBe(1);
    expect(cli.stderr[0]).toBe(
      `error Base44 refused the API key (sent as the api_key header) for app ${api.appId} on ${new URL(api.url).host} (HTTP 401)`,
    );
    expect(cli.stderr[1]).toMatch(/^hint {2}use a personal API key of the app's owner .* --token-env BASE44_API_KEY$/);
    expect(cli.stderr).toHaveLength(2);
    expect([...cli.stdout, ...cli.stderr].join("\n")).not.toContain(wrong);
  });

  it("an empty --token-env variable is an error naming the variable", async () => {
    delete process.env[VAR];
    const cli = capturedCli();
    expect(await cli.run("dump", "base44", "--app-id", api.appId, "--token-env", VAR, "--server-url", api.url)).toBe(1);
    expect(cli.stderr[0]).toBe(`error environment variable ${VAR} is empty or not set`);
  });

  it("--token and --token-env together are refused", async () => {
    const cli = capturedCli();
    expect(await cli.run("dump", "base44", "--token", "x", "--token-env", VAR)).toBe(1);
    expect(cli.stderr[0]).toBe("error give the Base44 token once: --token or --token-env, not both");
  });

  it("without a project and without --app-id, says where to find the id", async () => {
    process.env[VAR] = api.apiKey;
    const cli = capturedCli();
    expect(
      await cli.run("dump", "base44", "--token-env", VAR, "--server-url", api.url, "--out", path.join(tempDir(), "no-id")),
    ).toBe(1);
    expect(cli.stderr[0]).toBe("error no Base44 app id: the project does not name one and --app-id was not given");
    expect(cli.stderr[1]).toContain("app.base44.com/apps/<id>/editor");
  });

  it("the old spelling `dump --from base44` still runs the Base44 dump, with its options, and names the new one", async () => {
    delete process.env[VAR];
    const cli = capturedCli();
    expect(await cli.run("dump", "--from", "base44", "--app-id", api.appId, "--token-env", VAR, "--out", tempDir())).toBe(1);
    expect(cli.stderr[0]).toBe("note: `ownit dump --from base44` is now `ownit dump base44`");
    expect(cli.stderr[1]).toBe(`error environment variable ${VAR} is empty or not set`);
  });

  it("`dump --help` keeps the Base44 options to `dump base44 --help`", async () => {
    const dump = capturedCli();
    await dump.run("dump", "--help");
    expect(dump.stdout.join("\n")).not.toContain("--token-env");
    expect(dump.stdout.join("\n")).toMatch(/base44 \[options\]/);
    const base44 = capturedCli();
    await base44.run("dump", "base44", "--help");
    expect(base44.stdout.join("\n")).toContain("--token-env <var>");
    expect(base44.stdout.join("\n")).toContain("--out <dir>");
  });
});
