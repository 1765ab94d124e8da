/**
 * CORS in real Chromium: `openkms serve --cors-origin <site>`, and pages on two other origins that call the API with
 * `@openkms/client`'s KmsClient (bundled for the browser here with esbuild). The listed origin's calls succeed (the
 * browser sends a preflight first: signed requests carry Authorization and X-TC-* headers); the unlisted origin's
 * are blocked by the browser. Preflights are counted, not audited (the count is logged at shutdown).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, serve } from "./_serve.js";

const here = dirname(fileURLToPath(import.meta.url));

let browser: Browser;
let site: Server;
let other: Server;
let siteOrigin = "";
let otherOrigin = "";
let kms: { child: ChildProcess; url: string; dataDir: string; stderr: () => string; creds: { SecretId: string; SecretKey: string } };

/** A page that loads the client bundle; tests call `window.callKms(...)`. */
function pageServer(clientJs: string): Server {
  return createServer((req, res) => {
    if (req.url === "/client.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(clientJs);
      return;
    }
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><script type="module">
      import { KmsClient } from "/client.js";
      window.callKms = async (endpoint, secretId, secretKey, action) => {
        try {
          const r = await new KmsClient({ endpoint, secretId, secretKey, retry: { maxAttempts: 1 } }).requestAny(action, {});
          return { ok: true, response: r };
        } catch (e) {
          return { ok: false, name: e.name, code: e.code, message: String(e.message) };
        }
      };
      window.ready = true;
    </script>`);
  });
}

const listen = (s: Server) => new Promise<string>((r) => s.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: 'export { KmsClient } from "@openkms/client";', resolveDir: here, loader: "ts" },
    bundle: true, format: "esm", platform: "browser", write: false, logLevel: "warning",
  });
  const clientJs = bundle.outputFiles[0]!.text;
  site = pageServer(clientJs);
  other = pageServer(clientJs);
  siteOrigin = await listen(site);
  // Another origin: same host, another port.
  otherOrigin = await listen(other);

  const dataDir = mkdtempSync(join(tmpdir(), "openkms-cors-"));
  const { child, url, stderr } = await serve(["--data-dir", dataDir, "--cors-origin", siteOrigin]);
  const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
  kms = { child, url, dataDir, stderr, creds };
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
});

afterAll(async () => {
  await browser?.close();
  site?.close();
  other?.close();
  if (kms && kms.child.exitCode === null) {
    const exited = new Promise((r) => kms.child.on("exit", r));
    kms.child.kill("SIGTERM");
    await exited;
  }
  if (kms) rmSync(kms.dataDir, { recursive: true, force: true });
});

async function callFrom(origin: string, action: string, secretKey = kms.creds.SecretKey) {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return await page.evaluate(
      ([endpoint, id, key, a]) => (window as unknown as { callKms: (...x: string[]) => Promise<Record<string, unknown>> }).callKms(endpoint!, id!, key!, a!),
      [kms.url, kms.creds.SecretId, secretKey, action],
    );
  } finally {
    await page.close();
  }
}

describe("CORS in Chromium", () => {
  it("a page on a listed origin calls the API with KmsClient", async () => {
    const r = await callFrom(siteOrigin, "GetRegions");
    expect(r).toMatchObject({ ok: true, response: { Regions: ["ap-guangzhou"] } });
    const listed = await callFrom(siteOrigin, "ListKeys");
    expect(listed).toMatchObject({ ok: true, response: { TotalCount: 0 } });
  });

  it("the API's errors reach the page with their code", async () => {
    const r = await callFrom(siteOrigin, "GetRegions", "wrong-secret-key-0000000000000000");
    expect(r).toMatchObject({ ok: false, name: "KmsApiError", code: "AuthFailure.SignatureFailure" });
  });

  it("a page on another origin is blocked by the browser", async () => {
    const r = await callFrom(otherOrigin, "GetRegions");
    expect(r).toMatchObject({ ok: false, name: "KmsNetworkError" });
    expect(r.message).toMatch(/Failed to fetch/);
  });

  it("preflights are counted (logged at shutdown), and never audited", async () => {
    const exited = new Promise((r) => kms.child.on("exit", r));
    kms.child.kill("SIGTERM");
    await exited;
    const m = /"corsPreflights":\{"allowed":(\d+),"refused":(\d+)\}/.exec(kms.stderr());
    expect(m).not.toBeNull();
    // Chromium caches a preflight per (origin, URL, headers) for Access-Control-Max-Age: at least one each way.
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(Number(m![2])).toBeGreaterThanOrEqual(1);
    const audit = spawn(process.execPath, [bin, "audit", "query", "--data-dir", kms.dataDir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    audit.stdout!.on("data", (d) => (out += d));
    await new Promise((r) => audit.on("exit", r));
    const records = out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { action: string; code: string });
    // The three API calls from the listed origin, and nothing for the preflights or the blocked page.
    expect(records.map((r) => `${r.action}:${r.code}`)).toEqual(["GetRegions:Success", "ListKeys:Success", "GetRegions:AuthFailure.SignatureFailure"]);
  });
});
