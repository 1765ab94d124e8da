/**
 * SPEC §1 flows 3 (asymmetric decryption) and 4 (signatures) through the official SDK against a running server,
 * with the `openssl` CLI on the other side in both directions, and the EncryptionPublicKey re-wrap of flow 2.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sm2 from "@openkms/crypto/sm2";
import { Openssl } from "./_openssl.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
let ossl: Openssl;
const keys: Record<string, string> = {};
const USAGES = [
  "ASYMMETRIC_DECRYPT_RSA_2048", "ASYMMETRIC_DECRYPT_SM2", "ASYMMETRIC_SIGN_VERIFY_SM2", "ASYMMETRIC_SIGN_VERIFY_RSA_2048",
  "ASYMMETRIC_SIGN_VERIFY_ECC", "ASYMMETRIC_SIGN_VERIFY_ECDSA384", "ASYMMETRIC_SIGN_VERIFY_RSA_3072",
];

beforeAll(async () => {
  kms = await startServer({ edition: "sm" });
  ossl = new Openssl();
  for (const usage of USAGES) {
    const r = await kms.call("CreateKey", { Alias: usage.toLowerCase().replace(/_/g, "-"), KeyUsage: usage });
    expect(r).toMatchObject({ KeyUsage: usage, KeyState: "Enabled" });
    keys[usage] = r.KeyId;
    const pub = await kms.call("GetPublicKey", { KeyId: r.KeyId });
    ossl.write(`${usage}.pem`, pub.PublicKeyPem);
  }
});
afterAll(async () => {
  await kms.stop();
  ossl.cleanup();
});

describe("CreateKey / ListAlgorithms / GetPublicKey", () => {
  it("ListAlgorithms lists the asymmetric usages", async () => {
    const r = await kms.call("ListAlgorithms");
    expect(r.AsymmetricAlgorithms).toEqual([
      { Algorithm: "RSA_2048", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" },
      { Algorithm: "SM2", KeyUsage: "ASYMMETRIC_DECRYPT_SM2" },
      { Algorithm: "Kyber_AES", KeyUsage: "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES" },
    ]);
    expect(r.AsymmetricSignVerifyAlgorithms).toEqual([
      { Algorithm: "SM2", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_SM2" },
      { Algorithm: "RSA_2048", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048" },
      { Algorithm: "ECC", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" },
      { Algorithm: "ECDSA384_SHA384", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECDSA384" },
      { Algorithm: "RSA_3072", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_3072" },
      { Algorithm: "Dilithium", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_DILITHIUM" },
    ]);
  });

  it.each(USAGES)("%s: DER SPKI + PEM (64 columns, trailing newline) that openssl loads", async (usage) => {
    const r = await kms.call("GetPublicKey", { KeyId: keys[usage] });
    expect(r.KeyId).toBe(keys[usage]);
    const der = unb64(r.PublicKey);
    const pem: string = r.PublicKeyPem;
    expect(pem.startsWith("-----BEGIN PUBLIC KEY-----\n")).toBe(true);
    expect(pem.endsWith("\n-----END PUBLIC KEY-----\n")).toBe(true);
    const body = pem.split("\n").slice(1, -2);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    expect(body.at(-1)!.length).toBeLessThanOrEqual(64);
    expect(Buffer.from(body.join(""), "base64").equals(der)).toBe(true);
    const text = ossl.run("pkey", "-pubin", "-in", `${usage}.pem`, "-text", "-noout");
    if (usage.endsWith("RSA_2048")) {
      expect(der.length).toBe(294);
      expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    } else if (usage.endsWith("RSA_3072")) {
      expect(der.length).toBe(422);
      expect(text).toMatch(/Public-Key: \(3072 bit\)/);
    } else if (usage.endsWith("ECDSA384")) {
      expect(der.length).toBe(120);
      expect(text).toMatch(/secp384r1|P-384/);
    } else if (usage.endsWith("SM2")) {
      expect(r.PublicKey.startsWith("MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE")).toBe(true); // SM2 curve OID 1.2.156.10197.1.301
      expect(text).toMatch(/SM2/);
    } else {
      expect(text).toMatch(/prime256v1|P-256/);
    }
  });

  it("fips edition does not offer SM2", async () => {
    const fips = await startServer({ edition: "fips" });
    try {
      expect(await fips.fail("CreateKey", { Alias: "sm2", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_SM2" })).toBe("UnsupportedOperation.UnsupportedKeyUsageInCurrentRegion");
      const r = await fips.call("CreateKey", { Alias: "rsa", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048" });
      expect(r.KeyState).toBe("Enabled");
      expect((await fips.call("ListAlgorithms")).AsymmetricAlgorithms).toEqual([
        { Algorithm: "RSA_2048", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" },
        { Algorithm: "Kyber_AES", KeyUsage: "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES" },
      ]);
    } finally {
      await fips.stop();
    }
  });

  it.each([
    [{ KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECDSA384", Type: 2 }, "InvalidParameterValue.InvalidType"],
    [{ KeyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_4096" }, "InvalidParameterValue.InvalidKeyUsage"],
    [{ KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048", Type: 2 }, "InvalidParameterValue.InvalidType"],
  ])("CreateKey %j → %s", async (params, code) => {
    expect(await kms.fail("CreateKey", { Alias: `bad-${Math.random().toString(36).slice(2, 8)}`, ...params })).toBe(code);
  });

  it("GetPublicKey refuses symmetric keys and keys that are not Enabled", async () => {
    const sym = (await kms.call("CreateKey", { Alias: "sym-for-pub" })).KeyId;
    expect(await kms.fail("GetPublicKey", { KeyId: sym })).toBe("InvalidParameterValue.InvalidKeyUsage");
    const k = (await kms.call("CreateKey", { Alias: "disabled-asym", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" })).KeyId;
    await kms.call("DisableKey", { KeyId: k });
    expect(await kms.fail("GetPublicKey", { KeyId: k })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("SignByAsymmetricKey", { KeyId: k, Algorithm: "ECC_P256_R1", Message: b64("m") })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("EnableKey", { KeyId: k });
    expect((await kms.call("GetPublicKey", { KeyId: k })).KeyId).toBe(k);
    expect(await kms.fail("GetPublicKey", { KeyId: "00000000-0000-4000-8000-000000000000" })).toBe("ResourceUnavailable.CmkNotFound");
    expect(await kms.fail("GetPublicKey", { KeyId: "nope" })).toBe("InvalidParameterValue.InvalidKeyId");
    expect(await kms.fail("GetPublicKey", {})).toBe("MissingParameter");
  });
});

describe("flow 3: openssl encrypts with the public key, the server decrypts", () => {
  const secret = "envelope key 0123456789abcdef";
  it.each([
    ["RSAES_OAEP_SHA_256", ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"]],
    ["RSAES_OAEP_SHA_1", ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1"]],
    ["RSAES_PKCS1_V1_5", ["-pkeyopt", "rsa_padding_mode:pkcs1"]],
  ])("RSA %s", async (algorithm, opts) => {
    ossl.write("pt.bin", secret);
    ossl.run("pkeyutl", "-encrypt", "-pubin", "-inkey", "ASYMMETRIC_DECRYPT_RSA_2048.pem", "-in", "pt.bin", "-out", "ct.bin", ...opts);
    const ct = ossl.read("ct.bin");
    expect(ct.length).toBe(256);
    const r = await kms.call("AsymmetricRsaDecrypt", { KeyId: keys.ASYMMETRIC_DECRYPT_RSA_2048, Ciphertext: ct.toString("base64"), Algorithm: algorithm });
    expect(r.KeyId).toBe(keys.ASYMMETRIC_DECRYPT_RSA_2048);
    expect(unb64(r.Plaintext).toString()).toBe(secret);
  });

  it("SM2 (C1C3C2 ASN.1 from openssl pkeyutl)", async () => {
    ossl.write("pt.bin", secret);
    ossl.run("pkeyutl", "-encrypt", "-pubin", "-inkey", "ASYMMETRIC_DECRYPT_SM2.pem", "-in", "pt.bin", "-out", "sm2.bin");
    const ct = ossl.read("sm2.bin");
    expect(ct[0]).toBe(0x30);
    const r = await kms.call("AsymmetricSm2Decrypt", { KeyId: keys.ASYMMETRIC_DECRYPT_SM2, Ciphertext: ct.toString("base64") });
    expect(unb64(r.Plaintext).toString()).toBe(secret);
  });

  it("an Archived decryption key still decrypts (decrypt-only) but gives no public key", async () => {
    const k = (await kms.call("CreateKey", { Alias: "archived-rsa", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" })).KeyId as string;
    ossl.write("archived.pem", (await kms.call("GetPublicKey", { KeyId: k })).PublicKeyPem);
    ossl.write("pt.bin", secret);
    ossl.run("pkeyutl", "-encrypt", "-pubin", "-inkey", "archived.pem", "-in", "pt.bin", "-out", "archived.bin", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
    await kms.call("ArchiveKey", { KeyId: k });
    const r = await kms.call("AsymmetricRsaDecrypt", { KeyId: k, Ciphertext: ossl.read("archived.bin").toString("base64"), Algorithm: "RSAES_OAEP_SHA_256" });
    expect(unb64(r.Plaintext).toString()).toBe(secret);
    expect(await kms.fail("GetPublicKey", { KeyId: k })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("DisableKey", { KeyId: k });
    expect(await kms.fail("AsymmetricRsaDecrypt", { KeyId: k, Ciphertext: ossl.read("archived.bin").toString("base64"), Algorithm: "RSAES_OAEP_SHA_256" })).toBe("ResourceUnavailable.CmkStateNotSupport");
  });

  it("every malformed RSA ciphertext gets the same FailedOperation.DecryptError", async () => {
    ossl.write("pt.bin", secret);
    ossl.run("pkeyutl", "-encrypt", "-pubin", "-inkey", "ASYMMETRIC_DECRYPT_RSA_2048.pem", "-in", "pt.bin", "-out", "ct.bin", "-pkeyopt", "rsa_padding_mode:pkcs1");
    const ct = ossl.read("ct.bin");
    const bad = [
      Buffer.from(ct).fill(0, 0, 1).fill(0xff, 1, 2), // corrupt the top bytes
      Buffer.concat([ct.subarray(0, 255)]), // truncated
      Buffer.concat([ct, Buffer.from([1])]), // extended
      Buffer.alloc(256, 0xff), // ≥ n
      Buffer.alloc(256, 0), // zero
      Buffer.from(ct.map((b, i) => (i === 200 ? b ^ 1 : b))),
    ];
    const messages = new Set<string>();
    for (const c of bad) {
      for (const algorithm of ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]) {
        try {
          await kms.client.request("AsymmetricRsaDecrypt", { KeyId: keys.ASYMMETRIC_DECRYPT_RSA_2048, Ciphertext: c.toString("base64"), Algorithm: algorithm });
          throw new Error("decrypted a malformed ciphertext");
        } catch (e) {
          expect((e as { code: string }).code).toBe("FailedOperation.DecryptError");
          messages.add((e as Error).message);
        }
      }
    }
    expect(messages.size).toBe(1);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["RSA: unknown Algorithm", { Algorithm: "RSAES_OAEP_SHA_512" }, "InvalidParameter"],
    ["RSA: missing Algorithm", { Algorithm: undefined }, "MissingParameter"],
    ["RSA: bad base64", { Ciphertext: "***" }, "InvalidParameter"],
    ["RSA: SM2 key", { KeyId: "ASYMMETRIC_DECRYPT_SM2" }, "InvalidParameterValue.InvalidKeyUsage"],
    ["RSA: signing key", { KeyId: "ASYMMETRIC_SIGN_VERIFY_RSA_2048" }, "InvalidParameterValue.InvalidKeyUsage"],
    ["RSA: unknown key", { KeyId: "00000000-0000-4000-8000-000000000000" }, "ResourceUnavailable.CmkNotFound"],
  ])("%s → %s", async (_n, over, code) => {
    const params: Record<string, unknown> = { KeyId: keys.ASYMMETRIC_DECRYPT_RSA_2048, Ciphertext: Buffer.alloc(256, 1).toString("base64"), Algorithm: "RSAES_OAEP_SHA_256", ...over };
    if (typeof over.KeyId === "string" && keys[over.KeyId]) params.KeyId = keys[over.KeyId];
    expect(await kms.fail("AsymmetricRsaDecrypt", params)).toBe(code);
  });

  it.each<[string, (ct: Buffer) => Buffer, string]>([
    ["flipped C3", (c) => Buffer.from(c.map((b, i) => (i === c.length - 40 ? b ^ 1 : b))), "FailedOperation.DecryptError"],
    ["flipped C2", (c) => Buffer.from(c.map((b, i) => (i === c.length - 1 ? b ^ 1 : b))), "FailedOperation.DecryptError"],
    ["point off the curve", (c) => Buffer.from(c.map((b, i) => (i === 10 ? b ^ 1 : b))), "FailedOperation.DecryptError"],
    ["not DER", () => Buffer.from("hello world, not a ciphertext"), "FailedOperation.DecryptError"],
    ["257 bytes", () => Buffer.alloc(257, 0x30), "InvalidParameter"],
  ])("SM2 %s → %s", async (_n, mutate, code) => {
    ossl.write("pt.bin", "sixteen byte msg");
    ossl.run("pkeyutl", "-encrypt", "-pubin", "-inkey", "ASYMMETRIC_DECRYPT_SM2.pem", "-in", "pt.bin", "-out", "sm2.bin");
    const good = ossl.read("sm2.bin");
    expect(await kms.fail("AsymmetricSm2Decrypt", { KeyId: keys.ASYMMETRIC_DECRYPT_SM2, Ciphertext: mutate(good).toString("base64") })).toBe(code);
  });
});

describe("flow 4: the server signs, openssl and VerifyByAsymmetricKey verify", () => {
  const message = Buffer.from("the quick brown fox jumps over the lazy dog\n");
  const cases: [string, string, string[]][] = [
    ["ASYMMETRIC_SIGN_VERIFY_SM2", "SM2DSA", ["-sm3", "-sigopt", "distid:1234567812345678"]],
    ["ASYMMETRIC_SIGN_VERIFY_ECC", "ECC_P256_R1", ["-sha256"]],
    ["ASYMMETRIC_SIGN_VERIFY_RSA_2048", "RSA_PSS_SHA_256", ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]],
    ["ASYMMETRIC_SIGN_VERIFY_RSA_2048", "RSA_PKCS1_SHA_256", ["-sha256"]],
    ["ASYMMETRIC_SIGN_VERIFY_ECDSA384", "ECDSA384_SHA384", ["-sha384"]],
    ["ASYMMETRIC_SIGN_VERIFY_RSA_3072", "RSA_PSS_SHA_256", ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]],
    ["ASYMMETRIC_SIGN_VERIFY_RSA_3072", "RSA_PKCS1_SHA_256", ["-sha256"]],
  ];
  it.each(cases)("%s %s RAW and DIGEST", async (usage, algorithm, dgstOpts) => {
    const KeyId = keys[usage];
    const raw = await kms.call("SignByAsymmetricKey", { KeyId, Algorithm: algorithm, Message: message.toString("base64") });
    const digest =
      algorithm === "SM2DSA"
        ? Buffer.from(sm2.digest(new Uint8Array(unb64((await kms.call("GetPublicKey", { KeyId })).PublicKey).subarray(-65)), message))
        : createHash(algorithm === "ECDSA384_SHA384" ? "sha384" : "sha256").update(message).digest();
    const dig = await kms.call("SignByAsymmetricKey", { KeyId, Algorithm: algorithm, Message: digest.toString("base64"), MessageType: "DIGEST" });
    ossl.write("msg.bin", message);
    for (const [name, sig] of [["raw", raw.Signature], ["digest", dig.Signature]] as const) {
      const sigBytes = unb64(sig);
      if (!algorithm.startsWith("RSA")) expect(sigBytes[0]).toBe(0x30); // DER
      else expect(sigBytes.length).toBe(usage.endsWith("RSA_3072") ? 384 : 256);
      ossl.write(`${name}.sig`, sigBytes);
      expect(ossl.ok("dgst", ...dgstOpts, "-verify", `${usage}.pem`, "-signature", `${name}.sig`, "msg.bin")).toBe(true);
      for (const [m, t] of [[message.toString("base64"), "RAW"], [digest.toString("base64"), "DIGEST"]] as const) {
        const v = await kms.call("VerifyByAsymmetricKey", { KeyId, Algorithm: algorithm, Message: m, MessageType: t, SignatureValue: sig });
        expect(v.SignatureValid).toBe(true);
      }
    }
    // wrong message → false, also through openssl
    const other = Buffer.from(message.toString().replace("fox", "cat"));
    ossl.write("other.bin", other);
    expect(ossl.ok("dgst", ...dgstOpts, "-verify", `${usage}.pem`, "-signature", "raw.sig", "other.bin")).toBe(false);
    const v = await kms.call("VerifyByAsymmetricKey", { KeyId, Algorithm: algorithm, Message: other.toString("base64"), SignatureValue: raw.Signature });
    expect(v.SignatureValid).toBe(false);
  });

  it.each(cases)("%s %s: a signature that is not one (right length, wrong bytes) verifies false", async (usage, algorithm) => {
    const KeyId = keys[usage];
    const garbage = Buffer.alloc(algorithm.startsWith("RSA") ? (usage.endsWith("RSA_3072") ? 384 : 256) : 70, 0x30).toString("base64");
    const v = await kms.call("VerifyByAsymmetricKey", { KeyId, Algorithm: algorithm, Message: b64("m"), SignatureValue: garbage });
    expect(v.SignatureValid).toBe(false);
  });

  it("a 4096-byte RAW message signs; 4097 does not; DIGEST must be the algorithm's digest length", async () => {
    const KeyId = keys.ASYMMETRIC_SIGN_VERIFY_ECC;
    await kms.call("SignByAsymmetricKey", { KeyId, Algorithm: "ECC_P256_R1", Message: Buffer.alloc(4096, 7).toString("base64") });
    expect(await kms.fail("SignByAsymmetricKey", { KeyId, Algorithm: "ECC_P256_R1", Message: Buffer.alloc(4097, 7).toString("base64") })).toBe("InvalidParameter");
    expect(await kms.fail("SignByAsymmetricKey", { KeyId, Algorithm: "ECC_P256_R1", Message: Buffer.alloc(31).toString("base64"), MessageType: "DIGEST" })).toBe("InvalidParameter");
    expect(await kms.fail("SignByAsymmetricKey", { KeyId, Algorithm: "ECC_P256_R1", Message: Buffer.alloc(33).toString("base64"), MessageType: "DIGEST" })).toBe("InvalidParameter");
    // A DIGEST is the algorithm's hash: 48 bytes (SHA-384) for ECDSA384_SHA384, 32 for the others.
    expect(await kms.fail("SignByAsymmetricKey", { KeyId, Algorithm: "ECC_P256_R1", Message: Buffer.alloc(48).toString("base64"), MessageType: "DIGEST" })).toBe("InvalidParameter");
    const p384 = keys.ASYMMETRIC_SIGN_VERIFY_ECDSA384;
    expect(await kms.fail("SignByAsymmetricKey", { KeyId: p384, Algorithm: "ECDSA384_SHA384", Message: Buffer.alloc(32).toString("base64"), MessageType: "DIGEST" })).toBe("InvalidParameter");
    expect(await kms.fail("VerifyByAsymmetricKey", { KeyId: p384, Algorithm: "ECDSA384_SHA384", Message: Buffer.alloc(32).toString("base64"), MessageType: "DIGEST", SignatureValue: b64("s") })).toBe("InvalidParameter");
    await kms.call("SignByAsymmetricKey", { KeyId: p384, Algorithm: "ECDSA384_SHA384", Message: Buffer.alloc(48).toString("base64"), MessageType: "DIGEST" });
    // An RSA algorithm does not fit the P-384 key, nor ECDSA384_SHA384 an RSA-3072 key.
    expect(await kms.fail("SignByAsymmetricKey", { KeyId: p384, Algorithm: "RSA_PSS_SHA_256", Message: b64("m") })).toBe("InvalidParameter");
    expect(await kms.fail("SignByAsymmetricKey", { KeyId: keys.ASYMMETRIC_SIGN_VERIFY_RSA_3072, Algorithm: "ECDSA384_SHA384", Message: b64("m") })).toBe("InvalidParameter");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["algorithm that does not fit the key", { Algorithm: "SM2DSA" }, "InvalidParameter"],
    ["unknown algorithm", { Algorithm: "ED25519" }, "InvalidParameter"],
    ["unknown MessageType", { MessageType: "HASH" }, "InvalidParameter"],
    ["bad base64 message", { Message: "@@@" }, "InvalidParameter"],
    ["decrypt key", { KeyId: "ASYMMETRIC_DECRYPT_RSA_2048", Algorithm: "RSA_PSS_SHA_256" }, "InvalidParameterValue.InvalidKeyUsage"],
    ["missing Message", { Message: undefined }, "MissingParameter"],
    ["missing Algorithm", { Algorithm: undefined }, "MissingParameter"],
    ["unknown parameter", { Hash: "x" }, "UnknownParameter"],
  ])("Sign: %s → %s", async (_n, over, code) => {
    const params: Record<string, unknown> = { KeyId: keys.ASYMMETRIC_SIGN_VERIFY_ECC, Algorithm: "ECC_P256_R1", Message: b64("m"), ...over };
    if (typeof over.KeyId === "string" && keys[over.KeyId]) params.KeyId = keys[over.KeyId];
    expect(await kms.fail("SignByAsymmetricKey", params)).toBe(code);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["bad base64 signature", { SignatureValue: "%%%" }, "InvalidParameter"],
    ["missing signature", { SignatureValue: undefined }, "MissingParameter"],
    ["algorithm that does not fit", { Algorithm: "RSA_PSS_SHA_256" }, "InvalidParameter"],
    ["symmetric key", { KeyId: "sym" }, "InvalidParameterValue.InvalidKeyUsage"],
  ])("Verify: %s → %s", async (_n, over, code) => {
    const sym = (await kms.call("CreateKey", { Alias: `sym-${Math.random().toString(36).slice(2, 8)}` })).KeyId;
    const params: Record<string, unknown> = { KeyId: keys.ASYMMETRIC_SIGN_VERIFY_SM2, Algorithm: "SM2DSA", Message: b64("m"), SignatureValue: b64("sig"), ...over };
    if (over.KeyId === "sym") params.KeyId = sym;
    expect(await kms.fail("VerifyByAsymmetricKey", params)).toBe(code);
  });

  it("a CiphertextBlob edited to name an asymmetric key is an invalid ciphertext", async () => {
    const sym = (await kms.call("CreateKey", { Alias: "blob-source" })).KeyId;
    const blob = unb64((await kms.call("Encrypt", { KeyId: sym, Plaintext: b64("x") })).CiphertextBlob);
    Buffer.from(keys.ASYMMETRIC_DECRYPT_SM2!.replace(/-/g, ""), "hex").copy(blob, 2);
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob.toString("base64") })).toBe("InvalidParameterValue.InvalidCiphertext");
    expect(await kms.fail("ReEncrypt", { CiphertextBlob: blob.toString("base64") })).toBe("InvalidParameterValue.InvalidCiphertext");
  });

  it("symmetric operations refuse asymmetric keys", async () => {
    expect(await kms.fail("Encrypt", { KeyId: keys.ASYMMETRIC_DECRYPT_SM2, Plaintext: b64("x") })).toBe("InvalidParameterValue.InvalidKeyUsage");
    expect(await kms.fail("GenerateDataKey", { KeyId: keys.ASYMMETRIC_SIGN_VERIFY_ECC, KeySpec: "AES_256" })).toBe("InvalidParameterValue.InvalidKeyUsage");
  });
});

describe("EncryptionPublicKey re-wrap (Decrypt, GenerateDataKey)", () => {
  let cmk: string;
  beforeAll(async () => {
    cmk = (await kms.call("CreateKey", { Alias: "rewrap-cmk" })).KeyId;
    ossl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "caller-rsa.key");
    ossl.run("pkey", "-in", "caller-rsa.key", "-pubout", "-out", "caller-rsa.pub");
    ossl.run("genpkey", "-algorithm", "SM2", "-out", "caller-sm2.key");
    ossl.run("pkey", "-in", "caller-sm2.key", "-pubout", "-out", "caller-sm2.pub");
    ossl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "caller-rsa3072.key");
    ossl.run("pkey", "-in", "caller-rsa3072.key", "-pubout", "-out", "caller-rsa3072.pub");
  });

  it.each([
    ["RSAES_OAEP_SHA_256", ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256"]],
    ["RSAES_OAEP_SHA_1", ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1"]],
    ["RSAES_PKCS1_V1_5", ["-pkeyopt", "rsa_padding_mode:pkcs1"]],
  ])("GenerateDataKey wraps the DEK with %s; openssl decrypts it to the DEK inside the blob", async (algorithm, opts) => {
    const pem = ossl.read("caller-rsa.pub").toString();
    const r = await kms.call("GenerateDataKey", { KeyId: cmk, KeySpec: "AES_256", EncryptionPublicKey: pem, EncryptionAlgorithm: algorithm });
    const wrapped = unb64(r.Plaintext);
    expect(wrapped.length).toBe(256);
    ossl.write("wrapped.bin", wrapped);
    ossl.run("pkeyutl", "-decrypt", "-inkey", "caller-rsa.key", "-in", "wrapped.bin", "-out", "dek.bin", ...opts);
    const dek = ossl.read("dek.bin");
    expect(dek.length).toBe(32);
    expect((await kms.call("Decrypt", { CiphertextBlob: r.CiphertextBlob })).Plaintext).toBe(dek.toString("base64"));
  });

  it("SM2_C1C3C2_ASN1: openssl decrypts; SM2 (default, raw C1C3C2 without 0x04, 128 bytes for 32): our SM2 decrypts", async () => {
    const pem = ossl.read("caller-sm2.pub").toString();
    const asn1 = await kms.call("GenerateDataKey", { KeyId: cmk, KeySpec: "AES_256", EncryptionPublicKey: pem, EncryptionAlgorithm: "SM2_C1C3C2_ASN1" });
    ossl.write("sm2wrapped.bin", unb64(asn1.Plaintext));
    ossl.run("pkeyutl", "-decrypt", "-inkey", "caller-sm2.key", "-in", "sm2wrapped.bin", "-out", "sm2dek.bin");
    expect((await kms.call("Decrypt", { CiphertextBlob: asn1.CiphertextBlob })).Plaintext).toBe(ossl.read("sm2dek.bin").toString("base64"));

    const raw = await kms.call("GenerateDataKey", { KeyId: cmk, KeySpec: "AES_256", EncryptionPublicKey: pem });
    const rawBytes = unb64(raw.Plaintext);
    expect(rawBytes.length).toBe(128);
    // the caller's private scalar, from openssl's text dump
    const text = ossl.run("pkey", "-in", "caller-sm2.key", "-text", "-noout");
    const privHex = /priv:\s*([\s\S]*?)\s*pub:/.exec(text)![1]!.replace(/[\s:]/g, "").padStart(64, "0").slice(-64);
    const dek = sm2.decrypt(new Uint8Array(Buffer.from(privHex, "hex")), new Uint8Array(rawBytes), "C1C3C2");
    expect((await kms.call("Decrypt", { CiphertextBlob: raw.CiphertextBlob })).Plaintext).toBe(Buffer.from(dek).toString("base64"));
  });

  it("Decrypt re-wraps the plaintext of a blob", async () => {
    const blob = (await kms.call("Encrypt", { KeyId: cmk, Plaintext: b64("database password") })).CiphertextBlob;
    const r = await kms.call("Decrypt", { CiphertextBlob: blob, EncryptionPublicKey: ossl.read("caller-rsa.pub").toString(), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
    ossl.write("dec-wrapped.bin", unb64(r.Plaintext));
    ossl.run("pkeyutl", "-decrypt", "-inkey", "caller-rsa.key", "-in", "dec-wrapped.bin", "-out", "dec.bin", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256");
    expect(ossl.read("dec.bin").toString()).toBe("database password");
  });

  it.each<[string, () => Record<string, unknown>, string]>([
    ["not a PEM", () => ({ EncryptionPublicKey: "hello", EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }), "FailedOperation.EncryptionError"],
    ["RSA key with an SM2 algorithm", () => ({ EncryptionPublicKey: ossl.read("caller-rsa.pub").toString(), EncryptionAlgorithm: "SM2" }), "FailedOperation.EncryptionError"],
    ["SM2 key, default algorithm is SM2", () => ({ EncryptionPublicKey: ossl.read("caller-sm2.pub").toString() }), "ok"],
    ["RSA key without algorithm (default SM2)", () => ({ EncryptionPublicKey: ossl.read("caller-rsa.pub").toString() }), "FailedOperation.EncryptionError"],
    ["RSA-3072 key", () => ({ EncryptionPublicKey: ossl.read("caller-rsa3072.pub").toString(), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }), "FailedOperation.EncryptionError"],
    ["unknown algorithm", () => ({ EncryptionPublicKey: ossl.read("caller-rsa.pub").toString(), EncryptionAlgorithm: "RSA_OAEP" }), "InvalidParameter"],
    ["1024-byte DEK too long for OAEP", () => ({ NumberOfBytes: 1024, KeySpec: undefined, EncryptionPublicKey: ossl.read("caller-rsa.pub").toString(), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }), "FailedOperation.EncryptionError"],
  ])("GenerateDataKey: %s → %s", async (_n, params, code) => {
    const p = { KeyId: cmk, KeySpec: "AES_256", ...params() };
    if (code === "ok") expect(unb64((await kms.call("GenerateDataKey", p)).Plaintext).length).toBe(128);
    else expect(await kms.fail("GenerateDataKey", p)).toBe(code);
  });
});
