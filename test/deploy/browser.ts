// Loads pages in Debian's headless Chromium (driven by playwright-core, fresh profile each time) and
// records what a person's browser would: console errors, uncaught exceptions and every request.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "playwright-core";
import { requireTool } from "../helpers/system-tools";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Hosts a migrated app must never call. */
export const BUILDER_HOSTS =
  /(^|\.)(lovable\.dev|lovable\.app|lovableproject\.com|gpteng\.co|gptengineer\.app|bolt\.new|bolt\.host|stackblitz\.com|stackblitz\.io|webcontainer\.io)$/i;

export interface ConsoleError {
  page: string;
  text: string;
  /** The resource the message is about (for "Failed to load resource"), else the page's script. */
  source: string;
}

export interface BrowserVisit {
  consoleErrors: ConsoleError[];
  /** Requests that got no response, with Chromium's reason. */
  failedRequests: string[];
  requests: string[];
  pagesLoaded: number;
}

export async function visit(urls: string[], check: (page: Page, url: string) => Promise<void>): Promise<BrowserVisit> {
  const profile = mkdtempSync(path.join(os.tmpdir(), "ownit-chromium-"));
  const result: BrowserVisit = { consoleErrors: [], failedRequests: [], requests: [], pagesLoaded: 0 };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: requireTool("chromium"),
    headless: true,
    args: FLAGS,
  });
  try {
    context.on("request", (request) => result.requests.push(request.url()));
    context.on("requestfailed", (request) =>
      result.failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? "failed"})`),
    );
    for (const url of urls) {
      const page = await context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error")
          result.consoleErrors.push({ page: url, text: message.text(), source: message.location().url });
      });
      page.on("pageerror", (error) => result.consoleErrors.push({ page: url, text: `uncaught ${error.message}`, source: url }));
      const response = await page.goto(url, { waitUntil: "networkidle", timeout: 30_000 });
      if (!response || response.status() !== 200)
        throw new Error(`${url} answered ${response?.status()}: ${(await response?.text())?.slice(0, 500)}`);
      await check(page, url);
      result.pagesLoaded++;
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return result;
}
