/**
 * The console's other pages in real Chromium: BYOK end to end (GetParametersForImport → the page's `openssl`
 * commands run here → upload → ImportKeyMaterial → the key encrypts), local public-key encryption with
 * `@openkms/browser` for RSA, SM2 and Kyber_AES keys (the server decrypts), Sign/Verify and post-quantum sign/verify,
 * and the key page's lifecycle actions and public key download.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KmsClient } from "@openkms/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, newPage, problemsOf, serve, shot, signIn, stop, type Serving } from "./_console.js";

let kms: Serving;
let browser: Browser;
let api: KmsClient;
const keys = { rsa: "", sm2: "", kyber: "", sm2sign: "", dilithium: "", sym: "" };

beforeAll(async () => {
  kms = await serve();
  api = new KmsClient({ endpoint: kms.url, secretId: kms.creds.SecretId, secretKey: kms.creds.SecretKey });
  keys.rsa = (await api.createKey({ Alias: "rsa-dec", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" })).KeyId;
  keys.sm2 = (await api.createKey({ Alias: "sm2-dec", KeyUsage: "ASYMMETRIC_DECRYPT_SM2" })).KeyId;
  keys.kyber = (await api.createKey({ Alias: "kyber", KeyUsage: "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES" })).KeyId;
  keys.sm2sign = (await api.createKey({ Alias: "sm2-sign", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_SM2" })).KeyId;
  keys.dilithium = (await api.createKey({ Alias: "dilithium", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_DILITHIUM" })).KeyId;
  keys.sym = (await api.createKey({ Alias: "sym" })).KeyId;
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await stop(kms);
});

async function signedIn(): Promise<Page> {
  const page = await newPage(browser, 1280, 800);
  await signIn(page, kms);
  await page.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
  return page;
}

describe("BYOK", () => {
  it("creates an EXTERNAL key, runs the page's openssl commands, uploads the wrapped material and imports it", async () => {
    const page = await signedIn();
    await page.locator("summary", { hasText: "Create a key" }).click();
    await page.getByLabel("Alias", { exact: true }).fill("byok-key");
    await page.getByRole("switch").check();
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.locator(".created").textContent()).toContain("PendingImport");
    const keyId = (await page.locator(".created a").textContent())!;

    await page.getByRole("link", { name: "BYOK" }).click();
    await page.getByLabel("KeyId").fill(keyId);
    await page.getByLabel("WrappingAlgorithm").selectOption("RSAES_OAEP_SHA_256");
    await page.getByRole("button", { name: "GetParametersForImport" }).click();
    const commands = await (async () => {
      const box = page.getByLabel("Commands", { exact: true });
      await box.waitFor();
      return box.inputValue();
    })();
    expect(commands).toContain("openssl pkeyutl -encrypt -pubin -inkey wrapping-key.pem -in material.bin -out material.enc");
    expect(commands).toContain("openssl rand -out material.bin 16"); // sm edition: SM4, 16 bytes
    const dir = mkdtempSync(join(tmpdir(), "openkms-byok-"));
    try {
      writeFileSync(join(dir, "wrap.sh"), commands);
      execFileSync("bash", ["wrap.sh"], { cwd: dir, stdio: "pipe" });
      expect(readFileSync(join(dir, "material.enc"))).toHaveLength(256);
      await shot(page, "desktop-byok");
      await page.getByLabel("Wrapped material (material.enc)").setInputFiles(join(dir, "material.enc"));
      await page.getByRole("button", { name: "ImportKeyMaterial" }).click();
      await expect.poll(() => page.getByRole("status").textContent()).toContain("is now usable");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The key works now, with the imported material.
    expect((await api.describeKey({ KeyId: keyId })).KeyMetadata).toMatchObject({ KeyState: "Enabled", Origin: "EXTERNAL" });
    const { CiphertextBlob } = await api.encrypt({ KeyId: keyId, Plaintext: btoa("imported") });
    expect(atob((await api.decrypt({ CiphertextBlob })).Plaintext)).toBe("imported");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe("local public-key encryption with @openkms/browser", () => {
  it.each([
    ["rsa", "RSAES_OAEP_SHA_256"],
    ["rsa", "RSAES_OAEP_SHA_1"],
    ["sm2", "SM2"],
    ["kyber", "KYBER_AES"],
  ] as const)("%s key, %s: encrypted in the page, decrypted by the server", async (which, algorithm) => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Tools" }).click();
    const form = page.getByRole("form", { name: "Local public-key encryption" });
    await form.getByLabel("KeyId").fill(keys[which]);
    await form.getByLabel("Algorithm").selectOption(algorithm);
    await form.getByLabel("Plaintext").fill(`local ${algorithm} ✓`);
    const sent: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") sent.push(`${r.headers()["x-tc-action"]}:${r.postData() ?? ""}`);
    });
    await form.getByRole("button", { name: "Encrypt locally" }).click();
    const out = page.getByLabel("Ciphertext (base64)");
    await expect.poll(() => out.inputValue().catch(() => "")).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // Only GetPublicKey went to the server; the text never did.
    expect(sent.map((s) => s.split(":")[0])).toEqual(["GetPublicKey"]);
    expect(sent.join("\n")).not.toContain("local");
    await page.getByRole("button", { name: "Decrypt with the server to check" }).click();
    await expect.poll(() => page.locator("#tool-local [role=status]").textContent()).toBe(`The server decrypted it: local ${algorithm} ✓`);
    if (algorithm === "KYBER_AES") await shot(page, "desktop-tools-local-encrypt");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe("signatures", () => {
  it("Sign/Verify with an SM2 key, and post-quantum sign/verify with ML-DSA-65", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Tools" }).click();
    const form = page.getByRole("form", { name: "Sign or verify", exact: true });
    await form.getByLabel("KeyId").fill(keys.sm2sign);
    await form.getByLabel("Message", { exact: true }).fill("signed in the console");
    await form.getByRole("button", { name: "Sign", exact: true }).click();
    await expect.poll(() => form.getByLabel("Signature (base64)").inputValue()).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const signature = await form.getByLabel("Signature (base64)").inputValue();
    await form.getByRole("button", { name: "Verify", exact: true }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("SignatureValid: true");
    // The same signature, verified by the server outside the page.
    expect((await api.verifyByAsymmetricKey({ KeyId: keys.sm2sign, Algorithm: "SM2DSA", Message: btoa("signed in the console"), SignatureValue: signature })).SignatureValid).toBe(true);
    await form.getByLabel("Message", { exact: true }).fill("another message");
    await form.getByRole("button", { name: "Verify", exact: true }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("SignatureValid: false");

    const pq = page.getByRole("form", { name: "Post-quantum sign or verify" });
    await pq.getByLabel("KeyId").fill(keys.dilithium);
    await pq.getByLabel("Message", { exact: true }).fill("post-quantum");
    await pq.getByRole("button", { name: "Sign (post-quantum)" }).click();
    await expect.poll(() => pq.getByLabel("Signature (base64)").inputValue()).toMatch(/^[A-Za-z0-9+/]{100,}=*$/);
    await pq.getByRole("button", { name: "Verify (post-quantum)" }).click();
    await expect.poll(() => pq.getByRole("status").textContent()).toBe("SignatureValid: true");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe("the key page", () => {
  it("rotation on, rotate now, rotation off; schedule and cancel deletion; alias and description", async () => {
    const page = await signedIn();
    await page.goto(`${kms.url}/console/#/keys/${keys.sym}`);
    const meta = page.locator("dl.metadata");
    await meta.waitFor();
    await page.getByLabel("Rotate every (days, 7–365)").fill("30");
    await page.getByRole("button", { name: "Turn rotation on" }).click();
    await expect.poll(() => meta.textContent()).toContain("on, every 30 days");
    await page.getByRole("button", { name: "Rotate now" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Rotated.");
    expect((await api.describeKey({ KeyId: keys.sym })).KeyMetadata.LastRotateTime).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Turn rotation off" }).click();
    await expect.poll(() => meta.textContent()).toContain("Rotationoff");

    await page.getByLabel("Alias", { exact: true }).fill("renamed");
    await page.getByLabel("Description", { exact: true }).fill("changed in the console");
    await page.getByRole("button", { name: "Save alias and description" }).click();
    await expect.poll(() => meta.textContent()).toContain("changed in the console");
    expect((await api.describeKey({ KeyId: keys.sym })).KeyMetadata).toMatchObject({ Alias: "renamed", Description: "changed in the console" });

    await page.getByRole("button", { name: "Disable key" }).click();
    await page.getByRole("button", { name: "Schedule deletion" }).click();
    await expect.poll(() => meta.textContent()).toContain("PendingDelete");
    await shot(page, "desktop-key-pending-delete");
    await page.getByRole("button", { name: "Cancel deletion" }).click();
    await expect.poll(() => meta.textContent()).toContain("KeyStateDisabled");
    await page.getByRole("button", { name: "Enable key" }).click();
    await page.getByRole("button", { name: "Archive key" }).click();
    await expect.poll(() => meta.textContent()).toContain("Archived");
    await page.getByRole("button", { name: "Cancel archive" }).click();
    await expect.poll(() => meta.textContent()).toContain("KeyStateEnabled");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });

  it("shows an asymmetric key's public key and downloads it as PEM", async () => {
    const page = await signedIn();
    await page.goto(`${kms.url}/console/#/keys/${keys.rsa}`);
    const pem = page.getByLabel("PublicKeyPem");
    await expect.poll(() => pem.inputValue().catch(() => "")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const expected = (await api.getPublicKey({ KeyId: keys.rsa })).PublicKeyPem;
    expect(await pem.inputValue()).toBe(expected);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PEM" }).click()]);
    expect(download.suggestedFilename()).toBe("rsa-dec.pem");
    const path = await download.path();
    expect(readFileSync(path, "utf8")).toBe(expected);
    await shot(page, "desktop-key-public-key");
    expect(problemsOf(page)).toEqual([]);
    await page.context().close();
  });
});
