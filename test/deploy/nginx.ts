// Debian's nginx running an emitted server block without Docker: the config compose would mount,
// under a temp prefix, with `listen <port>` on a free loopback port and what only exists inside the
// image or compose's network (the html root, service host names) rewritten to local stand-ins.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { tempDir } from "../helpers/project";
import { requireTool } from "../helpers/system-tools";
import { waitForHttp } from "./docker-like";

export async function startNginx(
  siteConf: string,
  port: number,
  replace: Array<[string, string]>,
  readyPath: string,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const prefix = tempDir("ownit-nginx-");
  const listen = siteConf.match(/^\s*listen (\d+);$/m);
  expect(listen, "the emitted config listens on one port").not.toBeNull();
  let site = siteConf.replace(listen![0], `    listen 127.0.0.1:${port};`);
  for (const [from, to] of replace) {
    expect(site, `the emitted config contains ${from}`).toContain(from);
    site = site.split(from).join(to);
  }
  writeFileSync(path.join(prefix, "site.conf"), site);
  for (const d of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(prefix, d));
  writeFileSync(
    path.join(prefix, "nginx.conf"),
    `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log ${prefix}/access.log;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    include ${prefix}/site.conf;
}
`,
  );
  const nginx = spawn(
    requireTool("nginx"),
    ["-p", prefix, "-e", path.join(prefix, "error.log"), "-c", path.join(prefix, "nginx.conf")],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  children.push(nginx);
  let stderr = "";
  nginx.on("error", (e) => (stderr += `${String(e)} (install Debian's nginx package)`));
  nginx.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  try {
    await waitForHttp(`http://127.0.0.1:${port}${readyPath}`, 10_000);
  } catch (error) {
    throw new Error(
      `nginx did not start: ${stderr}\n${existsSync(path.join(prefix, "error.log")) ? readFileSync(path.join(prefix, "error.log"), "utf8") : ""}\n${String(error)}`,
    );
  }
  return nginx;
}
