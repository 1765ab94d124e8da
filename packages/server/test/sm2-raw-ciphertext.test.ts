/**
 * AsymmetricSm2Decrypt's documented extension: raw C1C3C2 (`[04] ‖ x ‖ y ‖ C3 ‖ C2`), as `sm-crypto` emits it, with
 * and without the 0x04 marker, beside GM/T 0009 ASN.1; any other malformed ciphertext's error names the accepted forms.
 * Through the official SDK against a running server.
 */
import smCrypto from "sm-crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
let keyId: string;
let publicKeyHex: string;
beforeAll(async () => {
  kms = await startServer();
  keyId = (await kms.call("CreateKey", { Alias: "sm2-raw", KeyUsage: "ASYMMETRIC_DECRYPT_SM2" })).KeyId;
  const spki = unb64((await kms.call("GetPublicKey", { KeyId: keyId })).PublicKey);
  publicKeyHex = spki.subarray(spki.length - 65).toString("hex"); // the uncompressed point 04 ‖ x ‖ y
  expect(publicKeyHex.startsWith("04")).toBe(true);
});
afterAll(async () => kms.stop());

const message = "raw C1C3C2 from sm-crypto";
const decrypt = (ct: Buffer) => kms.call("AsymmetricSm2Decrypt", { KeyId: keyId, Ciphertext: ct.toString("base64") });

describe("AsymmetricSm2Decrypt reads sm-crypto's raw C1C3C2", () => {
  it("x ‖ y ‖ C3 ‖ C2 (sm-crypto's default output, no 04)", async () => {
    const ct = Buffer.from(smCrypto.sm2.doEncrypt(message, publicKeyHex, 1), "hex");
    expect(ct.length).toBe(Buffer.byteLength(message) + 96);
    expect(unb64((await decrypt(ct)).Plaintext).toString()).toBe(message);
  });

  it("04 ‖ x ‖ y ‖ C3 ‖ C2", async () => {
    const ct = Buffer.from("04" + smCrypto.sm2.doEncrypt(message, publicKeyHex, 1), "hex");
    expect(unb64((await decrypt(ct)).Plaintext).toString()).toBe(message);
  });

  it("many ciphertexts: also those whose x starts with 0x30 or 0x04 (read as raw when ASN.1 fails)", async () => {
    for (let i = 0; i < 40; i++) {
      const hex = smCrypto.sm2.doEncrypt(`m${i}`, publicKeyHex, 1);
      for (const form of [hex, "04" + hex]) expect(unb64((await decrypt(Buffer.from(form, "hex"))).Plaintext).toString()).toBe(`m${i}`);
    }
  });

  it.each<[string, (ct: Buffer) => Buffer]>([
    ["flipped C3", (c) => Buffer.from(c.map((b, i) => (i === 70 ? b ^ 1 : b)))],
    ["cut to 96 bytes", (c) => c.subarray(0, 96)],
    ["C1C2C3 order (cipherMode 0)", () => Buffer.from(smCrypto.sm2.doEncrypt(message, publicKeyHex, 0), "hex")],
    ["text", () => Buffer.from("hello world, not a ciphertext")],
  ])("%s → FailedOperation.DecryptError naming the accepted forms", async (_n, mutate) => {
    const good = Buffer.from(smCrypto.sm2.doEncrypt(message, publicKeyHex, 1), "hex");
    const err = await kms.client.request("AsymmetricSm2Decrypt", { KeyId: keyId, Ciphertext: mutate(good).toString("base64") }).then(
      () => undefined, (e: { code: string; message: string }) => e,
    );
    expect(err?.code).toBe("FailedOperation.DecryptError");
    expect(err?.message).toMatch(/GM\/T 0009 ASN\.1/);
    expect(err?.message).toMatch(/\[04\] ‖ x ‖ y ‖ C3 ‖ C2/);
  });
});
