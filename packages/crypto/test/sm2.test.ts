import smCrypto from "sm-crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  curve,
  decrypt,
  DEFAULT_ID,
  digest,
  encrypt,
  generateKeyPair,
  getPublicKey,
  isDecryptionError,
  isInvalidKeyError,
  lengths,
  sign,
  signatureFromCompact,
  signatureToCompact,
  signDigest,
  verify,
  verifyDigest,
  za,
} from "../src/sm2.js";
import { encodePrivateKey, encodePublicKeyPem, toPem } from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";
import { hex, loadJson, toHex } from "./_vectors.js";
import { thrown } from "./_thrown.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

interface Sm2Vectors {
  sm2: {
    curve: { p: string; a: string; b: string; n: string; gx: string; gy: string };
    sign: { d: string; pubX: string; pubY: string; idAscii: string; msgAscii: string; za: string; e: string; k: string; r: string; s: string };
    encrypt: { d: string; pubX: string; pubY: string; msgAscii: string; k: string; c1: string; c3: string; c2: string; ciphertextC1C3C2: string; ciphertextDer: string };
  };
}
const V = loadJson<Sm2Vectors>("sm/sm-standard-vectors.json").sm2;

/** Expects `fn` to throw the one DecryptionError (same code and message for every cause). */
function expectDecryptionError(fn: () => unknown) {
  const err = thrown(fn);
  expect(isDecryptionError(err)).toBe(true);
  expect((err as Error).message).toBe("decryption failed");
}

describe("SM2 standard example values (GB/T 32918.5 Annex A / C)", () => {
  it("curve parameters match the vector file", () => {
    expect(curve.p.toString(16)).toBe(V.curve.p);
    expect(curve.a.toString(16)).toBe(V.curve.a);
    expect(curve.b.toString(16)).toBe(V.curve.b);
    expect(curve.n.toString(16)).toBe(V.curve.n);
    expect(curve.Gx.toString(16)).toBe(V.curve.gx);
    expect(curve.Gy.toString(16)).toBe(V.curve.gy);
  });

  const S = V.sign;
  const pub = hex("04" + S.pubX + S.pubY);
  it("public key from d", () => {
    expect(toHex(getPublicKey(hex(S.d)))).toBe(toHex(pub));
  });
  it("Z_A with ID 1234567812345678 and e = SM3(Z_A ‖ M)", () => {
    expect(S.idAscii).toBe(DEFAULT_ID);
    expect(toHex(za(pub))).toBe(S.za);
    expect(toHex(za(pub, utf8(S.idAscii)))).toBe(S.za);
    expect(toHex(digest(pub, utf8(S.msgAscii)))).toBe(S.e);
  });
  it("sign with the given k reproduces (r, s), RAW and DIGEST", () => {
    const raw = sign(hex(S.d), utf8(S.msgAscii), { k: hex(S.k) });
    expect(toHex(signatureToCompact(raw))).toBe(S.r + S.s);
    const dig = signDigest(hex(S.d), hex(S.e), { k: hex(S.k) });
    expect(toHex(dig)).toBe(toHex(raw));
    expect(toHex(raw)).toBe(toHex(signatureFromCompact(hex(S.r + S.s))));
    expect(verify(pub, utf8(S.msgAscii), raw)).toBe(true);
    expect(verifyDigest(pub, hex(S.e), raw)).toBe(true);
  });

  const E = V.encrypt;
  const epub = hex("04" + E.pubX + E.pubY);
  const msg = utf8(E.msgAscii);
  it("encrypt with the given k reproduces C1C3C2 (raw, no 0x04) and the GM/T 0009 DER", () => {
    const raw = encrypt(epub, msg, "C1C3C2", { k: hex(E.k) });
    expect(E.ciphertextC1C3C2.startsWith("04")).toBe(true);
    expect(toHex(raw)).toBe(E.ciphertextC1C3C2.slice(2));
    expect(toHex(raw)).toBe(E.c1.slice(2) + E.c3 + E.c2);
    const der = encrypt(epub, msg, "C1C3C2_ASN1", { k: hex(E.k) });
    expect(toHex(der)).toBe(E.ciphertextDer);
  });
  it("decrypts both published ciphertexts", () => {
    expect(decrypt(hex(E.d), hex(E.ciphertextC1C3C2.slice(2)), "C1C3C2")).toEqual(msg);
    expect(decrypt(hex(E.d), hex(E.ciphertextDer), "C1C3C2_ASN1")).toEqual(msg);
  });
});

describe("SM2 round trips and rejection", () => {
  const { secretKey, publicKey } = generateKeyPair();
  it("key pair shapes", () => {
    expect(secretKey.length).toBe(lengths.secretKey);
    expect(publicKey.length).toBe(lengths.publicKey);
    expect(getPublicKey(secretKey)).toEqual(publicKey);
  });
  it("sign/verify RAW and DIGEST; other message, other ID, other key fail", () => {
    const m = utf8("hello SM2");
    const sig = sign(secretKey, m);
    expect(sig.length).toBeLessThanOrEqual(lengths.signatureDer);
    expect(verify(publicKey, m, sig)).toBe(true);
    expect(verifyDigest(publicKey, digest(publicKey, m), sig)).toBe(true);
    expect(verify(publicKey, utf8("hello SM3"), sig)).toBe(false);
    expect(verify(publicKey, m, sig, { id: utf8("other") })).toBe(false);
    expect(verify(generateKeyPair().publicKey, m, sig)).toBe(false);
    const e = digest(publicKey, m);
    expect(verify(publicKey, m, signDigest(secretKey, e))).toBe(true);
    const own = sign(secretKey, m, { id: utf8("ALICE123@YAHOO.COM") });
    expect(verify(publicKey, m, own, { id: utf8("ALICE123@YAHOO.COM") })).toBe(true);
    expect(verify(publicKey, m, own)).toBe(false);
  });
  it("rejects non-DER and out-of-range signatures (false, no throw)", () => {
    const m = utf8("x");
    const sig = sign(secretKey, m);
    const compact = signatureToCompact(sig);
    expect(verify(publicKey, m, compact)).toBe(false); // r ‖ s is not DER
    expect(verify(publicKey, m, Uint8Array.of(...sig, 0))).toBe(false); // trailing byte
    const long = Uint8Array.of(0x30, 0x81, sig[1]!, ...sig.subarray(2)); // non-minimal length
    expect(verify(publicKey, m, long)).toBe(false);
    const n = curve.n.toString(16);
    const rN = signatureFromCompact(hex(n + toHex(compact.subarray(32))));
    expect(verify(publicKey, m, rN)).toBe(false);
    expect(verify(publicKey, m, signatureFromCompact(new Uint8Array(64)))).toBe(false);
  });
  it("encrypt/decrypt both formats; 1 B and 1000 B", () => {
    for (const len of [1, 32, 33, 1000]) {
      const pt = new Uint8Array(len).map((_, i) => i * 7);
      const raw = encrypt(publicKey, pt, "C1C3C2");
      expect(raw.length).toBe(len + lengths.rawOverhead);
      expect(decrypt(secretKey, raw, "C1C3C2")).toEqual(pt);
      expect(decrypt(secretKey, encrypt(publicKey, pt, "C1C3C2_ASN1"), "C1C3C2_ASN1")).toEqual(pt);
    }
  });
  it("every malformed ciphertext gives the same DecryptionError", () => {
    const pt = utf8("sixteen byte key");
    const der = encrypt(publicKey, pt, "C1C3C2_ASN1");
    const raw = encrypt(publicKey, pt, "C1C3C2");
    const flip = (b: Uint8Array, i: number) => b.map((v, j) => (j === i ? v ^ 1 : v));
    expectDecryptionError(() => decrypt(secretKey, flip(raw, raw.length - 1), "C1C3C2")); // C2
    expectDecryptionError(() => decrypt(secretKey, flip(raw, 70), "C1C3C2")); // C3
    expectDecryptionError(() => decrypt(secretKey, flip(raw, 63), "C1C3C2")); // C1 off the curve
    expectDecryptionError(() => decrypt(secretKey, raw.subarray(0, 96), "C1C3C2")); // empty C2
    expectDecryptionError(() => decrypt(secretKey, new Uint8Array(100), "C1C3C2")); // (0,0)
    const pHex = curve.p.toString(16);
    expectDecryptionError(() => decrypt(secretKey, hex(pHex + toHex(raw.subarray(32))), "C1C3C2")); // x = p
    expectDecryptionError(() => decrypt(secretKey, flip(der, der.length - 1), "C1C3C2_ASN1"));
    expectDecryptionError(() => decrypt(secretKey, Uint8Array.of(...der, 0), "C1C3C2_ASN1")); // trailing
    expectDecryptionError(() => decrypt(secretKey, der.subarray(0, der.length - 1), "C1C3C2_ASN1")); // truncated
    expectDecryptionError(() => decrypt(secretKey, raw, "C1C3C2_ASN1")); // raw given as ASN.1
    expectDecryptionError(() => decrypt(generateKeyPair().secretKey, der, "C1C3C2_ASN1")); // wrong key
    expectDecryptionError(() => decrypt(secretKey, new Uint8Array(0), "C1C3C2_ASN1"));
  });
  it("leaves its inputs unchanged", () => {
    const sk = secretKey.slice();
    const pk = publicKey.slice();
    const m = utf8("unchanged");
    const ct = encrypt(publicKey, m, "C1C3C2_ASN1");
    const ctCopy = ct.slice();
    const sig = sign(secretKey, m);
    const sigCopy = sig.slice();
    expect(decrypt(secretKey, ct, "C1C3C2_ASN1")).toEqual(m);
    expect(verify(publicKey, m, sig)).toBe(true);
    expect([secretKey, publicKey, m, ct, sig]).toEqual([sk, pk, utf8("unchanged"), ctCopy, sigCopy]);
  });
  it("validates inputs first", () => {
    expect(() => sign(secretKey.subarray(1), utf8("x"))).toThrow(RangeError);
    expect(() => signDigest(secretKey, new Uint8Array(31))).toThrow(RangeError);
    expect(() => encrypt(publicKey, new Uint8Array(0), "C1C3C2")).toThrow(RangeError);
    expect(() => encrypt(publicKey, utf8("x"), "C1C2C3" as never)).toThrow(TypeError);
    expect(isInvalidKeyError(thrown(() => getPublicKey(new Uint8Array(32))))).toBe(true);
    const off = publicKey.slice();
    off[64] = off[64]! ^ 1;
    expect(() => verify(off, utf8("x"), sign(secretKey, utf8("x")))).toThrow(/not a point on the curve/);
    expect(() => getPublicKey(hex(curve.n.toString(16)))).toThrow(/out of range/);
    expect(() => getPublicKey(hex((curve.n - 1n).toString(16)))).toThrow(/out of range/); // d = n−1 is not allowed
  });
});

describe("SM2 against sm-crypto 0.5.8 (test oracle)", () => {
  const { sm2 } = smCrypto;
  const { secretKey, publicKey } = generateKeyPair();
  const privHex = toHex(secretKey);
  const pubHex = toHex(publicKey);
  const msg = utf8("cross-check message ✓");

  it("sm-crypto signs (DER, SM3 with Z_A default ID) → we verify", () => {
    for (let i = 0; i < 5; i++) {
      const sigHex = sm2.doSignature(msg, privHex, { der: true, hash: true, publicKey: pubHex });
      expect(verify(publicKey, msg, hex(sigHex))).toBe(true);
    }
  });
  it("we sign → sm-crypto verifies", () => {
    for (let i = 0; i < 5; i++) {
      expect(sm2.doVerifySignature(msg, toHex(sign(secretKey, msg)), pubHex, { der: true, hash: true })).toBe(true);
    }
    const own = sign(secretKey, msg, { id: utf8("custom-id") });
    expect(sm2.doVerifySignature(msg, toHex(own), pubHex, { der: true, hash: true, userId: "custom-id" })).toBe(true);
  });
  it("sm-crypto encrypts (C1C3C2, C1 without 0x04) → we decrypt raw", () => {
    for (const len of [1, 32, 100]) {
      const pt = new Uint8Array(len).map((_, i) => (i * 13 + len) & 0xff);
      const ctHex = sm2.doEncrypt(pt, pubHex, 1);
      expect(decrypt(secretKey, hex(ctHex), "C1C3C2")).toEqual(pt);
    }
  });
  it("we encrypt raw → sm-crypto decrypts", () => {
    const pt = utf8("data key 32 bytes long..........");
    const ct = encrypt(publicKey, pt, "C1C3C2");
    expect(Uint8Array.from(sm2.doDecrypt(toHex(ct), privHex, 1, { output: "array" }))).toEqual(pt);
  });
});

describe("SM2 against the openssl CLI", () => {
  const ossl = new OpensslDir();
  afterAll(() => ossl.cleanup());
  const { secretKey, publicKey } = generateKeyPair();
  ossl.write("pub.pem", encodePublicKeyPem("SM2", publicKey));
  ossl.write("key.pem", toPem("PRIVATE KEY", encodePrivateKey("SM2", secretKey)));
  const msg = utf8("message for openssl\n");
  ossl.write("msg", msg);

  it("openssl loads our SPKI PEM and our PKCS#8 as an SM2 key", () => {
    const text = ossl.run(["pkey", "-pubin", "-in", "pub.pem", "-text", "-noout"]);
    expect(text).toMatch(/SM2/);
    expect(text.replace(/[\s:]/g, "")).toContain(toHex(publicKey));
    const pub = ossl.run(["pkey", "-in", "key.pem", "-pubout"]);
    expect(pub).toBe(encodePublicKeyPem("SM2", publicKey));
  });
  it("openssl pkeyutl -encrypt (GM/T 0009 ASN.1) → we decrypt", () => {
    for (const len of [1, 16, 32, 200]) {
      ossl.write("pt", new Uint8Array(len).fill(len));
      ossl.run(["pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "pt", "-out", "ct"]);
      expect(decrypt(secretKey, ossl.read("ct"), "C1C3C2_ASN1")).toEqual(new Uint8Array(len).fill(len));
    }
  });
  it("we encrypt (ASN.1) → openssl pkeyutl -decrypt", () => {
    const pt = utf8("thirty-two byte data encryption");
    ossl.write("ct2", encrypt(publicKey, pt, "C1C3C2_ASN1"));
    ossl.run(["pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "ct2", "-out", "pt2"]);
    expect(ossl.read("pt2")).toEqual(pt);
  });
  it("we sign RAW and DIGEST → openssl dgst -sm3 -sigopt distid:1234567812345678 verifies", () => {
    const verifyArgs = ["dgst", "-sm3", "-verify", "pub.pem", "-sigopt", `distid:${DEFAULT_ID}`, "-signature", "sig", "msg"];
    ossl.write("sig", sign(secretKey, msg));
    expect(ossl.run(verifyArgs)).toMatch(/Verified OK/);
    ossl.write("sig", signDigest(secretKey, digest(publicKey, msg)));
    expect(ossl.run(verifyArgs)).toMatch(/Verified OK/);
    ossl.write("sig", sign(secretKey, utf8("other")));
    expect(ossl.ok(verifyArgs)).toBe(false);
  });
  it("openssl dgst -sm3 -sign with distid → we verify", () => {
    ossl.run(["dgst", "-sm3", "-sign", "key.pem", "-sigopt", `distid:${DEFAULT_ID}`, "-out", "osig", "msg"]);
    const sig = ossl.read("osig");
    expect(verify(publicKey, msg, sig)).toBe(true);
    expect(verifyDigest(publicKey, digest(publicKey, msg), sig)).toBe(true);
  });
});
