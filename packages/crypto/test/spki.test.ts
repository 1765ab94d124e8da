import { createPrivateKey, createPublicKey } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import * as ecdsa from "../src/ecdsa-p256.js";
import { encryptTo } from "../src/encrypt-to.js";
import * as rsa from "../src/rsa.js";
import * as oaep from "../src/rsaes-oaep.js";
import * as pkcs1 from "../src/rsaes-pkcs1v15.js";
import * as sm2 from "../src/sm2.js";
import {
  encodePrivateKey,
  encodePublicKey,
  encodePublicKeyPem,
  fromPem,
  isInvalidKeyError,
  parsePrivateKey,
  parsePublicKey,
  parsePublicKeyPem,
  toPem,
} from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";
import { toHex } from "./_vectors.js";

function invalidKey(fn: () => unknown): boolean {
  try {
    fn();
  } catch (e) {
    return isInvalidKeyError(e);
  }
  return false;
}

const rsaKeys = rsa.generateKeyPair();
const sm2Keys = sm2.generateKeyPair();
const p256Keys = ecdsa.generateKeyPair();

describe("SubjectPublicKeyInfo and PEM", () => {
  it("PEM: 64-column lines, trailing newline, same as OpenSSL's for RSA", () => {
    const pem = encodePublicKeyPem("RSA", rsaKeys.publicKey);
    expect(pem.endsWith("-----END PUBLIC KEY-----\n")).toBe(true);
    for (const line of pem.split("\n")) expect(line.length).toBeLessThanOrEqual(64);
    expect(pem).toBe(createPublicKey({ key: Buffer.from(rsaKeys.publicKey), format: "der", type: "spki" }).export({ type: "spki", format: "pem" }));
  });
  it("EC SPKI is 91 bytes and parses back; RSA keeps its bits", () => {
    for (const [type, pk] of [["SM2", sm2Keys.publicKey], ["P-256", p256Keys.publicKey]] as const) {
      const der = encodePublicKey(type, pk);
      expect(der.length).toBe(91);
      expect(parsePublicKey(der)).toEqual({ type, publicKey: pk });
      expect(parsePublicKeyPem(encodePublicKeyPem(type, pk))).toEqual({ type, publicKey: pk });
    }
    expect(parsePublicKeyPem(encodePublicKeyPem("RSA", rsaKeys.publicKey))).toEqual({ type: "RSA", publicKey: rsaKeys.publicKey, bits: 2048 });
  });
  it("rejects malformed and unsupported keys", () => {
    expect(invalidKey(() => parsePublicKeyPem("not a pem"))).toBe(true);
    expect(invalidKey(() => parsePublicKeyPem("-----BEGIN PUBLIC KEY-----\nAA*A\n-----END PUBLIC KEY-----\n"))).toBe(true);
    expect(invalidKey(() => parsePublicKeyPem(toPem("PRIVATE KEY", rsaKeys.secretKey)))).toBe(true);
    expect(invalidKey(() => parsePublicKeyPem(toPem("PUBLIC KEY", new Uint8Array(10))))).toBe(true);
    const off = sm2Keys.publicKey.slice();
    off[64] = off[64]! ^ 1;
    expect(invalidKey(() => encodePublicKey("SM2", off))).toBe(true);
    // an SM2 point is (almost surely) not on P-256
    expect(invalidKey(() => encodePublicKey("P-256", sm2Keys.publicKey))).toBe(true);
    expect(fromPem("-----BEGIN X-----\nAAEC\n-----END X-----\n").der).toEqual(Uint8Array.of(0, 1, 2));
  });
  it("PKCS#8 round trips; Node loads our EC PKCS#8", () => {
    for (const [type, keys] of [["SM2", sm2Keys], ["P-256", p256Keys]] as const) {
      const der = encodePrivateKey(type, keys.secretKey);
      expect(der.length).toBe(138);
      expect(parsePrivateKey(der)).toEqual({ type, secretKey: keys.secretKey });
      const pub = createPublicKey(createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" }));
      expect(toHex(new Uint8Array(pub.export({ type: "spki", format: "der" })))).toBe(toHex(encodePublicKey(type, keys.publicKey)));
    }
    expect(parsePrivateKey(rsaKeys.secretKey)).toEqual({ type: "RSA", secretKey: rsaKeys.secretKey, bits: 2048 });
    expect(encodePrivateKey("RSA", rsaKeys.secretKey)).toEqual(rsaKeys.secretKey);
    expect(invalidKey(() => parsePrivateKey(new Uint8Array(20)))).toBe(true);
    expect(invalidKey(() => encodePrivateKey("SM2", new Uint8Array(32)))).toBe(true);
  });
});

describe("keys against the openssl CLI", () => {
  const ossl = new OpensslDir();
  afterAll(() => ossl.cleanup());
  it("openssl pkey -pubin loads our SM2, P-256 and RSA PEMs unchanged", () => {
    for (const [type, pk, name] of [
      ["SM2", sm2Keys.publicKey, /SM2|sm2/],
      ["P-256", p256Keys.publicKey, /prime256v1|P-256/],
      ["RSA", rsaKeys.publicKey, /2048 bit/],
    ] as const) {
      const pem = encodePublicKeyPem(type, pk);
      ossl.write("pub.pem", pem);
      expect(ossl.run(["pkey", "-pubin", "-in", "pub.pem"])).toBe(pem);
      expect(ossl.run(["pkey", "-pubin", "-in", "pub.pem", "-text", "-noout"])).toMatch(name);
    }
  });
  it("parses openssl-made keys: PKCS#8 equals ours byte for byte (EC); PEM publics incl. RSA PUBLIC KEY and compressed SM2", () => {
    for (const [type, curve] of [["SM2", "SM2"], ["P-256", "P-256"]] as const) {
      ossl.run(["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", "k.pem"]);
      ossl.run(["pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-outform", "DER", "-out", "k.der"]);
      const der = ossl.read("k.der");
      const parsed = parsePrivateKey(der);
      expect(parsed.type).toBe(type);
      expect(toHex(encodePrivateKey(type, parsed.secretKey))).toBe(toHex(der));
      const pub = ossl.run(["pkey", "-in", "k.pem", "-pubout"]);
      const sk = parsed.secretKey;
      const expectedPub = type === "SM2" ? sm2.getPublicKey(sk) : ecdsa.getPublicKey(sk);
      expect(parsePublicKeyPem(pub)).toEqual({ type, publicKey: expectedPub });
      if (type === "SM2") {
        const compressed = ossl.run(["ec", "-in", "k.pem", "-pubout", "-conv_form", "compressed"]);
        expect(fromPem(compressed).der.length).toBe(59);
        expect(parsePublicKeyPem(compressed)).toEqual({ type, publicKey: expectedPub });
      }
    }
    ossl.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "r.pem"]);
    const rsaPkcs1 = ossl.run(["rsa", "-in", "r.pem", "-RSAPublicKey_out"]);
    const rsaSpki = ossl.run(["pkey", "-in", "r.pem", "-pubout"]);
    expect(rsaPkcs1).toMatch(/BEGIN RSA PUBLIC KEY/);
    expect(parsePublicKeyPem(rsaPkcs1)).toEqual(parsePublicKeyPem(rsaSpki));
    ossl.run(["genpkey", "-algorithm", "ed25519", "-out", "e.pem"]);
    expect(invalidKey(() => parsePublicKeyPem(ossl.run(["pkey", "-in", "e.pem", "-pubout"])))).toBe(true);
    ossl.run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "e.pem"]);
    expect(invalidKey(() => parsePublicKeyPem(ossl.run(["pkey", "-in", "e.pem", "-pubout"])))).toBe(true);
  });
});

describe("encryptTo (EncryptionPublicKey re-wrap)", () => {
  const dek = new Uint8Array(32).map((_, i) => i);
  const rsaPem = encodePublicKeyPem("RSA", rsaKeys.publicKey);
  const sm2Pem = encodePublicKeyPem("SM2", sm2Keys.publicKey);
  it("every algorithm decrypts with the matching private key", () => {
    const raw = encryptTo(sm2Pem, "SM2", dek);
    expect(raw.length).toBe(128); // 64 + 32 + 32, as Tencent's example
    expect(sm2.decrypt(sm2Keys.secretKey, raw, "C1C3C2")).toEqual(dek);
    expect(sm2.decrypt(sm2Keys.secretKey, encryptTo(sm2Pem, "SM2_C1C3C2_ASN1", dek), "C1C3C2_ASN1")).toEqual(dek);
    expect(pkcs1.decrypt(rsaKeys.secretKey, encryptTo(rsaPem, "RSAES_PKCS1_V1_5", dek))).toEqual(dek);
    expect(oaep.decrypt(rsaKeys.secretKey, encryptTo(rsaPem, "RSAES_OAEP_SHA_1", dek), "SHA-1")).toEqual(dek);
    expect(oaep.decrypt(rsaKeys.secretKey, encryptTo(rsaPem, "RSAES_OAEP_SHA_256", dek), "SHA-256")).toEqual(dek);
  });
  it("refuses a key that does not fit the algorithm, other RSA sizes and P-256", () => {
    expect(invalidKey(() => encryptTo(rsaPem, "SM2", dek))).toBe(true);
    expect(invalidKey(() => encryptTo(sm2Pem, "RSAES_OAEP_SHA_256", dek))).toBe(true);
    expect(invalidKey(() => encryptTo(encodePublicKeyPem("P-256", p256Keys.publicKey), "SM2", dek))).toBe(true);
    const big = rsa.generateKeyPair(3072);
    expect(invalidKey(() => encryptTo(encodePublicKeyPem("RSA", big.publicKey), "RSAES_OAEP_SHA_1", dek))).toBe(true);
    expect(() => encryptTo(rsaPem, "RSA" as never, dek)).toThrow(TypeError);
    expect(() => encryptTo(rsaPem, "RSAES_OAEP_SHA_256", new Uint8Array(191))).toThrow(RangeError);
  });
});
