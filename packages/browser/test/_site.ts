/**
 * The Chromium fixture of this package's tests: a KMS server (the server library, CORS on for the page's origin
 * only) and, on another origin, a static site serving the built package (`dist/`) to a page that puts it on
 * `window.openkms`. The page counts synchronous WebAssembly compilations (`new WebAssembly.Module`), which must stay 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { createKmsServer, type KmsServer } from "@openkms/server";
import { KmsClient } from "@openkms/client";
import type { Browser, Page } from "playwright-core";
import { launchChromium, serveStatic } from "../../crypto/test/_chromium.js";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
export const artifacts = join(here, "..", "test-artifacts");

export interface Site {
  server: KmsServer;
  /** The KMS endpoint, e.g. http://127.0.0.1:41234. */
  endpoint: string;
  /** The page's origin (another port: cross-origin to the endpoint). */
  pageOrigin: string;
  /** A Node-side client with the root credential (setup and checks). */
  kms: KmsClient;
  credential: { secretId: string; secretKey: string; region: string };
  browser: Browser;
  page: Page;
  /** Files the page may also fetch, by path (e.g. test data). */
  extra: Map<string, { type: string; body: Uint8Array | string }>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".map": "application/json", ".json": "application/json" };

export async function openSite(): Promise<Site> {
  const extra = new Map<string, { type: string; body: Uint8Array | string }>();
  const web = await serveStatic(async (path) => {
    if (path === "/") {
      return {
        type: "text/html",
        body: `<!doctype html><meta charset="utf-8"><title>@openkms/browser</title><h1>@openkms/browser in Chromium</h1><pre id="log"></pre>
<script type="module">import * as openkms from "/pkg/index.js"; window.openkms = openkms; window.log = (s) => { document.getElementById("log").textContent += s + "\\n"; };</script>`,
      };
    }
    if (path.startsWith("/pkg/")) {
      const rel = normalize(path.slice(5));
      if (rel.startsWith("..") || !TYPES[extname(rel)]) return undefined;
      return { type: TYPES[extname(rel)]!, body: await readFile(join(dist, rel)) };
    }
    return extra.get(path);
  });
  const dataDir = mkdtempSync(join(tmpdir(), "openkms-browser-test-"));
  let server: KmsServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createKmsServer({ port: 0, dataDir, rateLimits: { enabled: false }, corsOrigins: [web.origin] });
    const { url } = await server.listen();
    const credential = { secretId: server.credential.secretId, secretKey: server.credential.secretKey, region: server.region };
    const kms = new KmsClient({ endpoint: url, ...credential });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const g = globalThis as unknown as { __syncWasmCompiles: number };
      g.__syncWasmCompiles = 0;
      const Original = WebAssembly.Module;
      const Counting = function (this: unknown, bytes: BufferSource) {
        g.__syncWasmCompiles++;
        return new Original(bytes);
      } as unknown as typeof WebAssembly.Module;
      Object.assign(Counting, Original);
      Counting.prototype = Original.prototype;
      WebAssembly.Module = Counting;
    });
    await page.goto(`${web.origin}/`);
    await page.waitForFunction(() => "openkms" in globalThis, undefined, { timeout: 30_000 });
    const srv = server, b = browser;
    return {
      server: srv, endpoint: url, pageOrigin: web.origin, kms, credential, browser: b, page, extra,
      async close() {
        await b.close();
        await srv.close();
        await web.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close();
    await server?.close();
    await web.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
