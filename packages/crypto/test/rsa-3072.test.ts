/**
 * RSA-3072 signatures (KeyUsage ASYMMETRIC_SIGN_VERIFY_RSA_3072: RSA_PSS_SHA_256 and RSA_PKCS1_SHA_256): a 3072-bit
 * key's signatures verified by openssl. Wycheproof's 3072-bit vectors run beside the 2048-bit ones in rsa.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPairAsync, modulusBits } from "../src/rsa.js";
import * as pss from "../src/rsassa-pss.js";
import * as pkcs1sig from "../src/rsassa-pkcs1v15.js";
import { sha256 } from "../src/sha256.js";
import { toPem } from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";

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
