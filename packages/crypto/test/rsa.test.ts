import { afterAll, describe, expect, it } from "vitest";
import { generateKeyPair, generateKeyPairAsync, getPublicKey, lengths, modulusBits } from "../src/rsa.js";
import * as oaep from "../src/rsaes-oaep.js";
import * as pkcs1enc from "../src/rsaes-pkcs1v15.js";
import * as pss from "../src/rsassa-pss.js";
import * as pkcs1sig from "../src/rsassa-pkcs1v15.js";
import { sha256 } from "../src/sha256.js";
import { isDecryptionError, isInvalidKeyError } from "../src/rsa.js";
import { toPem } from "../src/spki.js";
import { OpensslDir } from "./_openssl.js";
import { hex, toHex, wycheproofCases } from "./_vectors.js";
import { thrown } from "./_thrown.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Runs `fn`; returns the error's message when it is a DecryptionError, fails the test otherwise. */
function decryptionErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isDecryptionError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected a DecryptionError, got a result");
}

describe("Wycheproof RSAES-OAEP decrypt", () => {
  for (const [file, hash] of [
    ["rsa_oaep_2048_sha1_mgf1sha1_test.json", "SHA-1"],
    ["rsa_oaep_2048_sha256_mgf1sha256_test.json", "SHA-256"],
  ] as const) {
    const cases = wycheproofCases(file);
    it(`${file}: ${cases.length} cases`, () => {
      let valid = 0;
      let invalid = 0;
      for (const { group, test } of cases) {
        const sk = hex(group.privateKeyPkcs8 as string);
        const ct = hex(test.ct as string);
        const label = test.label ? hex(test.label as string) : undefined;
        if (test.result === "valid") {
          expect(toHex(oaep.decrypt(sk, ct, hash, label)), `tcId ${test.tcId}`).toBe(test.msg);
          valid++;
        } else {
          expect(decryptionErrorMessage(() => oaep.decrypt(sk, ct, hash, label))).toBe("decryption failed");
          invalid++;
        }
      }
      expect(valid + invalid).toBe(cases.length);
      expect(invalid).toBeGreaterThan(0);
    });
  }
});

describe("Wycheproof RSAES-PKCS1-v1_5 decrypt (own constant-time decoding)", () => {
  const cases = wycheproofCases("rsa_pkcs1_2048_test.json");
  it(`${cases.length} cases; every invalid one gives the same error`, () => {
    const messages = new Set<string>();
    let valid = 0;
    for (const { group, test } of cases) {
      const sk = hex(group.privateKeyPkcs8 as string);
      const ct = hex(test.ct as string);
      if (test.result === "valid") {
        expect(toHex(pkcs1enc.decrypt(sk, ct)), `tcId ${test.tcId}`).toBe(test.msg);
        valid++;
      } else {
        messages.add(decryptionErrorMessage(() => pkcs1enc.decrypt(sk, ct)));
      }
    }
    expect(valid).toBe(cases.filter((c) => c.test.result === "valid").length);
    expect([...messages]).toEqual(["decryption failed"]);
  });
  it("expectedLength turns a wrong-length plaintext into the same error", () => {
    const { group, test } = cases.find((c) => c.test.result === "valid" && (c.test.msg as string).length > 0)!;
    const sk = hex(group.privateKeyPkcs8 as string);
    const ct = hex(test.ct as string);
    const len = (test.msg as string).length / 2;
    expect(toHex(pkcs1enc.decrypt(sk, ct, { expectedLength: len }))).toBe(test.msg);
    expect(decryptionErrorMessage(() => pkcs1enc.decrypt(sk, ct, { expectedLength: len + 1 }))).toBe("decryption failed");
  });
});

describe.each([2048, 3072])("Wycheproof RSASSA-PSS %i SHA-256 MGF1-SHA-256 sLen 32 verify (RAW and DIGEST paths)", (bits) => {
  const cases = wycheproofCases(`rsa_pss_${bits}_sha256_mgf1_32_test.json`);
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

describe.each([2048, 3072])("Wycheproof RSASSA-PKCS1-v1_5 %i SHA-256 verify (RAW and DIGEST paths)", (bits) => {
  const cases = wycheproofCases(`rsa_signature_${bits}_sha256_test.json`, (_g, t) => t.result !== "acceptable");
  it(`${cases.length} valid/invalid cases (the 1 'acceptable' MissingNull case is left to policy)`, () => {
    for (const { group, test } of cases) {
      const pk = hex(group.publicKeyDer as string);
      const msg = hex(test.msg as string);
      const sig = hex(test.sig as string);
      const expected = test.result === "valid";
      expect(pkcs1sig.verify(pk, msg, sig), `RAW tcId ${test.tcId}`).toBe(expected);
      expect(pkcs1sig.verifyDigest(pk, sha256(msg), sig), `DIGEST tcId ${test.tcId}`).toBe(expected);
    }
  });
  it("the DIGEST path rejects the MissingNull encoding (strict re-encode and compare)", () => {
    const { group, test } = wycheproofCases(`rsa_signature_${bits}_sha256_test.json`, (_g, t) => t.result === "acceptable")[0]!;
    expect(pkcs1sig.verifyDigest(hex(group.publicKeyDer as string), sha256(hex(test.msg as string)), hex(test.sig as string))).toBe(false);
  });
});

describe("RSA-2048 keys and round trips", () => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = utf8("RSA round trip");
  it("key shapes", () => {
    expect(modulusBits(secretKey)).toBe(2048);
    expect(getPublicKey(secretKey)).toEqual(publicKey);
    expect(publicKey.length).toBe(294);
  });
  it("encryption round trips and limits", () => {
    for (const h of ["SHA-1", "SHA-256"] as const) {
      const pt = new Uint8Array(oaep.lengths.maxPlaintext[h]).fill(7);
      const ct = oaep.encrypt(publicKey, pt, h);
      expect(ct.length).toBe(lengths.ciphertext);
      expect(oaep.decrypt(secretKey, ct, h)).toEqual(pt);
      expect(() => oaep.encrypt(publicKey, new Uint8Array(pt.length + 1), h)).toThrow(RangeError);
      expect(decryptionErrorMessage(() => oaep.decrypt(secretKey, ct, h === "SHA-1" ? "SHA-256" : "SHA-1"))).toBe("decryption failed");
    }
    const pt = new Uint8Array(pkcs1enc.lengths.maxPlaintext).fill(9);
    expect(pkcs1enc.decrypt(secretKey, pkcs1enc.encrypt(publicKey, pt))).toEqual(pt);
    expect(pkcs1enc.decrypt(secretKey, pkcs1enc.encrypt(publicKey, new Uint8Array(0)))).toEqual(new Uint8Array(0));
    expect(() => pkcs1enc.encrypt(publicKey, new Uint8Array(246))).toThrow(RangeError);
  });
  it("PKCS#1 v1.5 decrypt: wrong length, c ≥ n, OAEP ciphertext, zeros all give the same error", () => {
    const ct = pkcs1enc.encrypt(publicKey, msg);
    const msgs = new Set([
      decryptionErrorMessage(() => pkcs1enc.decrypt(secretKey, ct.subarray(1))),
      decryptionErrorMessage(() => pkcs1enc.decrypt(secretKey, new Uint8Array(256).fill(0xff))),
      decryptionErrorMessage(() => pkcs1enc.decrypt(secretKey, oaep.encrypt(publicKey, msg, "SHA-256"))),
      decryptionErrorMessage(() => pkcs1enc.decrypt(secretKey, new Uint8Array(256))),
      decryptionErrorMessage(() => pkcs1enc.decrypt(secretKey, ct.map((v, i) => (i === 255 ? v ^ 1 : v)))),
    ]);
    expect([...msgs]).toEqual(["decryption failed"]);
  });
  it("signatures RAW and DIGEST agree across paths", () => {
    const d = sha256(msg);
    for (const s of [pss.sign(secretKey, msg), pss.signDigest(secretKey, d)]) {
      expect(s.length).toBe(256);
      expect(pss.verify(publicKey, msg, s)).toBe(true);
      expect(pss.verifyDigest(publicKey, d, s)).toBe(true);
      expect(pss.verify(publicKey, utf8("other"), s)).toBe(false);
    }
    const fixed = pss.signDigest(secretKey, d, { salt: new Uint8Array(32).fill(1) });
    expect(pss.signDigest(secretKey, d, { salt: new Uint8Array(32).fill(1) })).toEqual(fixed);
    const s1 = pkcs1sig.sign(secretKey, msg);
    expect(pkcs1sig.signDigest(secretKey, d)).toEqual(s1); // deterministic scheme: both paths give the same bytes
    expect(pkcs1sig.verify(publicKey, msg, s1)).toBe(true);
    expect(pkcs1sig.verifyDigest(publicKey, d, s1)).toBe(true);
    expect(pkcs1sig.verifyDigest(publicKey, sha256(utf8("other")), s1)).toBe(false);
    expect(() => pkcs1sig.signDigest(secretKey, new Uint8Array(31))).toThrow(RangeError);
  });
  it("leaves its inputs unchanged", () => {
    const sk = secretKey.slice();
    const ct = pkcs1enc.encrypt(publicKey, msg);
    const ctCopy = ct.slice();
    expect(pkcs1enc.decrypt(secretKey, ct)).toEqual(msg);
    const d = sha256(msg);
    pss.signDigest(secretKey, d);
    expect([secretKey, ct, d]).toEqual([sk, ctCopy, sha256(msg)]);
  });
  it("refuses non-RSA and malformed keys", () => {
    expect(isInvalidKeyError(thrown(() => oaep.decrypt(new Uint8Array(10), new Uint8Array(256), "SHA-256")))).toBe(true);
    expect(() => generateKeyPair(1024)).toThrow(RangeError);
  });
});

describe("RSA-2048 against the openssl CLI", () => {
  const ossl = new OpensslDir();
  afterAll(() => ossl.cleanup());
  const { secretKey, publicKey } = generateKeyPair();
  ossl.write("pub.pem", toPem("PUBLIC KEY", publicKey));
  ossl.write("key.pem", toPem("PRIVATE KEY", secretKey));
  const msg = utf8("message for openssl\n");
  ossl.write("msg", msg);
  const pt = utf8("0123456789abcdef0123456789abcdef"); // a 32-byte data key
  ossl.write("pt", pt);

  const modes = [
    { name: "RSAES_OAEP_SHA_1", opts: ["rsa_padding_mode:oaep", "rsa_oaep_md:sha1", "rsa_mgf1_md:sha1"], dec: (c: Uint8Array) => oaep.decrypt(secretKey, c, "SHA-1"), enc: () => oaep.encrypt(publicKey, pt, "SHA-1") },
    { name: "RSAES_OAEP_SHA_256", opts: ["rsa_padding_mode:oaep", "rsa_oaep_md:sha256", "rsa_mgf1_md:sha256"], dec: (c: Uint8Array) => oaep.decrypt(secretKey, c, "SHA-256"), enc: () => oaep.encrypt(publicKey, pt, "SHA-256") },
    { name: "RSAES_PKCS1_V1_5", opts: ["rsa_padding_mode:pkcs1"], dec: (c: Uint8Array) => pkcs1enc.decrypt(secretKey, c), enc: () => pkcs1enc.encrypt(publicKey, pt) },
  ];
  const pkeyopts = (opts: string[]) => opts.flatMap((o) => ["-pkeyopt", o]);
  for (const m of modes) {
    it(`openssl pkeyutl -encrypt ${m.name} → we decrypt`, () => {
      for (let i = 0; i < 3; i++) {
        ossl.run(["pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", ...pkeyopts(m.opts), "-in", "pt", "-out", "ct"]);
        expect(m.dec(ossl.read("ct"))).toEqual(pt);
      }
    });
    it(`we encrypt ${m.name} → openssl pkeyutl -decrypt`, () => {
      ossl.write("ct2", m.enc());
      ossl.run(["pkeyutl", "-decrypt", "-inkey", "key.pem", ...pkeyopts(m.opts), "-in", "ct2", "-out", "pt2"]);
      expect(ossl.read("pt2")).toEqual(pt);
    });
  }

  const pssOpts = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"];
  it("we sign RSA_PSS_SHA_256 RAW and DIGEST → openssl dgst verifies (saltlen -1 = 32)", () => {
    for (const sig of [pss.sign(secretKey, msg), pss.signDigest(secretKey, sha256(msg))]) {
      ossl.write("sig", sig);
      expect(ossl.run(["dgst", "-sha256", "-verify", "pub.pem", ...pssOpts, "-signature", "sig", "msg"])).toMatch(/Verified OK/);
    }
    ossl.write("sig", pkcs1sig.sign(secretKey, msg)); // a PKCS#1 signature must not pass as PSS
    expect(ossl.ok(["dgst", "-sha256", "-verify", "pub.pem", ...pssOpts, "-signature", "sig", "msg"])).toBe(false);
  });
  it("we sign RSA_PKCS1_SHA_256 RAW and DIGEST → openssl dgst verifies", () => {
    for (const sig of [pkcs1sig.sign(secretKey, msg), pkcs1sig.signDigest(secretKey, sha256(msg))]) {
      ossl.write("sig", sig);
      expect(ossl.run(["dgst", "-sha256", "-verify", "pub.pem", "-signature", "sig", "msg"])).toMatch(/Verified OK/);
    }
  });
  it("openssl dgst -sign (PSS and PKCS#1) → we verify, RAW and DIGEST", () => {
    ossl.run(["dgst", "-sha256", "-sign", "key.pem", ...pssOpts, "-out", "psig", "msg"]);
    expect(pss.verify(publicKey, msg, ossl.read("psig"))).toBe(true);
    expect(pss.verifyDigest(publicKey, sha256(msg), ossl.read("psig"))).toBe(true);
    ossl.run(["dgst", "-sha256", "-sign", "key.pem", "-out", "ksig", "msg"]);
    expect(pkcs1sig.verify(publicKey, msg, ossl.read("ksig"))).toBe(true);
    expect(pkcs1sig.verifyDigest(publicKey, sha256(msg), ossl.read("ksig"))).toBe(true);
  });
});

describe("generateKeyPairAsync", () => {
  it("makes a working 2048-bit pair off the event loop", async () => {
    const { secretKey, publicKey } = await generateKeyPairAsync(2048);
    expect(modulusBits(secretKey)).toBe(2048);
    expect(toHex(getPublicKey(secretKey))).toBe(toHex(publicKey));
    const ct = oaep.encrypt(publicKey, new Uint8Array([1, 2, 3]), "SHA-256");
    expect(toHex(oaep.decrypt(secretKey, ct, "SHA-256"))).toBe("010203");
    await expect(generateKeyPairAsync(1024)).rejects.toThrow(RangeError);
  });
});
