// @openkms/browser in real Chromium (Debian chromium via playwright-core), the page on another origin than the KMS
// (CORS on for that origin): the built package (dist/) encrypts with each algorithm and the server decrypts; every
// signature algorithm the server signs verifies in the page, and fails after one flipped bit; bad input is a
// TypeError / RangeError naming the field; KmsClient calls the server from the page; no synchronous WASM compile.
import { mkdir } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import * as sm2 from "@openkms/crypto/sm2";
import { parsePublicKeyPem } from "@openkms/crypto/public-key";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifacts, openSite, type Site } from "./_site.js";

let site: Site;
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString("base64");

beforeAll(async () => {
  site = await openSite();
}, 120_000);

afterAll(async () => {
  if (!site) return;
  await mkdir(artifacts, { recursive: true });
  await site.page.screenshot({ path: join(artifacts, "browser-package-chromium.png"), fullPage: true });
  await site.close();
});

async function createKey(KeyUsage: string): Promise<{ keyId: string; pem: string }> {
  const { KeyId } = (await site.kms.requestAny("CreateKey", { Alias: `k-${KeyUsage.toLowerCase().replace(/_/g, "-")}-${Date.now()}`, KeyUsage })) as unknown as { KeyId: string };
  const { PublicKeyPem } = (await site.kms.requestAny("GetPublicKey", { KeyId })) as unknown as { PublicKeyPem: string };
  return { keyId: KeyId, pem: PublicKeyPem };
}

/** In the page: a KmsClient (its fetch and TC3 signing are the page's), one action; returns the response. */
function pageRequest(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  return site.page.evaluate(
    async ({ endpoint, credential, action, params }) => {
      const { KmsClient } = (globalThis as any).openkms;
      const kms = new KmsClient({ endpoint, ...credential });
      return kms.requestAny(action, params);
    },
    { endpoint: site.endpoint, credential: site.credential, action, params },
  );
}

describe("KmsClient in the page, cross-origin", () => {
  it("page and server are different origins; ListKeys answers through CORS with TC3 signed by WebCrypto", async () => {
    expect(new URL(site.endpoint).origin).not.toBe(site.pageOrigin);
    const res = await pageRequest("ListKeys", {});
    expect(res).toHaveProperty("RequestId");
    expect(typeof res.TotalCount).toBe("number");
  });

  it("an API error reaches the page with its code", async () => {
    const code = await site.page.evaluate(async ({ endpoint, credential }) => {
      const { KmsClient } = (globalThis as any).openkms;
      try {
        await new KmsClient({ endpoint, ...credential }).requestAny("DescribeKey", { KeyId: "00000000-0000-0000-0000-000000000000" });
        return "no error";
      } catch (e) {
        return (e as { code?: string }).code;
      }
    }, { endpoint: site.endpoint, credential: site.credential });
    expect(code).toBe("ResourceUnavailable.CmkNotFound");
  });
});

describe("publicKeyEncrypt in the page → the server decrypts", () => {
  const cases = [
    { algorithm: "RSAES_OAEP_SHA_256", usage: "ASYMMETRIC_DECRYPT_RSA_2048", size: 190 },
    { algorithm: "RSAES_OAEP_SHA_1", usage: "ASYMMETRIC_DECRYPT_RSA_2048", size: 214 },
    { algorithm: "SM2", usage: "ASYMMETRIC_DECRYPT_SM2", size: 146 },
    { algorithm: "KYBER_AES", usage: "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES", size: 4096 },
  ] as const;
  for (const c of cases) {
    it(`${c.algorithm}: 1 B, 32 B and the largest plaintext (${c.size} B) round-trip through the server`, async () => {
      const { keyId, pem } = await createKey(c.usage);
      for (const size of [1, 32, c.size]) {
        const plaintext = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
        const ciphertextB64 = await site.page.evaluate(
          async ({ pem, algorithm, plaintext, keyId }) => {
            const { publicKeyEncrypt } = (globalThis as any).openkms;
            const ct: Uint8Array = await publicKeyEncrypt({ publicKey: pem, algorithm, plaintext: new Uint8Array(plaintext), keyId });
            if (!(ct instanceof Uint8Array)) throw new Error("not a Uint8Array");
            (globalThis as any).log(`${algorithm}: ${plaintext.length} B → ${ct.length} B`);
            let s = "";
            for (const b of ct) s += String.fromCharCode(b);
            return btoa(s);
          },
          { pem, algorithm: c.algorithm, plaintext: Array.from(plaintext), keyId },
        );
        const res =
          c.algorithm === "SM2"
            ? await pageRequest("AsymmetricSm2Decrypt", { KeyId: keyId, Ciphertext: ciphertextB64 })
            : c.algorithm === "KYBER_AES"
              ? await pageRequest("PostQuantumCryptoDecrypt", { CiphertextBlob: ciphertextB64 })
              : await pageRequest("AsymmetricRsaDecrypt", { KeyId: keyId, Ciphertext: ciphertextB64, Algorithm: c.algorithm });
        const out = (res.Plaintext ?? res.PlainText) as string;
        expect(out, `${c.algorithm} ${size} B`).toBe(b64(plaintext));
      }
    });
  }
});

describe("verifySignature in the page ← the server signs", () => {
  const message = new TextEncoder().encode("signed by OpenKMS, verified in Chromium");
  const cases = [
    { algorithm: "SM2DSA", usage: "ASYMMETRIC_SIGN_VERIFY_SM2" },
    { algorithm: "ECC_P256_R1", usage: "ASYMMETRIC_SIGN_VERIFY_ECC" },
    { algorithm: "RSA_PSS_SHA_256", usage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048" },
    { algorithm: "RSA_PKCS1_SHA_256", usage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048" },
  ] as const;
  for (const c of cases) {
    for (const messageType of ["RAW", "DIGEST"] as const) {
      it(`${c.algorithm} ${messageType}: true, and false after one flipped bit (signature, then message)`, async () => {
        const { keyId, pem } = await createKey(c.usage);
        let signed: Uint8Array = message;
        if (messageType === "DIGEST") {
          const info = parsePublicKeyPem(pem);
          signed = c.algorithm === "SM2DSA" && info.type === "SM2" ? sm2.digest(info.point, message) : new Uint8Array(createHash("sha256").update(message).digest());
        }
        const { Signature } = (await site.kms.requestAny("SignByAsymmetricKey", { KeyId: keyId, Algorithm: c.algorithm, MessageType: messageType, Message: b64(signed) })) as unknown as { Signature: string };
        const verdicts = await site.page.evaluate(
          async ({ pem, algorithm, messageType, signed, signature }) => {
            const { verifySignature } = (globalThis as any).openkms;
            const msg = new Uint8Array(signed);
            const sig = Uint8Array.from(atob(signature), (ch) => ch.charCodeAt(0));
            const good = await verifySignature({ publicKey: pem, algorithm, message: msg, messageType, signature: sig });
            const badSig = sig.slice();
            badSig[Math.floor(badSig.length / 2)]! ^= 0x01;
            const flippedSig = await verifySignature({ publicKey: pem, algorithm, message: msg, messageType, signature: badSig });
            const badMsg = msg.slice();
            badMsg[0]! ^= 0x80;
            const flippedMsg = await verifySignature({ publicKey: pem, algorithm, message: badMsg, messageType, signature: sig });
            (globalThis as any).log(`${algorithm} ${messageType}: ${good} / ${flippedSig} / ${flippedMsg}`);
            return [good, flippedSig, flippedMsg];
          },
          { pem, algorithm: c.algorithm, messageType, signed: Array.from(signed), signature: Signature },
        );
        expect(verdicts).toEqual([true, false, false]);
      });
    }
  }

  it("ML_DSA_65 RAW (PostQuantumCryptoSign): true, and false after one flipped bit", async () => {
    const { keyId, pem } = await createKey("ASYMMETRIC_SIGN_VERIFY_DILITHIUM");
    const { Signature } = (await site.kms.requestAny("PostQuantumCryptoSign", { KeyId: keyId, Message: b64(message) })) as unknown as { Signature: string };
    const verdicts = await site.page.evaluate(
      async ({ pem, signed, signature }) => {
        const { verifySignature } = (globalThis as any).openkms;
        const msg = new Uint8Array(signed);
        const sig = Uint8Array.from(atob(signature), (ch) => ch.charCodeAt(0));
        const args = { publicKey: pem, algorithm: "ML_DSA_65", messageType: "RAW" };
        const good = await verifySignature({ ...args, message: msg, signature: sig });
        const badSig = sig.slice();
        badSig[100]! ^= 0x01;
        const bad = await verifySignature({ ...args, message: msg, signature: badSig });
        (globalThis as any).log(`ML_DSA_65 RAW: ${good} / ${bad} (signature ${sig.length} B)`);
        return [good, bad, sig.length];
      },
      { pem, signed: Array.from(message), signature: Signature },
    );
    expect(verdicts).toEqual([true, false, 3309]);
  });
});

describe("bad input is a TypeError / RangeError naming the field, never a silent result", () => {
  it("publicKeyEncrypt and verifySignature refuse malformed PEM, mismatched keys, wrong lengths, unknown names", async () => {
    const rsa = await createKey("ASYMMETRIC_DECRYPT_RSA_2048");
    const sm2Key = await createKey("ASYMMETRIC_DECRYPT_SM2");
    const kyber = await createKey("ASYMMETRIC_Encrypt_Decrypt_Kyber_AES");
    const ecc = await createKey("ASYMMETRIC_SIGN_VERIFY_ECC");
    const errors = await site.page.evaluate(
      async ({ rsa, sm2Key, kyber, ecc }) => {
        const { publicKeyEncrypt, verifySignature } = (globalThis as any).openkms;
        const one = new Uint8Array([1]);
        const attempts: [string, () => Promise<unknown>][] = [
          ["malformed PEM", () => publicKeyEncrypt({ publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", algorithm: "RSAES_OAEP_SHA_256", plaintext: one })],
          ["not PEM", () => publicKeyEncrypt({ publicKey: "hello", algorithm: "SM2", plaintext: one })],
          ["PEM not a string", () => publicKeyEncrypt({ publicKey: new Uint8Array(3), algorithm: "SM2", plaintext: one })],
          ["SM2 key for RSA", () => publicKeyEncrypt({ publicKey: sm2Key, algorithm: "RSAES_OAEP_SHA_256", plaintext: one })],
          ["RSA key for SM2", () => publicKeyEncrypt({ publicKey: rsa, algorithm: "SM2", plaintext: one })],
          ["unknown algorithm", () => publicKeyEncrypt({ publicKey: rsa, algorithm: "RSAES_PKCS1_V1_5", plaintext: one })],
          ["plaintext a string", () => publicKeyEncrypt({ publicKey: rsa, algorithm: "RSAES_OAEP_SHA_256", plaintext: "hi" })],
          ["plaintext too long", () => publicKeyEncrypt({ publicKey: rsa, algorithm: "RSAES_OAEP_SHA_256", plaintext: new Uint8Array(191) })],
          ["empty SM2 plaintext", () => publicKeyEncrypt({ publicKey: sm2Key, algorithm: "SM2", plaintext: new Uint8Array(0) })],
          ["KYBER_AES without keyId", () => publicKeyEncrypt({ publicKey: kyber, algorithm: "KYBER_AES", plaintext: one })],
          ["KYBER_AES bad keyId", () => publicKeyEncrypt({ publicKey: kyber, algorithm: "KYBER_AES", plaintext: one, keyId: "KEY-1" })],
          ["wrong-length digest", () => verifySignature({ publicKey: ecc, algorithm: "ECC_P256_R1", messageType: "DIGEST", message: new Uint8Array(31), signature: one })],
          ["DIGEST with ML_DSA_65", () => verifySignature({ publicKey: ecc, algorithm: "ML_DSA_65", messageType: "DIGEST", message: new Uint8Array(32), signature: one })],
          ["unknown messageType", () => verifySignature({ publicKey: ecc, algorithm: "ECC_P256_R1", messageType: "HASH", message: one, signature: one })],
          ["RSA key for ECC_P256_R1", () => verifySignature({ publicKey: rsa, algorithm: "ECC_P256_R1", messageType: "RAW", message: one, signature: one })],
          ["signature not bytes", () => verifySignature({ publicKey: ecc, algorithm: "ECC_P256_R1", messageType: "RAW", message: one, signature: "AAAA" })],
        ];
        const out: Record<string, string> = {};
        for (const [name, f] of attempts) {
          try {
            out[name] = `no error: ${String(await f())}`;
          } catch (e) {
            out[name] = `${(e as Error).name}: ${(e as Error).message}`;
          }
        }
        return out;
      },
      { rsa: rsa.pem, sm2Key: sm2Key.pem, kyber: kyber.pem, ecc: ecc.pem },
    );
    const expected: Record<string, RegExp> = {
      "malformed PEM": /^TypeError: "publicKey"/,
      "not PEM": /^TypeError: "publicKey"/,
      "PEM not a string": /^TypeError: "publicKey"/,
      "SM2 key for RSA": /^TypeError: "publicKey" is an SM2 key/,
      "RSA key for SM2": /^TypeError: "publicKey" is an RSA key/,
      "unknown algorithm": /^TypeError: "algorithm"/,
      "plaintext a string": /^TypeError: "plaintext"/,
      "plaintext too long": /^RangeError: "plaintext" expected at most 190 bytes/,
      "empty SM2 plaintext": /^RangeError: "plaintext"/,
      "KYBER_AES without keyId": /^TypeError: "keyId"/,
      "KYBER_AES bad keyId": /^RangeError: "keyId"/,
      "wrong-length digest": /^RangeError: "message" expected a 32-byte digest/,
      "DIGEST with ML_DSA_65": /^TypeError: "messageType"/,
      "unknown messageType": /^TypeError: "messageType"/,
      "RSA key for ECC_P256_R1": /^TypeError: "publicKey" is an RSA key/,
      "signature not bytes": /^TypeError: "signature"/,
    };
    for (const [name, re] of Object.entries(expected)) expect(errors[name], name).toMatch(re);
  });
});

describe("WebAssembly", () => {
  it("was never compiled synchronously in the page (SM2 and ML-KEM / ML-DSA ran above)", async () => {
    const counts = await site.page.evaluate(() => (globalThis as any).__syncWasmCompiles);
    expect(counts).toBe(0);
  });
});
