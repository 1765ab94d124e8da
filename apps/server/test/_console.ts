/**
 * Shared by the console's Chromium tests: `openkms serve` (the bundled binary) on a temp data dir, Chromium from the
 * Debian package (playwright-core, never a downloaded browser), pages that record script errors, sign-in, and
 * screenshots into `test-artifacts/console/` (gitignored).
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { bin, serve as serveCommand } from "./_serve.js";

const here = dirname(fileURLToPath(import.meta.url));
export { bin };
export const artifacts = join(here, "../test-artifacts/console");
export const KEY_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Serving {
  child: ChildProcess;
  url: string;
  dataDir: string;
  creds: { SecretId: string; SecretKey: string };
  stderr(): string;
}

/** Start `openkms serve --port 0` on a fresh data dir with `args`; resolves once it listens. */
export async function serve(args: string[] = []): Promise<Serving> {
  const dataDir = mkdtempSync(join(tmpdir(), "openkms-console-"));
  const { child, url, stderr } = await serveCommand(["--data-dir", dataDir, "--log-level", "warn", ...args]);
  const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8")) as Serving["creds"];
  return { child, url, dataDir, creds, stderr };
}

/** SIGTERM the server, wait for it, remove its data dir. */
export async function stop(s: Serving | undefined): Promise<void> {
  if (!s) return;
  if (s.child.exitCode === null) {
    const exited = new Promise((r) => s.child.on("exit", r));
    s.child.kill("SIGTERM");
    await exited;
  }
  rmSync(s.dataDir, { recursive: true, force: true });
}

export function launch(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
}

const problems = new WeakMap<Page, string[]>();

/** A page in its own context at `width`×`height` that records uncaught errors and console errors. */
export async function newPage(browser: Browser, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const list: string[] = [];
  problems.set(page, list);
  page.on("pageerror", (e) => list.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) list.push(`console: ${m.text()}`);
  });
  return page;
}

/** Script errors the page reported (uncaught exceptions, console errors other than failed loads). */
export const problemsOf = (page: Page): string[] => problems.get(page) ?? [];

/** Open the console and submit the sign-in form. */
export async function signIn(page: Page, kms: Serving, secretKey = kms.creds.SecretKey): Promise<void> {
  await page.goto(`${kms.url}/console/`);
  await page.getByLabel("SecretId").fill(kms.creds.SecretId);
  await page.getByLabel("SecretKey").fill(secretKey);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A screenshot of the whole page (desktop) or of what the screen shows (`fullPage: false`, phone). */
export const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage });
