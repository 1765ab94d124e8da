/**
 * The package's browser entry in real Chromium (Debian `/usr/bin/chromium` or `$OPENKMS_CHROMIUM`, driven by
 * playwright-core; never a downloaded browser): bundled with esbuild for the browser (no Node built-in may reach the
 * bundle), served from 127.0.0.1 (a secure context, so WebCrypto is there). It decrypts the golden vectors and
 * round-trips both suites one-shot and through WHATWG streams (test/browser/entry.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { isBuiltin } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserResult } from "./browser/entry.js";

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.OPENKMS_CHROMIUM ?? "/usr/bin/chromium";

let browser: Browser | undefined;
let server: Server | undefined;
let run: { platform: string; results: BrowserResult[] };

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(here, "browser", "entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    // this package's tsconfig for every file: @openkms/crypto's own tsconfig maps #platform to its Node source for
    // its type checks, which must not reach a browser bundle (the package's imports map picks the web backend)
    tsconfig: join(here, "..", "tsconfig.json"),
    plugins: [{
      name: "no-node-builtins",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) =>
          args.path.startsWith("node:") || isBuiltin(args.path)
            ? { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] }
            : undefined);
      },
    }],
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url === "/bundle.js") return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(js);
    res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>`);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set OPENKMS_CHROMIUM)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => typeof (globalThis as { runEnvelope?: unknown }).runEnvelope === "function", undefined, { timeout: 30_000 });
  const golden = JSON.parse(readFileSync(join(here, "golden", "envelope-v1.json"), "utf8"));
  run = await page.evaluate((g) => (globalThis as unknown as { runEnvelope(g: unknown): Promise<typeof run> }).runEnvelope(g), golden);
  expect(errors).toEqual([]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe("in Chromium", () => {
  it("runs on the WebCrypto binding", () => {
    expect(run.platform).toBe("webcrypto");
  });
  const names = [
    "golden aes-empty", "golden aes-text-context", "golden aes-three-frames", "golden sm4-empty", "golden sm4-exact-frames",
    ...["AES_256_GCM", "SM4_GCM"].flatMap((s) => [`${s} one-shot round trip`, `${s} WHATWG streams round trip`, `${s} a flipped bit is InvalidCiphertext, a cut message Truncated`]),
  ];
  for (const name of names) {
    it(name, () => {
      const r = run.results.find((x) => x.name === name);
      expect(r, name).toBeDefined();
      expect(r!.detail ?? "").toBe("");
      expect(r!.ok).toBe(true);
    });
  }
});
