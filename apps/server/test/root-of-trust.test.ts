/**
 * `openkms serve --root-key pkcs11:…` and `openkms admin rewrap --to …` as a user runs them, against a SoftHSM2 token
 * the test initialises: file root → PKCS#11 → file again, every ciphertext still decrypting, access keys still
 * working, the audit log still verifying; refusals with one clear line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSoftHsm } from "../../../packages/server/test/_softhsm.js";
import { killChildren, ok, run, sdkFor, serve } from "./_serve.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-rot-"));
const hsm = createSoftHsm("openkms-cli");
afterAll(() => {
  killChildren();
  hsm.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const b64 = (s: string) => Buffer.from(s).toString("base64");
const creds = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
const env = { SOFTHSM2_CONF: hsm.conf };

describe("openkms with the root key in a PKCS#11 token", () => {
  const dataDir = join(scratch, "data");
  const d = ["--data-dir", dataDir];
  const blobs: { blob: string; plain: string }[] = [];

  it("file root → rewrap into the token → serve from the token → rewrap back to a file", async () => {
    // 1. A data dir on a file root, with symmetric and asymmetric keys, a sub-user's access key, audit records.
    let s = await serve(d, env);
    let kms = sdkFor(creds(dataDir));
    const sym = (await kms.request("CreateKey", { Alias: "sym" })) as { KeyId: string };
    const asym = (await kms.request("CreateKey", { Alias: "rsa", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" })) as { KeyId: string };
    for (const plain of ["one", "two"]) {
      const { CiphertextBlob } = (await kms.request("Encrypt", { KeyId: sym.KeyId, Plaintext: b64(plain) })) as { CiphertextBlob: string };
      blobs.push({ blob: CiphertextBlob, plain });
    }
    await ok(["admin", "create-user", "app", ...d]);
    const ak = await ok(["admin", "create-access-key", "app", ...d]);
    expect(await s.stop()).toBe(0);

    // 2. Move to the token (the key is generated there); the old root.key no longer opens anything new.
    const moved = await ok(["admin", "rewrap", "--to", hsm.uri("openkms-root"), ...d], env);
    expect(moved.Moved).toBeGreaterThanOrEqual(6); // 2 key versions, 2 credentials, audit key, root check
    expect(moved.AlreadyMoved).toBe(0);
    expect(moved.Verified).toBe(moved.Moved);
    const noToken = await run(["serve", "--port", "0", ...d]);
    expect(noToken.code).toBe(2);
    expect(noToken.err.trim().split("\n")).toEqual([expect.stringMatching(/^openkms: the root key \(file:.*\) is not the one this data dir was created with$/)]);

    s = await serve([...d, "--root-key", hsm.uri("openkms-root")], env);
    kms = sdkFor(creds(dataDir));
    for (const { blob, plain } of blobs) {
      const { Plaintext } = (await kms.request("Decrypt", { CiphertextBlob: blob })) as { Plaintext: string };
      expect(Buffer.from(Plaintext, "base64").toString()).toBe(plain);
    }
    expect(((await kms.request("GetPublicKey", { KeyId: asym.KeyId })) as { PublicKeyPem: string }).PublicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
    const app = sdkFor({ ...creds(dataDir), SecretId: ak.SecretId, SecretKey: ak.SecretKey });
    await expect(app.request("ListKeys", {})).rejects.toMatchObject({ code: "UnauthorizedOperation" });
    expect(await s.stop()).toBe(0);
    expect((await run(["audit", "verify", ...d, "--root-key", hsm.uri("openkms-root")], env)).code).toBe(0);

    // 3. Back to a file root elsewhere; rewrapping again is a no-op that finds everything moved.
    const newKey = join(scratch, "new-root.key");
    const back = await ok(["admin", "rewrap", "--root-key", hsm.uri("openkms-root"), "--to", `file:${newKey}`, ...d], env);
    expect(back.Moved).toBe(moved.Moved); // serving added no wrapped values
    expect(back.Verified).toBe(back.Moved);
    expect(existsSync(newKey)).toBe(true);
    const again = await ok(["admin", "rewrap", "--root-key", hsm.uri("openkms-root"), "--to", `file:${newKey}`, ...d], env);
    expect(again).toMatchObject({ Moved: 0, AlreadyMoved: back.Moved, Verified: back.Moved });
    s = await serve([...d, "--root-key", `file:${newKey}`]);
    kms = sdkFor(creds(dataDir));
    const { Plaintext } = (await kms.request("Decrypt", { CiphertextBlob: blobs[0]!.blob })) as { Plaintext: string };
    expect(Buffer.from(Plaintext, "base64").toString()).toBe("one");
    expect(await s.stop()).toBe(0);
    expect((await run(["audit", "verify", ...d, "--root-key", `file:${newKey}`])).code).toBe(0);
  });

  it("refusals: a running server, the current key as target, a wrong PIN — exit 2, one line", async () => {
    const s = await serve([...d, "--root-key", `file:${join(scratch, "new-root.key")}`]);
    const busy = await run(["admin", "rewrap", "--to", hsm.uri("other"), "--root-key", `file:${join(scratch, "new-root.key")}`, ...d], env);
    expect(busy.code).toBe(2);
    expect(busy.err).toMatch(/^openkms: the data dir .* is in use by a running openkms/);
    expect(await s.stop()).toBe(0);

    const same = await run(["admin", "rewrap", "--to", `file:${join(dataDir, "root.key")}`, ...d]);
    expect(same.code).toBe(2);
    expect(same.err).toMatch(/--to must name a new key/);

    const wrongPin = join(scratch, "wrong-pin");
    writeFileSync(wrongPin, "0000\n");
    const fresh = join(scratch, "fresh");
    const r = await run(["serve", "--port", "0", "--data-dir", fresh, "--root-key", hsm.uri("openkms-root", wrongPin)], env);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toEqual([`openkms: PKCS#11 token "openkms-cli" refused the PIN`]);
  });
});
