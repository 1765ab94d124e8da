/**
 * KmsKeyring and PublicKeyKeyring against a real started OpenKMS server, in both editions: data keys from
 * GenerateDataKey / Encrypt and unwrapped by Decrypt; public-key blobs made offline unwrapped by
 * AsymmetricRsaDecrypt / AsymmetricSm2Decrypt / PostQuantumCryptoDecrypt.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DataKeyCache, decrypt, encrypt, EnvelopeError, isEnvelopeError, KmsKeyring, PublicKeyKeyring, type PublicKeyAlgorithm,
} from "../src/node/index.js";
import { pattern, same } from "./_bytes.js";
import { startKms, type TestKms } from "./_server.js";

for (const edition of ["sm", "fips"] as const) {
  describe(`${edition} edition`, () => {
    let kms: TestKms;
    let k1: string, k2: string;
    beforeAll(async () => {
      kms = await startKms(edition);
      k1 = await kms.createKey();
      k2 = await kms.createKey();
    });
    afterAll(() => kms?.stop());

    const ctx = { tenant: "t-1", file: "report.pdf" };

    it("KmsKeyring: GenerateDataKey on the first CMK, Encrypt on the second; either one alone decrypts", async () => {
      const { client, calls } = kms.counting();
      const pt = pattern(100_000);
      const ct = await encrypt(pt, { keyring: new KmsKeyring({ client, keyIds: [k1, k2] }), encryptionContext: ctx, suite: edition === "sm" ? "SM4_GCM" : "AES_256_GCM" });
      expect(calls).toEqual({ GenerateDataKey: 1, Encrypt: 1 });
      for (const keyIds of [[k1], [k2], []]) {
        const { plaintext, header } = await decrypt(ct, { keyring: new KmsKeyring({ client: kms.client, keyIds }), encryptionContext: { tenant: "t-1" } });
        expect(same(plaintext, pt)).toBe(true);
        expect(header.encryptedDataKeys.map((e) => [e.provider, e.keyId, e.method])).toEqual([["kms", k1, "Decrypt"], ["kms", k2, "Decrypt"]]);
        expect(header.encryptionContext).toEqual(ctx);
      }
      // any one CMK suffices: with the first disabled, the second still opens it
      await kms.client.request("DisableKey", { KeyId: k1 });
      try {
        const { plaintext } = await decrypt(ct, { keyring: new KmsKeyring({ client: kms.client, keyIds: [] }) });
        expect(same(plaintext, pt)).toBe(true);
        const err = await decrypt(ct, { keyring: new KmsKeyring({ client: kms.client, keyIds: [k1] }) }).catch((e) => e);
        expect(isEnvelopeError(err, "NoDecryptableKey")).toBe(true);
        expect((err as Error).message).toContain(k1);
      } finally {
        await kms.client.request("EnableKey", { KeyId: k1 });
      }
    });

    it("KmsKeyring binds the data keys to the EncryptionContext at the KMS (Decrypt with another context fails)", async () => {
      const keyring = new KmsKeyring({ client: kms.client, keyIds: [k1] });
      const ct = await encrypt(pattern(10), { keyring, encryptionContext: ctx });
      const { header } = await decrypt(ct, { keyring });
      const err = await keyring.onDecrypt({ suite: header.suite, encryptionContext: { tenant: "t-2", file: "report.pdf" }, encryptedDataKeys: header.encryptedDataKeys }).catch((e) => e);
      expect(err).toBeInstanceOf(Error);
      expect(String((err as Error).message)).toMatch(/InvalidCiphertext|InvalidParameter/);
    });

    it("KmsKeyring: a KeyId that names no key fails encryption with KeyringFailure and the API's code", async () => {
      const err = await encrypt(pattern(10), { keyring: new KmsKeyring({ client: kms.client, keyIds: ["00000000-0000-0000-0000-000000000000"] }) }).catch((e) => e);
      expect(err).toBeInstanceOf(EnvelopeError);
      expect(err.code).toBe("KeyringFailure");
      expect(err.message).toContain("ResourceUnavailable.CmkNotFound");
      const none = await encrypt(pattern(10), { keyring: new KmsKeyring({ client: kms.client, keyIds: [] }) }).catch((e) => e);
      expect(none.code).toBe("KeyringFailure");
    });

    it("a DataKeyCache: 20 concurrent encryptions under one context make one GenerateDataKey call; decryptions one Decrypt", async () => {
      const { client, calls } = kms.counting();
      const keyring = new KmsKeyring({ client, keyIds: [k1] });
      const cache = new DataKeyCache({ maxAgeSeconds: 60 });
      const cts = await Promise.all(Array.from({ length: 20 }, (_, i) => encrypt(pattern(1024, i), { keyring, cache, encryptionContext: ctx })));
      expect(calls).toEqual({ GenerateDataKey: 1 });
      const other = await encrypt(pattern(1024), { keyring, cache, encryptionContext: { tenant: "t-2" } });
      expect(calls).toEqual({ GenerateDataKey: 2 });
      const dcache = new DataKeyCache({ maxAgeSeconds: 60 });
      const pts = await Promise.all(cts.map((c) => decrypt(c, { keyring, cache: dcache })));
      pts.forEach((p, i) => expect(same(p.plaintext, pattern(1024, i))).toBe(true));
      expect(calls.Decrypt).toBe(1);
      await decrypt(other, { keyring, cache: dcache });
      expect(calls.Decrypt).toBe(2);
    });

    const publicKeyCases: { algorithm: PublicKeyAlgorithm; keyUsage: string; action: string }[] = [
      { algorithm: "RSAES_OAEP_SHA_256", keyUsage: "ASYMMETRIC_DECRYPT_RSA_2048", action: "AsymmetricRsaDecrypt" },
      ...(edition === "sm" ? [{ algorithm: "SM2" as const, keyUsage: "ASYMMETRIC_DECRYPT_SM2", action: "AsymmetricSm2Decrypt" }] : []),
      { algorithm: "KYBER_AES", keyUsage: "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES", action: "PostQuantumCryptoDecrypt" },
    ];
    for (const { algorithm, keyUsage, action } of publicKeyCases) {
      it(`PublicKeyKeyring ${algorithm}: encrypts with the public key alone; ${action} at the server opens it`, async () => {
        const keyId = await kms.createKey(keyUsage);
        const publicKey = await kms.publicKeyPem(keyId);
        const pt = pattern(3000);
        const ct = await encrypt(pt, { keyring: new PublicKeyKeyring({ keyId, publicKey, algorithm }), encryptionContext: ctx });
        // without a client it cannot decrypt
        const noClient = await decrypt(ct, { keyring: new PublicKeyKeyring({ keyId, publicKey, algorithm }) }).catch((e) => e);
        expect(isEnvelopeError(noClient, "NoDecryptableKey")).toBe(true);
        const { client, calls } = kms.counting();
        const { plaintext, header } = await decrypt(ct, { keyring: new PublicKeyKeyring({ keyId, publicKey, algorithm, client }) });
        expect(same(plaintext, pt)).toBe(true);
        expect(calls).toEqual({ [action]: 1 });
        expect(header.encryptedDataKeys[0]).toMatchObject({ provider: "kms", keyId });
        // a KmsKeyring in discovery mode opens it too (what `openkms decrypt` uses)
        const again = await decrypt(ct, { keyring: new KmsKeyring({ client: kms.client, keyIds: [] }) });
        expect(same(again.plaintext, pt)).toBe(true);
      });
    }

    it("PublicKeyKeyring refuses a public key that does not fit its algorithm, naming the field", async () => {
      const rsa = await kms.createKey("ASYMMETRIC_DECRYPT_RSA_2048");
      const pem = await kms.publicKeyPem(rsa);
      expect(() => new PublicKeyKeyring({ keyId: rsa, publicKey: pem, algorithm: "SM2" })).toThrow(/"publicKey"/);
      expect(() => new PublicKeyKeyring({ keyId: rsa, publicKey: pem, algorithm: "KYBER_AES" })).toThrow(/"publicKey"/);
      expect(() => new PublicKeyKeyring({ keyId: rsa, publicKey: "nope", algorithm: "RSAES_OAEP_SHA_256" })).toThrow(RangeError);
      expect(() => new PublicKeyKeyring({ keyId: rsa, publicKey: pem, algorithm: "RSAES_PKCS1_V1_5" as never })).toThrow(/"algorithm"/);
    });
  });
}
