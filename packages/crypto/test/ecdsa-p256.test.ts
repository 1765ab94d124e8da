import { afterAll, describe, expect, it } from "vitest";
import {
  generateKeyPair,
  getPublicKey,
  isInvalidKeyError,
  lengths,
  sign,
  signatureFromCompact,
  signatureToCompact,
  signDigest,
  verify,
  verifyDigest,
} from "../src/ecdsa-p256.js";
import { sha256 } from "../src/sha256.js";
import { encodePrivateKey, encodePublicKeyPem, toPem } from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";
import { hex, wycheproofCases } from "./_vectors.js";
import { thrown } from "./_thrown.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const groupKey = (g: Record<string, unknown>) => hex((g.publicKey as { uncompressed: string }).uncompressed);

describe("Wycheproof ECDSA P-256 SHA-256", () => {
  const der = wycheproofCases("ecdsa_secp256r1_sha256_test.json");
  it(`DER: ${der.length} cases (strict DER only), RAW and DIGEST paths`, () => {
    let valid = 0;
    for (const { group, test } of der) {
      const pk = groupKey(group);
      const msg = hex(test.msg as string);
      const sig = hex(test.sig as string);
      const expected = test.result === "valid";
      expect(verify(pk, msg, sig), `tcId ${test.tcId} ${test.comment}`).toBe(expected);
      expect(verifyDigest(pk, sha256(msg), sig), `DIGEST tcId ${test.tcId}`).toBe(expected);
      if (expected) valid++;
    }
    expect(valid).toBeGreaterThan(100);
  });
  const p1363 = wycheproofCases("ecdsa_secp256r1_sha256_p1363_test.json");
  it(`P1363 (r ‖ s): ${p1363.length} cases`, () => {
    for (const { group, test } of p1363) {
      const pk = groupKey(group);
      const sig = hex(test.sig as string);
      const ok = sig.length === lengths.signature && verify(pk, hex(test.msg as string), signatureFromCompact(sig));
      expect(ok, `tcId ${test.tcId} ${test.comment}`).toBe(test.result === "valid");
    }
  });
});

describe("ECDSA P-256 round trips", () => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = utf8("ECDSA message");
  it("shapes and paths", () => {
    expect(secretKey.length).toBe(32);
    expect(publicKey.length).toBe(65);
    expect(getPublicKey(secretKey)).toEqual(publicKey);
    const s = sign(secretKey, msg);
    expect(s.length).toBeLessThanOrEqual(lengths.signatureDer);
    expect(verify(publicKey, msg, s)).toBe(true);
    expect(verifyDigest(publicKey, sha256(msg), signDigest(secretKey, sha256(msg)))).toBe(true);
    expect(verify(publicKey, utf8("other"), s)).toBe(false);
    expect(verify(publicKey, msg, signatureToCompact(s))).toBe(false); // raw r ‖ s is not DER
    expect(signatureFromCompact(signatureToCompact(s))).toEqual(s);
    expect(sign(secretKey, msg)).not.toEqual(s); // hedged nonces
  });
  it("validates keys and lengths", () => {
    expect(() => signDigest(secretKey, new Uint8Array(33))).toThrow(RangeError);
    expect(isInvalidKeyError(thrown(() => getPublicKey(new Uint8Array(32))))).toBe(true);
    const off = publicKey.slice();
    off[64] = off[64]! ^ 1;
    expect(() => verify(off, msg, sign(secretKey, msg))).toThrow(/not a point on the curve/);
  });
});

describe("ECDSA P-256 against the openssl CLI", () => {
  const ossl = new OpensslDir();
  afterAll(() => ossl.cleanup());
  const { secretKey, publicKey } = generateKeyPair();
  ossl.write("pub.pem", encodePublicKeyPem("P-256", publicKey));
  ossl.write("key.pem", toPem("PRIVATE KEY", encodePrivateKey("P-256", secretKey)));
  const msg = utf8("message for openssl\n");
  ossl.write("msg", msg);
  it("we sign RAW and DIGEST → openssl dgst -sha256 -verify", () => {
    for (const sig of [sign(secretKey, msg), signDigest(secretKey, sha256(msg))]) {
      ossl.write("sig", sig);
      expect(ossl.run(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "msg"])).toMatch(/Verified OK/);
    }
    ossl.write("sig", sign(secretKey, utf8("other")));
    expect(ossl.ok(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "msg"])).toBe(false);
  });
  it("openssl dgst -sha256 -sign → we verify", () => {
    ossl.run(["dgst", "-sha256", "-sign", "key.pem", "-out", "osig", "msg"]);
    expect(verify(publicKey, msg, ossl.read("osig"))).toBe(true);
    expect(verifyDigest(publicKey, sha256(msg), ossl.read("osig"))).toBe(true);
  });
});
