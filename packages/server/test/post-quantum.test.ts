/**
 * Post-quantum CMKs (SPEC flow 5) through the official SDK's CommonClient against a running server: CreateKey for
 * ASYMMETRIC_Encrypt_Decrypt_Kyber_AES and ASYMMETRIC_SIGN_VERIFY_DILITHIUM, GetPublicKey (SPKI with the NIST OIDs),
 * ListAlgorithms, PostQuantumCryptoEncrypt / Decrypt / Sign / Verify — success paths checked locally with public
 * tools (@noble/post-quantum, node:crypto) and our own browser-reusable `@openkms/crypto/kyber-aes`, every
 * documented error code, and bad input.
 */
import { createCipheriv, createHash, generateKeyPairSync, hkdfSync, privateDecrypt, constants, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ml_dsa65 as nobleDsa } from "@noble/post-quantum/ml-dsa.js";
import { ml_kem768 as nobleKem } from "@noble/post-quantum/ml-kem.js";
import { encrypt as kyberAesEncrypt } from "@openkms/crypto/kyber-aes";
import * as sm2 from "@openkms/crypto/sm2";
import { encodePublicKeyPem } from "@openkms/crypto/spki";
import { b64, startServer, unb64, type Running } from "./_harness.js";

let kms: Running;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const KYBER = "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES";
const DILITHIUM = "ASYMMETRIC_SIGN_VERIFY_DILITHIUM";
let kyberId: string, dilithiumId: string, symmetricId: string, disabledKyber: string, disabledDilithium: string;

beforeAll(async () => {
  kms = await startServer({ edition: "sm" });
  const create = async (alias: string, usage?: string) =>
    (await kms.call("CreateKey", { Alias: alias, ...(usage ? { KeyUsage: usage } : {}) })).KeyId as string;
  kyberId = await create("pq-kyber", KYBER);
  dilithiumId = await create("pq-dilithium", DILITHIUM);
  symmetricId = await create("pq-sym");
  disabledKyber = await create("pq-kyber-off", KYBER);
  disabledDilithium = await create("pq-dilithium-off", DILITHIUM);
  await kms.call("DisableKeys", { KeyIds: [disabledKyber, disabledDilithium] });
});
afterAll(async () => {
  await kms.stop();
});

/** The raw key inside SPKI DER of the given total length (both PQC SPKIs have a 22-byte prefix). */
const rawFromSpki = (der: Buffer) => new Uint8Array(der.subarray(22));

describe("CreateKey / DescribeKey / ListAlgorithms for post-quantum usages", () => {
  it.each([KYBER, DILITHIUM])("creates an Enabled %s key", async (usage) => {
    const r = await kms.call("CreateKey", { Alias: `pq-new-${usage.length}`, KeyUsage: usage, Description: "pq" });
    expect(r).toMatchObject({ KeyState: "Enabled", KeyUsage: usage, Description: "pq", TagCode: 0 });
    const d = (await kms.call("DescribeKey", { KeyId: r.KeyId })).KeyMetadata;
    expect(d).toMatchObject({ KeyId: r.KeyId, KeyUsage: usage, KeyState: "Enabled", Origin: "TENCENT_KMS" });
  });
  it("keeps the exact mixed-case usage spelling and refuses other spellings", async () => {
    expect(await kms.fail("CreateKey", { Alias: "pq-case", KeyUsage: "ASYMMETRIC_ENCRYPT_DECRYPT_KYBER_AES" })).toBe("InvalidParameterValue.InvalidKeyUsage");
    expect(await kms.fail("CreateKey", { Alias: "pq-ext", KeyUsage: DILITHIUM, Type: 2 })).toBe("InvalidParameterValue.InvalidType");
  });
  it("ListAlgorithms lists Kyber_AES and Dilithium", async () => {
    const r = await kms.call("ListAlgorithms");
    expect(r.AsymmetricAlgorithms).toContainEqual({ Algorithm: "Kyber_AES", KeyUsage: KYBER });
    expect(r.AsymmetricSignVerifyAlgorithms).toContainEqual({ Algorithm: "Dilithium", KeyUsage: DILITHIUM });
  });
  it("ListKeyDetail with KeyUsage ALL shows them", async () => {
    const r = await kms.call("ListKeyDetail", { KeyUsage: "ALL", Limit: 200 });
    const usages = new Set((r.KeyMetadatas as { KeyUsage: string }[]).map((k) => k.KeyUsage));
    expect(usages.has(KYBER) && usages.has(DILITHIUM)).toBe(true);
  });
});

describe("GetPublicKey", () => {
  it("returns SPKI DER and PEM with id-alg-ml-kem-768 for a Kyber_AES key", async () => {
    const r = await kms.call("GetPublicKey", { KeyId: kyberId });
    const der = unb64(r.PublicKey);
    expect(r.KeyId).toBe(kyberId);
    expect(der.length).toBe(1206);
    // SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.4.2 }, BIT STRING { 0 unused bits, ek (1184 B) } }
    expect(der.subarray(0, 22).toString("hex")).toBe("308204b2300b0609608648016503040402038204a100");
    const lines = (r.PublicKeyPem as string).split("\n");
    expect(lines[0]).toBe("-----BEGIN PUBLIC KEY-----");
    expect(lines.at(-2)).toBe("-----END PUBLIC KEY-----");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(1, -3).every((l) => l.length === 64)).toBe(true);
    expect(lines.slice(1, -2).join("")).toBe(r.PublicKey);
    // The key works with an independent implementation.
    const { cipherText, sharedSecret } = nobleKem.encapsulate(rawFromSpki(der));
    expect(cipherText.length).toBe(1088);
    expect(sharedSecret.length).toBe(32);
  });
  it("returns SPKI with id-ml-dsa-65 for a Dilithium key", async () => {
    const der = unb64((await kms.call("GetPublicKey", { KeyId: dilithiumId })).PublicKey);
    expect(der.length).toBe(1974);
    expect(der.subarray(0, 22).toString("hex")).toBe("308207b2300b0609608648016503040312038207a100");
  });
  it.each([
    [() => ({ KeyId: symmetricId }), "InvalidParameterValue.InvalidKeyUsage"],
    [() => ({ KeyId: disabledKyber }), "ResourceUnavailable.CmkStateNotSupport"],
    [() => ({ KeyId: UNKNOWN }), "ResourceUnavailable.CmkNotFound"],
    [() => ({ KeyId: "not-a-key" }), "InvalidParameterValue.InvalidKeyId"],
    [() => ({ KeyId: 42 }), "InvalidParameter"],
    [() => ({}), "MissingParameter"],
    [() => ({ KeyId: kyberId, Extra: 1 }), "UnknownParameter"],
  ])("bad input %# → %s", async (params, code) => {
    expect(await kms.fail("GetPublicKey", params())).toBe(code);
  });
});

describe("PostQuantumCryptoEncrypt / PostQuantumCryptoDecrypt", () => {
  it("round-trips 1 and 4096 bytes; PlainText comes back with a capital T", async () => {
    for (const n of [1, 100, 4096]) {
      const pt = Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + n) & 0xff));
      const enc = await kms.call("PostQuantumCryptoEncrypt", { KeyId: kyberId, PlainText: pt.toString("base64") });
      expect(enc.KeyId).toBe(kyberId);
      const blob = unb64(enc.CiphertextBlob);
      expect(blob.length).toBe(n + 1154);
      expect(blob.subarray(0, 2).toString("hex")).toBe("0103");
      const dec = await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: enc.CiphertextBlob });
      expect(dec.KeyId).toBe(kyberId);
      expect(dec).not.toHaveProperty("Plaintext");
      expect(unb64(dec.PlainText).equals(pt)).toBe(true);
    }
  });

  it("decrypts a blob made locally with @openkms/crypto/kyber-aes from GetPublicKey alone", async () => {
    const spki = new Uint8Array(unb64((await kms.call("GetPublicKey", { KeyId: kyberId })).PublicKey));
    const pt = new TextEncoder().encode("made in the browser");
    const blob = kyberAesEncrypt({ keyId: kyberId, publicKey: spki }, pt);
    const dec = await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: b64(blob) });
    expect(Buffer.from(unb64(dec.PlainText)).toString()).toBe("made in the browser");
  });

  it("decrypts a blob built independently with @noble/post-quantum + node:crypto from the documented format", async () => {
    const ek = rawFromSpki(unb64((await kms.call("GetPublicKey", { KeyId: kyberId })).PublicKey));
    const { cipherText, sharedSecret } = nobleKem.encapsulate(ek);
    const okm = Buffer.from(hkdfSync("sha256", sharedSecret, Buffer.alloc(0), Buffer.from("OpenKMS Kyber_AES v1"), 44));
    const header = Buffer.concat([Buffer.from([1, 3]), Buffer.from(kyberId.replace(/-/g, ""), "hex"), createHash("sha3-256").update(ek).digest(), cipherText]);
    const c = createCipheriv("aes-256-gcm", okm.subarray(0, 32), okm.subarray(32, 44));
    c.setAAD(header);
    const body = Buffer.concat([c.update("interop"), c.final(), c.getAuthTag()]);
    const dec = await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: Buffer.concat([header, body]).toString("base64") });
    expect(unb64(dec.PlainText).toString()).toBe("interop");
  });

  it("a tampered blob anywhere (header, KEM ciphertext, AES ciphertext, tag, length) is InvalidParameterValue.InvalidCiphertext", async () => {
    const enc = await kms.call("PostQuantumCryptoEncrypt", { KeyId: kyberId, PlainText: b64("tamper") });
    const blob = unb64(enc.CiphertextBlob);
    const variants: Buffer[] = [];
    for (const pos of [0, 1, 18, 49, 50, 600, 1137, 1138, 1143, blob.length - 1]) {
      const bad = Buffer.from(blob);
      bad[pos]! ^= 0x01;
      variants.push(bad);
    }
    variants.push(blob.subarray(0, blob.length - 1), blob.subarray(0, 1153), Buffer.concat([blob, Buffer.from([0])]));
    for (const bad of variants) {
      expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: bad.toString("base64") })).toBe("InvalidParameterValue.InvalidCiphertext");
    }
  });

  it("a blob re-targeted at another Kyber_AES key, or at a symmetric key, is InvalidCiphertext", async () => {
    const other = (await kms.call("CreateKey", { Alias: "pq-kyber-2", KeyUsage: KYBER })).KeyId as string;
    const blob = unb64((await kms.call("PostQuantumCryptoEncrypt", { KeyId: kyberId, PlainText: b64("x") })).CiphertextBlob);
    for (const target of [other, symmetricId, dilithiumId]) {
      const moved = Buffer.from(blob);
      Buffer.from(target.replace(/-/g, ""), "hex").copy(moved, 2);
      expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: moved.toString("base64") })).toBe("InvalidParameterValue.InvalidCiphertext");
    }
    const symBlob = (await kms.call("Encrypt", { KeyId: symmetricId, Plaintext: b64("x") })).CiphertextBlob;
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: symBlob })).toBe("InvalidParameterValue.InvalidCiphertext");
  });

  it("a blob naming a key that does not exist is ResourceUnavailable.CmkNotFound; a disabled key is CmkDisabled", async () => {
    const spki = new Uint8Array(unb64((await kms.call("GetPublicKey", { KeyId: kyberId })).PublicKey));
    const ghost = kyberAesEncrypt({ keyId: randomUUID(), publicKey: spki }, new Uint8Array([1]));
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: b64(ghost) })).toBe("ResourceUnavailable.CmkNotFound");
    const key = (await kms.call("CreateKey", { Alias: "pq-kyber-3", KeyUsage: KYBER })).KeyId as string;
    const blob = (await kms.call("PostQuantumCryptoEncrypt", { KeyId: key, PlainText: b64("later") })).CiphertextBlob;
    await kms.call("DisableKey", { KeyId: key });
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkDisabled");
    await kms.call("EnableKey", { KeyId: key });
    expect(unb64((await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: blob })).PlainText).toString()).toBe("later");
  });

  it("re-wraps the plaintext to an EncryptionPublicKey (RSA-2048 OAEP, SM2 default and ASN.1)", async () => {
    const pt = Buffer.from("wrapped for the caller");
    const blob = (await kms.call("PostQuantumCryptoEncrypt", { KeyId: kyberId, PlainText: pt.toString("base64") })).CiphertextBlob;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = rsa.publicKey.export({ type: "spki", format: "pem" }) as string;
    for (const [alg, oaepHash] of [["RSAES_OAEP_SHA_256", "sha256"], ["RSAES_OAEP_SHA_1", "sha1"]] as const) {
      const r = await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: pem, EncryptionAlgorithm: alg });
      const out = privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, unb64(r.PlainText));
      expect(out.equals(pt)).toBe(true);
    }
    const s = sm2.generateKeyPair();
    const smPem = encodePublicKeyPem("SM2", s.publicKey);
    const raw = await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: smPem });
    expect(Buffer.from(sm2.decrypt(s.secretKey, new Uint8Array(unb64(raw.PlainText)), "C1C3C2")).equals(pt)).toBe(true);
    const asn = await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: smPem, EncryptionAlgorithm: "SM2_C1C3C2_ASN1" });
    expect(Buffer.from(sm2.decrypt(s.secretKey, new Uint8Array(unb64(asn.PlainText)), "C1C3C2_ASN1")).equals(pt)).toBe(true);
    // Bad re-wrap parameters.
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: pem, EncryptionAlgorithm: "RSA_WEIRD" })).toBe("InvalidParameter");
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionAlgorithm: "SM2" })).toBe("InvalidParameter");
    // A key that is not a PEM, or does not fit the algorithm: the wrap fails (reference §5.3), as on Decrypt.
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: "not a pem" })).toBe("FailedOperation.EncryptionError");
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: pem, EncryptionAlgorithm: "SM2" })).toBe("FailedOperation.EncryptionError");
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: blob, EncryptionPublicKey: smPem, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })).toBe("FailedOperation.EncryptionError");
    // 4096 bytes do not fit one RSA-2048 OAEP block.
    const big = (await kms.call("PostQuantumCryptoEncrypt", { KeyId: kyberId, PlainText: Buffer.alloc(4096, 1).toString("base64") })).CiphertextBlob;
    expect(await kms.fail("PostQuantumCryptoDecrypt", { CiphertextBlob: big, EncryptionPublicKey: pem, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })).toBe("FailedOperation.EncryptionError");
  });

  const encryptCases: [string, () => Record<string, unknown>, string][] = [
    ["4097-byte PlainText", () => ({ KeyId: kyberId, PlainText: Buffer.alloc(4097, 7).toString("base64") }), "InvalidParameterValue.InvalidPlaintext"],
    ["empty PlainText", () => ({ KeyId: kyberId, PlainText: "" }), "InvalidParameterValue.InvalidPlaintext"],
    ["unpadded base64", () => ({ KeyId: kyberId, PlainText: "dGVzdA" }), "InvalidParameterValue.InvalidPlaintext"],
    ["base64url alphabet", () => ({ KeyId: kyberId, PlainText: "-_-_" }), "InvalidParameterValue.InvalidPlaintext"],
    ["Plaintext spelled like Encrypt's (PlainText absent)", () => ({ KeyId: kyberId, Plaintext: b64("x") }), "MissingParameter"],
    ["Plaintext spelled like Encrypt's besides PlainText", () => ({ KeyId: kyberId, PlainText: b64("x"), Plaintext: b64("x") }), "UnknownParameter"],
    ["missing PlainText", () => ({ KeyId: kyberId }), "MissingParameter"],
    ["missing KeyId", () => ({ PlainText: b64("x") }), "MissingParameter"],
    ["numeric PlainText", () => ({ KeyId: kyberId, PlainText: 5 }), "InvalidParameter"],
    ["malformed KeyId", () => ({ KeyId: "abc", PlainText: b64("x") }), "InvalidParameterValue.InvalidKeyId"],
    ["unknown key", () => ({ KeyId: UNKNOWN, PlainText: b64("x") }), "ResourceUnavailable.CmkNotFound"],
    ["symmetric key", () => ({ KeyId: symmetricId, PlainText: b64("x") }), "InvalidParameterValue.InvalidKeyUsage"],
    ["Dilithium key", () => ({ KeyId: dilithiumId, PlainText: b64("x") }), "InvalidParameterValue.InvalidKeyUsage"],
    ["disabled key", () => ({ KeyId: disabledKyber, PlainText: b64("x") }), "ResourceUnavailable.CmkDisabled"],
  ];
  it.each(encryptCases)("PostQuantumCryptoEncrypt: %s", async (_name, params, code) => {
    expect(await kms.fail("PostQuantumCryptoEncrypt", params())).toBe(code);
  });

  const decryptCases: [string, Record<string, unknown>, string][] = [
    ["bad base64", { CiphertextBlob: "!!!!" }, "InvalidParameterValue.InvalidCiphertext"],
    ["empty blob", { CiphertextBlob: "" }, "InvalidParameterValue.InvalidCiphertext"],
    ["short blob", { CiphertextBlob: b64("short") }, "InvalidParameterValue.InvalidCiphertext"],
    ["missing blob", {}, "MissingParameter"],
    ["numeric blob", { CiphertextBlob: 1 }, "InvalidParameter"],
    ["unknown parameter", { CiphertextBlob: b64("x"), KeyId: UNKNOWN }, "UnknownParameter"],
  ];
  it.each(decryptCases)("PostQuantumCryptoDecrypt: %s", async (_name, params, code) => {
    expect(await kms.fail("PostQuantumCryptoDecrypt", params)).toBe(code);
  });
});

describe("PostQuantumCryptoSign / PostQuantumCryptoVerify", () => {
  it("signs (ML-DSA-65, hedged) and verifies, on the server and locally with GetPublicKey + @noble/post-quantum", async () => {
    const msg = Buffer.from("post-quantum signed message");
    const a = await kms.call("PostQuantumCryptoSign", { KeyId: dilithiumId, Message: msg.toString("base64") });
    const b = await kms.call("PostQuantumCryptoSign", { KeyId: dilithiumId, Message: msg.toString("base64") });
    const sigA = unb64(a.Signature), sigB = unb64(b.Signature);
    expect(sigA.length).toBe(3309);
    expect(sigA.equals(sigB)).toBe(false); // hedged: fresh randomness per signature
    for (const sig of [a.Signature, b.Signature]) {
      expect((await kms.call("PostQuantumCryptoVerify", { KeyId: dilithiumId, SignatureValue: sig, Message: msg.toString("base64") })).SignatureValid).toBe(true);
    }
    const pk = rawFromSpki(unb64((await kms.call("GetPublicKey", { KeyId: dilithiumId })).PublicKey));
    expect(nobleDsa.verify(new Uint8Array(sigA), new Uint8Array(msg), pk)).toBe(true); // pure, empty context
    expect(nobleDsa.verify(new Uint8Array(sigA), new Uint8Array(msg), pk, { context: Uint8Array.of(1) })).toBe(false);
  });

  it("signs and verifies messages of 1 and 4096 bytes (the limits)", async () => {
    for (const n of [1, 4096]) {
      const msg = Buffer.alloc(n, n & 0xff).toString("base64");
      const sig = (await kms.call("PostQuantumCryptoSign", { KeyId: dilithiumId, Message: msg })).Signature;
      expect((await kms.call("PostQuantumCryptoVerify", { KeyId: dilithiumId, SignatureValue: sig, Message: msg })).SignatureValid).toBe(true);
    }
  });

  it("SignatureValid is false for a wrong message, a tampered, truncated or foreign signature", async () => {
    const msg = b64("original");
    const sig = unb64((await kms.call("PostQuantumCryptoSign", { KeyId: dilithiumId, Message: msg })).Signature);
    const other = (await kms.call("CreateKey", { Alias: "pq-dilithium-2", KeyUsage: DILITHIUM })).KeyId as string;
    const flipped = Buffer.from(sig);
    flipped[10]! ^= 1;
    const cases: [string, string, string][] = [
      [dilithiumId, b64("0riginal"), sig.toString("base64")],
      [dilithiumId, msg, flipped.toString("base64")],
      [dilithiumId, msg, sig.subarray(0, 3308).toString("base64")],
      [dilithiumId, msg, Buffer.concat([sig, Buffer.from([0])]).toString("base64")],
      [dilithiumId, msg, ""],
      [other, msg, sig.toString("base64")],
    ];
    for (const [KeyId, Message, SignatureValue] of cases) {
      expect((await kms.call("PostQuantumCryptoVerify", { KeyId, SignatureValue, Message })).SignatureValid).toBe(false);
    }
  });

  const signCases: [string, () => Record<string, unknown>, string][] = [
    ["4097-byte Message", () => ({ KeyId: dilithiumId, Message: Buffer.alloc(4097, 1).toString("base64") }), "InvalidParameter"],
    ["empty Message", () => ({ KeyId: dilithiumId, Message: "" }), "InvalidParameter"],
    ["bad base64 Message", () => ({ KeyId: dilithiumId, Message: "@@@@" }), "InvalidParameter"],
    ["missing Message", () => ({ KeyId: dilithiumId }), "MissingParameter"],
    ["missing KeyId", () => ({ Message: b64("m") }), "MissingParameter"],
    ["unknown parameter (Algorithm)", () => ({ KeyId: dilithiumId, Message: b64("m"), Algorithm: "Dilithium" }), "UnknownParameter"],
    ["numeric Message", () => ({ KeyId: dilithiumId, Message: 3 }), "InvalidParameter"],
    ["malformed KeyId", () => ({ KeyId: "zzz", Message: b64("m") }), "InvalidParameterValue.InvalidKeyId"],
    ["unknown key", () => ({ KeyId: UNKNOWN, Message: b64("m") }), "ResourceUnavailable.CmkNotFound"],
    ["Kyber_AES key", () => ({ KeyId: kyberId, Message: b64("m") }), "InvalidParameterValue.InvalidKeyUsage"],
    ["symmetric key", () => ({ KeyId: symmetricId, Message: b64("m") }), "InvalidParameterValue.InvalidKeyUsage"],
    ["disabled key", () => ({ KeyId: disabledDilithium, Message: b64("m") }), "ResourceUnavailable.CmkStateNotSupport"],
  ];
  it.each(signCases)("PostQuantumCryptoSign: %s", async (_name, params, code) => {
    expect(await kms.fail("PostQuantumCryptoSign", params())).toBe(code);
  });

  const sig = () => b64(new Uint8Array(3309));
  const verifyCases: [string, () => Record<string, unknown>, string][] = [
    ["4097-byte Message", () => ({ KeyId: dilithiumId, SignatureValue: sig(), Message: Buffer.alloc(4097).toString("base64") }), "InvalidParameter"],
    ["empty Message", () => ({ KeyId: dilithiumId, SignatureValue: sig(), Message: "" }), "InvalidParameter"],
    ["bad base64 SignatureValue", () => ({ KeyId: dilithiumId, SignatureValue: "abc", Message: b64("m") }), "InvalidParameter"],
    ["missing SignatureValue", () => ({ KeyId: dilithiumId, Message: b64("m") }), "MissingParameter"],
    ["unknown parameter", () => ({ KeyId: dilithiumId, SignatureValue: sig(), Message: b64("m"), MessageType: "RAW" }), "UnknownParameter"],
    ["malformed KeyId", () => ({ KeyId: "1", SignatureValue: sig(), Message: b64("m") }), "InvalidParameterValue.InvalidKeyId"],
    ["unknown key", () => ({ KeyId: UNKNOWN, SignatureValue: sig(), Message: b64("m") }), "ResourceUnavailable.CmkNotFound"],
    ["Kyber_AES key", () => ({ KeyId: kyberId, SignatureValue: sig(), Message: b64("m") }), "InvalidParameterValue.InvalidKeyUsage"],
    ["disabled key", () => ({ KeyId: disabledDilithium, SignatureValue: sig(), Message: b64("m") }), "ResourceUnavailable.CmkStateNotSupport"],
  ];
  it.each(verifyCases)("PostQuantumCryptoVerify: %s", async (_name, params, code) => {
    expect(await kms.fail("PostQuantumCryptoVerify", params())).toBe(code);
  });
});

describe("the shared EncryptionPublicKey re-wrap (keys/rewrap.ts) on Decrypt and GenerateDataKey", () => {
  it("returns the plaintext / data key encrypted to an RSA-2048 key", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = rsa.publicKey.export({ type: "spki", format: "pem" }) as string;
    const open = (b64text: string) => privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, unb64(b64text));
    const blob = (await kms.call("Encrypt", { KeyId: symmetricId, Plaintext: b64("sym secret") })).CiphertextBlob;
    const d = await kms.call("Decrypt", { CiphertextBlob: blob, EncryptionPublicKey: pem, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
    expect(open(d.Plaintext).toString()).toBe("sym secret");
    const g = await kms.call("GenerateDataKey", { KeyId: symmetricId, KeySpec: "AES_256", EncryptionPublicKey: pem, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });
    const dek = open(g.Plaintext);
    expect(dek.length).toBe(32);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: g.CiphertextBlob })).Plaintext).equals(dek)).toBe(true);
  });
});

describe("post-quantum keys in the Archived state (docs/key-states.md)", () => {
  it("Kyber_AES: decrypts but does not encrypt; Dilithium: neither signs nor verifies", async () => {
    const k = (await kms.call("CreateKey", { Alias: "pq-archived-kyber", KeyUsage: KYBER })).KeyId as string;
    const d = (await kms.call("CreateKey", { Alias: "pq-archived-dilithium", KeyUsage: DILITHIUM })).KeyId as string;
    const blob = (await kms.call("PostQuantumCryptoEncrypt", { KeyId: k, PlainText: b64("kept") })).CiphertextBlob;
    const sig = (await kms.call("PostQuantumCryptoSign", { KeyId: d, Message: b64("m") })).Signature;
    await kms.call("ArchiveKey", { KeyId: k });
    await kms.call("ArchiveKey", { KeyId: d });
    expect(unb64((await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: blob })).PlainText).toString()).toBe("kept");
    expect(await kms.fail("PostQuantumCryptoEncrypt", { KeyId: k, PlainText: b64("x") })).toBe("ResourceUnavailable.CmkArchived");
    expect(await kms.fail("PostQuantumCryptoSign", { KeyId: d, Message: b64("m") })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("PostQuantumCryptoVerify", { KeyId: d, Message: b64("m"), SignatureValue: sig })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("GetPublicKey", { KeyId: k })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.call("CancelKeyArchive", { KeyId: d });
    expect((await kms.call("PostQuantumCryptoVerify", { KeyId: d, Message: b64("m"), SignatureValue: sig })).SignatureValid).toBe(true);
  });
});

describe("post-quantum keys across a restart", () => {
  it("old blobs decrypt, old signatures verify and the public key is unchanged after the server restarts", async () => {
    const blob = (await kms.call("PostQuantumCryptoEncrypt", { KeyId: kyberId, PlainText: b64("persisted") })).CiphertextBlob;
    const msg = b64("persisted");
    const signature = (await kms.call("PostQuantumCryptoSign", { KeyId: dilithiumId, Message: msg })).Signature;
    const pkBefore = (await kms.call("GetPublicKey", { KeyId: kyberId })).PublicKey;
    await kms.restart();
    expect(unb64((await kms.call("PostQuantumCryptoDecrypt", { CiphertextBlob: blob })).PlainText).toString()).toBe("persisted");
    expect((await kms.call("PostQuantumCryptoVerify", { KeyId: dilithiumId, SignatureValue: signature, Message: msg })).SignatureValid).toBe(true);
    expect((await kms.call("GetPublicKey", { KeyId: kyberId })).PublicKey).toBe(pkBefore);
  });
});
