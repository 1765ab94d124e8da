/**
 * ECDSA P-384 / SHA-384 (`ECDSA384_SHA384`): Wycheproof's vectors on the RAW and DIGEST paths, round trips, and
 * openssl both ways (openssl verifies ours; we verify openssl's).
 */
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateKeyPair, getPublicKey, isInvalidKeyError, lengths, sha384, sign, signatureFromCompact, signatureToCompact, signDigest, verify, verifyDigest,
} from "../src/ecdsa-p384.js";
import { encodePrivateKey, encodePublicKey, encodePublicKeyPem, parsePrivateKey, parsePublicKey, toPem } from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";
import { hex, wycheproofCases } from "./_vectors.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("Wycheproof ECDSA P-384 SHA-384", () => {
  const cases = wycheproofCases("ecdsa_secp384r1_sha384_test.json");
  it(`${cases.length} cases (strict DER only), RAW and DIGEST paths`, () => {
    let valid = 0;
    for (const { group, test } of cases) {
      const pk = hex((group.publicKey as { uncompressed: string }).uncompressed);
      const msg = hex(test.msg as string);
      const sig = hex(test.sig as string);
      const expected = test.result === "valid";
      expect(verify(pk, msg, sig), `tcId ${test.tcId} ${test.comment}`).toBe(expected);
      expect(verifyDigest(pk, sha384(msg), sig), `DIGEST tcId ${test.tcId}`).toBe(expected);
      if (expected) valid++;
    }
    expect(valid).toBeGreaterThan(100);
  });
});

describe("ECDSA P-384 keys, shapes and round trips", () => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = utf8("ECDSA P-384 message");
  it("shapes", () => {
    expect(lengths).toEqual({ secretKey: 48, publicKey: 97, digest: 48, signature: 96, signatureDer: 105 });
    expect(secretKey.length).toBe(48);
    expect(publicKey.length).toBe(97);
    expect(getPublicKey(secretKey)).toEqual(publicKey);
    expect(sha384(msg)).toEqual(new Uint8Array(createHash("sha384").update(msg).digest()));
  });
  it("sign / verify, RAW and DIGEST; tampering fails", () => {
    const s = sign(secretKey, msg);
    expect(s.length).toBeLessThanOrEqual(lengths.signatureDer);
    expect(verify(publicKey, msg, s)).toBe(true);
    expect(verifyDigest(publicKey, sha384(msg), signDigest(secretKey, sha384(msg)))).toBe(true);
    expect(verify(publicKey, utf8("other"), s)).toBe(false);
    expect(verify(publicKey, msg, signatureToCompact(s))).toBe(false); // r ‖ s is not DER
    expect(verify(publicKey, msg, signatureFromCompact(signatureToCompact(s)))).toBe(true);
    const flipped = s.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(verify(publicKey, msg, flipped)).toBe(false);
  });
  it("bad input: wrong lengths and keys off the curve", () => {
    expect(() => signDigest(secretKey, new Uint8Array(32))).toThrow(RangeError);
    expect(() => sign(new Uint8Array(32), msg)).toThrow(RangeError);
    expect(() => sign(new Uint8Array(48), msg)).toThrow(/out of range/);
    const off = publicKey.slice();
    off[96]! ^= 1;
    try {
      verify(off, msg, sign(secretKey, msg));
      expect.unreachable();
    } catch (e) {
      expect(isInvalidKeyError(e)).toBe(true);
    }
  });
  it("SPKI (secp384r1) and PKCS#8 round trips", () => {
    const spki = encodePublicKey("P-384", publicKey);
    expect(parsePublicKey(spki)).toEqual({ type: "P-384", publicKey });
    expect(parsePrivateKey(encodePrivateKey("P-384", secretKey))).toEqual({ type: "P-384", secretKey });
  });
});

describe("ECDSA P-384 against openssl", () => {
  const ossl = new OpensslDir();
  afterAll(() => ossl.cleanup());
  it("openssl verifies our signatures (RAW and DIGEST); we verify openssl's", () => {
    const { secretKey, publicKey } = generateKeyPair();
    const msg = utf8("signed by OpenKMS, checked by openssl");
    ossl.write("pub.pem", encodePublicKeyPem("P-384", publicKey));
    ossl.write("msg", msg);
    ossl.write("sig", sign(secretKey, msg));
    expect(ossl.run(["dgst", "-sha384", "-verify", "pub.pem", "-signature", "sig", "msg"])).toMatch(/Verified OK/);
    ossl.write("sig2", signDigest(secretKey, sha384(msg)));
    expect(ossl.run(["dgst", "-sha384", "-verify", "pub.pem", "-signature", "sig2", "msg"])).toMatch(/Verified OK/);

    ossl.write("key.pem", toPem("PRIVATE KEY", encodePrivateKey("P-384", secretKey)));
    ossl.run(["dgst", "-sha384", "-sign", "key.pem", "-out", "osig", "msg"]);
    expect(verify(publicKey, msg, ossl.read("osig"))).toBe(true);
  });
});
