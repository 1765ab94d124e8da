/**
 * RSA-3072 signatures (KeyUsage ASYMMETRIC_SIGN_VERIFY_RSA_3072: RSA_PSS_SHA_256 and RSA_PKCS1_SHA_256): Wycheproof's
 * 3072-bit vectors on the RAW and DIGEST paths, and a 3072-bit key's signatures verified by openssl.
 */
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPairAsync, modulusBits } from "../src/rsa.js";
import * as pss from "../src/rsassa-pss.js";
import * as pkcs1sig from "../src/rsassa-pkcs1v15.js";
import { sha256 } from "../src/sha256.js";
import { toPem } from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";
import { hex, wycheproofCases } from "./_vectors.js";

describe("Wycheproof RSASSA-PSS 3072 SHA-256 MGF1-SHA-256 salt 32 (RAW and DIGEST)", () => {
  const cases = wycheproofCases("rsa_pss_3072_sha256_mgf1_32_test.json");
  it(`${cases.length} cases`, () => {
    for (const { group, test } of cases) {
      const pk = hex(group.publicKeyDer as string);
      const msg = hex(test.msg as string);
      const sig = hex(test.sig as string);
      const expected = test.result === "valid";
      expect(pss.verify(pk, msg, sig), `RAW tcId ${test.tcId}`).toBe(expected);
      expect(pss.verifyDigest(pk, sha256(msg), sig), `DIGEST tcId ${test.tcId}`).toBe(expected);
    }
  });
});

describe("Wycheproof RSASSA-PKCS1-v1_5 3072 SHA-256 (RAW and DIGEST)", () => {
  const cases = wycheproofCases("rsa_signature_3072_sha256_test.json", (_g, t) => t.result !== "acceptable");
  it(`${cases.length} valid/invalid cases`, () => {
    for (const { group, test } of cases) {
      const pk = hex(group.publicKeyDer as string);
      const msg = hex(test.msg as string);
      const sig = hex(test.sig as string);
      const expected = test.result === "valid";
      expect(pkcs1sig.verify(pk, msg, sig), `RAW tcId ${test.tcId}`).toBe(expected);
      expect(pkcs1sig.verifyDigest(pk, sha256(msg), sig), `DIGEST tcId ${test.tcId}`).toBe(expected);
    }
  });
});

describe("RSA-3072 keys against openssl", () => {
  const ossl = new OpensslDir();
  afterAll(() => ossl.cleanup());
  it("signatures are 384 bytes; openssl verifies PSS and PKCS#1 v1.5, RAW and DIGEST", async () => {
    const { secretKey, publicKey } = await generateKeyPairAsync(3072);
    expect(modulusBits(secretKey)).toBe(3072);
    const msg = new TextEncoder().encode("RSA-3072 signed by OpenKMS");
    ossl.write("pub.pem", toPem("PUBLIC KEY", publicKey));
    ossl.write("msg", msg);
    for (const [name, sig] of [
      ["pss", pss.sign(secretKey, msg)], ["pss-digest", pss.signDigest(secretKey, sha256(msg))],
    ] as const) {
      expect(sig.length).toBe(384);
      ossl.write(name, sig);
      expect(ossl.run(["dgst", "-sha256", "-verify", "pub.pem", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1", "-signature", name, "msg"])).toMatch(/Verified OK/);
    }
    for (const [name, sig] of [
      ["pkcs1", pkcs1sig.sign(secretKey, msg)], ["pkcs1-digest", pkcs1sig.signDigest(secretKey, sha256(msg))],
    ] as const) {
      expect(sig.length).toBe(384);
      ossl.write(name, sig);
      expect(ossl.run(["dgst", "-sha256", "-verify", "pub.pem", "-signature", name, "msg"])).toMatch(/Verified OK/);
    }
  });
});
