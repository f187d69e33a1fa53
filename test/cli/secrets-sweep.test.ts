// A database password with `@`, `/`, `%`, `:`, `#`, `?`, a space and unicode in it, given to every
// command that takes a connection (as a URL, percent-encoded or not, as `?password=`, and as a
// libpq `host=… password='…'` string), and put in every fixture's .env before `migrate`: no piece
// of it may appear in any command's stdout or stderr, nor in any file ownit writes.
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/postgres";
import { capturedCli, cleanupTemp, copyFixture, gitInit, tempDir } from "../helpers/project";

/** Every piece between the special characters is distinctive, so a partial leak is caught too. */
const PASSWORD = "Hunter2x@Sl4shy/Pc9t%25Qz8k:Ünïc0de€ T4ilz#Fr4g?Qm3r";
const PIECES = ["Hunter2x", "Sl4shy", "Pc9t", "25Qz8k", "Ünïc0de€", "T4ilz", "Fr4g", "Qm3r", encodeURIComponent(PASSWORD)];
/** A password as people paste it into a URL without encoding (no parser accepts it; it must still not print). */
const RAW = "Wr0ngly/Enc0ded@Pa55%wd";
const RAW_PIECES = ["Wr0ngly", "Enc0ded", "Pa55"];

let server: TestServer;
let port: string;

/** Every file under a folder (what ownit wrote there), as text. */
function filesUnder(dir: string, skip: (rel: string) => boolean = () => false): Array<{ rel: string; text: string }> {
  const out: Array<{ rel: string; text: string }> = [];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs)) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      if (name === "node_modules" || name === ".git" || skip(r)) continue;
      if (statSync(a).isDirectory()) walk(a, r);
      else out.push({ rel: r, text: readFileSync(a).toString("utf8") });
    }
  };
  if (existsSync(dir)) walk(dir, "");
  return out;
}

function expectNoPiece(where: string, text: string, pieces = [...PIECES, ...RAW_PIECES]): void {
  for (const piece of pieces)
    expect(
      text.includes(piece),
      `${where} shows "${piece}":\n${text.slice(Math.max(0, text.indexOf(piece) - 200), text.indexOf(piece) + 200)}`,
    ).toBe(false);
}

beforeAll(async () => {
  server = await startTestServer({ password: PASSWORD, prefer: "system" });
  await server.query(`CREATE DATABASE sweep_src`);
  await server.query(`CREATE TABLE public.notes (id int PRIMARY KEY, body text)`, [], "sweep_src");
  await server.query(`INSERT INTO public.notes VALUES (1, 'hello'), (2, 'world')`, [], "sweep_src");
  port = new URL(server.url()).port;
});

afterAll(async () => {
  await server?.dispose();
  cleanupTemp();
});

/** The same connection, written the ways people write it. */
function forms(database: string): Record<string, string> {
  return {
    url: server.url(database),
    query: `postgres://postgres@127.0.0.1:${port}/${database}?sslmode=disable&password=${encodeURIComponent(PASSWORD)}`,
    conninfo: `host=127.0.0.1 port=${port} user=postgres password='${PASSWORD.replace(/['\\]/g, "\\$&")}' dbname=${database}`,
    unencoded: `postgres://postgres:${RAW}@127.0.0.1:${port}/${database}`,
  };
}

describe("secrets sweep", () => {
  it("dump, restore, verify, runs and rollback never show the password, in any form, nor write it to a file", async () => {
    const work = tempDir("ownit-sweep-");
    const project = copyFixture("lovable-vite");
    let printed = "";
    let exportDir: string | undefined;
    for (const [form, from] of Object.entries(forms("sweep_src"))) {
      const out = path.join(work, `export-${form}`);
      const cli = capturedCli();
      const code = await cli.run("dump", "--from", from, "--out", out, "--force");
      printed += [...cli.stdout, ...cli.stderr].join("\n");
      if (code === 0 && !exportDir) exportDir = out;
      // A connection it cannot use is one clear line, never a stack.
      if (code !== 0) expect(code, `${form}: ${cli.stderr.join("\n")}`).toBe(1);
    }
    expect(exportDir, printed).toBeDefined();
    for (const [form, to] of Object.entries(forms("sweep_src"))) {
      for (const argv of [
        ["restore", exportDir!, "--to", to, "--allow-nonempty", "--project", project],
        ["verify", exportDir!, "--against", to],
        ["runs", project],
        ["rollback", project, "--db-url", to],
      ]) {
        const cli = capturedCli();
        await cli.run(...argv);
        printed += `\n${form} ${argv[0]}:\n${[...cli.stdout, ...cli.stderr].join("\n")}`;
      }
    }
    expectNoPiece("stdout/stderr", printed);
    for (const file of [...filesUnder(work), ...filesUnder(project)]) expectNoPiece(file.rel, file.text);
  });

  it("migrate on every fixture with the password in its .env prints it nowhere and copies it into no file", async () => {
    for (const fixture of ["lovable-vite", "lovable-tanstack", "bolt-vite", "base44"]) {
      const dir = copyFixture(fixture);
      gitInit(dir);
      const own = `\nDATABASE_URL=${server.url("sweep_src")}\nSUPABASE_DB_URL=postgres://postgres:${RAW}@db.example.test:5432/postgres\nPGPASSWORD='${PASSWORD}'\n`;
      appendFileSync(path.join(dir, ".env"), own);
      const cli = capturedCli();
      await cli.run("migrate", dir, "--yes");
      await cli.run("deploy", dir, "--yes", "--allow-dirty");
      expectNoPiece(`${fixture}: stdout/stderr`, [...cli.stdout, ...cli.stderr].join("\n"));
      // The owner's own .env keeps its values (it is theirs); nothing ownit writes may copy them.
      for (const file of filesUnder(dir, (rel) => rel === ".env")) expectNoPiece(`${fixture}: ${file.rel}`, file.text);
    }
  });
});
