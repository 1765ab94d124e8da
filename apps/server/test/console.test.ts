/**
 * The web console in real Chromium (playwright-core driving the Debian `chromium`, never a downloaded browser),
 * against `openkms serve` (the bundled binary) on a temp data dir: sign in, create a key, encrypt and decrypt a text,
 * disable the key and see the tool show `ResourceUnavailable.CmkDisabled`, find those calls on the audit page, a wrong
 * SecretKey shows the API's `AuthFailure…` code; at 1280×800 and at 390×844. Screenshots go to
 * `test-artifacts/console/` (gitignored). Also: the static files' headers and that nothing outside them is served.
 */
import { KmsClient } from "@openkms/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_ID_RE, launch, newPage as openPage, problemsOf, serve, shot, signIn as signInAs, stop, type Serving } from "./_console.js";

let kms: Serving;
let browser: Browser;

beforeAll(async () => {
  kms = await serve();
  // A key made through the API, so every page has something to show whatever test runs first.
  const api = new KmsClient({ endpoint: kms.url, secretId: kms.creds.SecretId, secretKey: kms.creds.SecretKey });
  await api.createKey({ Alias: "made-by-the-api", Description: "before the browser" });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stop(kms);
});

const newPage = (width: number, height: number): Promise<Page> => openPage(browser, width, height);
const signIn = (page: Page, secretKey?: string) => signInAs(page, kms, secretKey);

describe("the console at 1280×800", () => {
  it("a wrong SecretKey shows the API's AuthFailure code and stores nothing", async () => {
    const page = await newPage(1280, 800);
    await signIn(page, "x".repeat(32));
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toMatch(/^AuthFailure\.SignatureFailure\b/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await shot(page, "desktop-sign-in-refused");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it("sign in → key list; create a key; encrypt and decrypt; disable → CmkDisabled; the calls on the audit page", async () => {
    const page = await newPage(1280, 800);
    await signIn(page);
    await page.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/keys$/);
    // The credential lives in sessionStorage, nowhere else.
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(["openkms.console.credential"]);
    expect(await page.evaluate(() => localStorage.length + document.cookie.length)).toBe(0);

    // Create a key.
    await page.locator("summary", { hasText: "Create a key" }).click();
    await page.getByLabel("Alias", { exact: true }).fill("console-test");
    await page.getByLabel("Description").fill("made in Chromium");
    await page.getByRole("button", { name: "Create key" }).click();
    const created = page.locator(".created a");
    await created.waitFor();
    const keyId = (await created.textContent())!;
    expect(keyId).toMatch(KEY_ID_RE);
    // The list shows it, its KeyId in full.
    const row = page.locator("table tbody tr", { hasText: "console-test" });
    await row.waitFor();
    expect(await row.locator("td").first().textContent()).toBe(keyId);
    await shot(page, "desktop-keys");

    // Encrypt and decrypt a text with an EncryptionContext.
    await page.getByRole("link", { name: "Tools" }).click();
    const encrypt = page.getByRole("form", { name: "Encrypt", exact: true });
    await encrypt.getByLabel("KeyId").fill(keyId);
    await encrypt.getByLabel("Plaintext").fill("hello from the console ✓");
    await encrypt.getByLabel(/EncryptionContext/).fill('{"app":"console"}');
    await encrypt.getByRole("button", { name: "Encrypt" }).click();
    const blob = encrypt.getByLabel("CiphertextBlob");
    await expect.poll(() => blob.inputValue()).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const decrypt = page.getByRole("form", { name: "Decrypt", exact: true });
    expect(await decrypt.getByLabel("CiphertextBlob").inputValue()).toBe(await blob.inputValue());
    await decrypt.getByRole("button", { name: "Decrypt" }).click();
    const plaintext = decrypt.getByLabel("Plaintext", { exact: true });
    await expect.poll(() => plaintext.inputValue()).toBe("hello from the console ✓");
    // The wrong context is refused with the API's code.
    await decrypt.getByLabel(/EncryptionContext/).fill('{"app":"other"}');
    await decrypt.getByRole("button", { name: "Decrypt" }).click();
    await expect.poll(() => decrypt.getByRole("alert").textContent()).toMatch(/^InvalidParameterValue\.InvalidCiphertext\b/);
    await shot(page, "desktop-tools-encrypt-decrypt");

    // Disable the key on its page.
    await page.goto(`${kms.url}/console/#/keys/${keyId}`);
    await page.getByRole("button", { name: "Disable key" }).click();
    await page.getByRole("button", { name: "Enable key" }).waitFor();
    expect(await page.locator("dl.metadata").textContent()).toContain("Disabled");
    await shot(page, "desktop-key-detail-disabled");

    // The tool now shows the API's error code.
    await page.getByRole("link", { name: "Tools" }).click();
    await encrypt.getByLabel("KeyId").fill(keyId);
    await encrypt.getByLabel("Plaintext").fill("again");
    await encrypt.getByRole("button", { name: "Encrypt" }).click();
    const refused = encrypt.getByRole("alert");
    await expect.poll(() => refused.textContent()).toMatch(/^ResourceUnavailable\.CmkDisabled\b/);
    expect(await refused.locator(".error-code").textContent()).toBe("ResourceUnavailable.CmkDisabled");
    await shot(page, "desktop-tools-cmk-disabled");

    // Those calls on the audit page, filtered by the key.
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByLabel("KeyId").fill(keyId);
    await page.getByRole("button", { name: "Show records" }).click();
    await expect.poll(async () => (await page.locator("table tbody tr").allTextContents()).join("\n")).toContain("ResourceUnavailable.CmkDisabled");
    const rows = (await page.locator("table tbody tr").evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td")).slice(1, 3).map((td) => td.textContent).join(":")),
    )).filter((r) => !r.startsWith("OpenKMS.") && !r.startsWith("DescribeKey:")); // (the pages' own reads)
    expect(rows).toEqual([
      "Encrypt:ResourceUnavailable.CmkDisabled", "DisableKey:Success", "DisableKey:Started",
      "Decrypt:InvalidParameterValue.InvalidCiphertext", "Decrypt:Success", "Encrypt:Success", "CreateKey:Success",
    ]);
    // Filter by result: only the refusal.
    await page.getByLabel("Result").fill("ResourceUnavailable");
    await page.getByRole("button", { name: "Show records" }).click();
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(1);
    await shot(page, "desktop-audit");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe("the console at 390×844", () => {
  it("signs in, lists keys with each KeyId in full and within the screen, and uses the tools", async () => {
    const page = await newPage(390, 844);
    await signIn(page);
    await page.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
    const link = page.locator("table tbody tr td a.key-id").first();
    await link.waitFor();
    const keyId = (await link.textContent())!;
    expect(keyId).toMatch(KEY_ID_RE);
    const box = (await link.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    // No horizontal scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "mobile-keys", false);
    await page.getByRole("link", { name: "Tools" }).click();
    await page.getByRole("heading", { name: "Tools", level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "mobile-tools", false);
    await page.getByRole("link", { name: "Audit" }).click();
    await page.locator("table tbody tr").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "mobile-audit", false);
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it("is usable by keyboard: sign in with Tab and Enter", async () => {
    const page = await newPage(390, 844);
    await page.goto(`${kms.url}/console/`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("secret-id");
    await page.keyboard.type(kms.creds.SecretId);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("secret-key");
    await page.keyboard.type(kms.creds.SecretKey);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
    await page.context().close();
  });
});

describe("static files", () => {
  it("are served with their content types, an ETag and a CSP that allows only this origin", async () => {
    const index = await fetch(`${kms.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = index.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|https?:/);
    expect(index.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await index.text()).toContain('<script type="module" src="console.js">');
    const js = await fetch(`${kms.url}/console/console.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const css = await fetch(`${kms.url}/console/styles.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const etag = js.headers.get("etag")!;
    expect((await fetch(`${kms.url}/console/console.js`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    const bare = await fetch(`${kms.url}/console`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/console/");
  });

  it("never serves anything outside the console's files (no directory traversal)", async () => {
    const { request } = await import("node:http");
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const u = new URL(kms.url);
        const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        req.end();
      });
    for (const path of [
      "/console/../credentials.json", "/console/..%2fcredentials.json", "/console/%2e%2e/%2e%2e/etc/passwd",
      "/console/%2e%2e%2fopenkms.db", "/console//etc/passwd", "/console/..\\root.key", "/console/__proto__",
      "/console/constructor", "/console/index.html/", "/console/nope.js",
    ]) {
      const r = await raw(path);
      expect(r.body, path).not.toContain("SecretKey");
      expect(r.body, path).not.toContain("root:");
      if (r.status === 200) expect(r.body, path).toMatch(/^\{"Response"|<!doctype html>/); // normalised by the router to an API path or the index
      else expect([404, 308]).toContain(r.status);
    }
    expect((await raw("/console/nope.js")).status).toBe(404);
  });

  it("--console off serves no console", async () => {
    const off = await serve(["--console", "off"]);
    try {
      const r = await fetch(`${off.url}/console/`);
      expect(((await r.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toBe("UnsupportedProtocol");
    } finally {
      await stop(off);
    }
  });
});
