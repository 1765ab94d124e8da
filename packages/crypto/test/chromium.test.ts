// The runtime-neutral cases (test/neutral/cases.ts) in real Chromium against the browser backend: bundled for the
// browser with esbuild (`#platform` → _platform-web.ts, WebCrypto; no Node built-in may reach the bundle), vectors
// fetched over HTTP. One test per case, named like the Node run (neutral.test.ts). Screenshot: test-artifacts/.
import { mkdir, readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, serveStatic } from "./_chromium.js";
import { neutralCases } from "./neutral/cases.js";
import type { CaseResult } from "./neutral/browser-entry.js";
import { vectorsDir } from "./_vectors.js";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, "..", "test-artifacts");

let browser: Browser | undefined;
let site: { origin: string; close(): Promise<void> } | undefined;
let run: { runtime: string; results: CaseResult[] };

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(here, "neutral", "browser-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    alias: { "#platform": join(here, "..", "src", "_platform-web.ts") },
    logLevel: "silent",
    plugins: [
      {
        name: "no-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.path.startsWith("node:") || isBuiltin(args.path)) {
              return { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] };
            }
            return undefined;
          });
        },
      },
    ],
  });
  const js = bundle.outputFiles[0]!.text;
  const vectors = vectorsDir();
  site = await serveStatic(async (path) => {
    if (path === "/") return { type: "text/html", body: `<!doctype html><meta charset="utf-8"><title>neutral cases</title><ol id="results"></ol><script type="module" src="/bundle.js"></script>` };
    if (path === "/bundle.js") return { type: "text/javascript", body: js };
    for (const [prefix, dir] of [["/vectors/", vectors], ["/golden/", join(here, "golden")]] as const) {
      if (path.startsWith(prefix)) {
        const rel = normalize(path.slice(prefix.length));
        if (rel.startsWith("..") || extname(rel) !== ".json") return undefined;
        return { type: "application/json", body: await readFile(join(dir, rel)) };
      }
    }
    return undefined;
  });
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${site.origin}/`);
  await page.waitForFunction(() => typeof (globalThis as { runNeutral?: unknown }).runNeutral === "function", undefined, { timeout: 30_000 });
  run = await page.evaluate(() => (globalThis as unknown as { runNeutral(): Promise<{ runtime: string; results: CaseResult[] }> }).runNeutral());
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "crypto-neutral-chromium.png"), fullPage: true });
  expect(errors).toEqual([]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it("runs on the browser backend (WebCrypto), not Node's", () => {
  expect(run.runtime).toBe("web");
});

for (const suite of new Set(neutralCases.map((c) => c.suite))) {
  describe(`neutral ${suite} (chromium)`, () => {
    for (const c of neutralCases.filter((x) => x.suite === suite)) {
      it(c.name, () => {
        const r = run.results.find((x) => x.suite === c.suite && x.name === c.name);
        expect(r, "case ran in the page").toBeDefined();
        expect(r!.error ?? "").toBe("");
        expect(r!.ok).toBe(true);
      });
    }
  });
}
