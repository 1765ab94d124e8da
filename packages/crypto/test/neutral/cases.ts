/**
 * The runtime-neutral suite: the same cases run under Node against the Node backend (`../neutral.test.ts`) and in
 * real Chromium against the browser backend (`../chromium.test.ts`, bundled with esbuild for the browser). Every
 * algorithm `@openkms/browser` exposes runs its known-answer / Wycheproof / cross-check vectors here.
 *
 * A case is framework-free: it throws on failure (see `_assert.ts`) and reads vectors through a {@link VectorSource}.
 */
import { platform } from "#platform";
import { ready } from "../../src/backend.js";
import * as ecdsa from "../../src/ecdsa-p256.js";
import { isInvalidKeyError } from "../../src/_errors.js";
import { bitString, integer, oid, sequence, tlv, TAG } from "../../src/_der.js";
import { sealAsync } from "../../src/_kyber-aes.js";
import { decryptAsync as kyberDecryptAsync, encryptAsync as kyberEncryptAsync, lengths as kyberLengths } from "../../src/kyber-aes.js";
import { ml_dsa65, ready as pqcReady } from "../../src/ml-dsa.js";
import { ml_kem768 } from "../../src/ml-kem.js";
import { parsePublicKeyPem, parseSpki } from "../../src/public-key.js";
import * as rsa from "../../src/rsa-public.js";
import * as sm2 from "../../src/sm2.js";
import { sm3 } from "../../src/sm3.js";
import { sm4Gcm } from "../../src/sm4-gcm.js";
import { hmacSm3 } from "../../src/hmac-sm3.js";
import * as sm4 from "../../src/sm4.js";
import { randomBytes } from "../../src/random.js";
import { equalBytes, hex, ok, rejects, toHex, utf8 } from "./_assert.js";
import type { VectorSource, WycheproofFile } from "./_io.js";

export interface NeutralCase {
  suite: string;
  name: string;
  run(io: VectorSource): Promise<void>;
}

const cases: NeutralCase[] = [];
const add = (suite: string, name: string, run: (io: VectorSource) => Promise<void>) => cases.push({ suite, name, run });

/**
 * Runs a Wycheproof file: `check` returns the verdict (true = accepted), or "skip" for parameters outside the API
 * (counted separately); "acceptable" cases are skipped. Throws unless some cases ran.
 */
async function wycheproof<G>(
  io: VectorSource,
  file: string,
  check: (g: G, t: Record<string, string>) => Promise<boolean | "skip">,
): Promise<number> {
  const data = await io.vectors<WycheproofFile<G>>(`wycheproof/${file}`);
  let n = 0;
  for (const g of data.testGroups) {
    for (const t of g.tests) {
      if (t.result === "acceptable") continue;
      let accepted: boolean;
      try {
        const verdict = await check(g, t as unknown as Record<string, string>);
        if (verdict === "skip") continue;
        accepted = verdict;
      } catch (e) {
        if (t.result === "valid") throw new Error(`${file} tcId ${t.tcId} (${t.comment}): threw ${(e as Error).message}`);
        accepted = false;
      }
      ok(accepted === (t.result === "valid"), `${file} tcId ${t.tcId} (${t.comment}): expected ${t.result}, got ${accepted ? "accepted" : "rejected"}`);
      n++;
    }
  }
  ok(n > 0, `${file}: no cases`);
  return n;
}

// ---- platform primitives (SHA-2, HMAC, HKDF, AES-GCM) ----

add("platform", "SHA-1 / SHA-256 / SHA-512 of 'abc' (FIPS 180-2 appendix examples)", async () => {
  equalBytes(await platform.digest("SHA-1", utf8("abc")), hex("a9993e364706816aba3e25717850c26c9cd0d89d"), "SHA-1");
  equalBytes(await platform.digest("SHA-256", utf8("abc")), hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "SHA-256");
  equalBytes(
    await platform.digest("SHA-512", utf8("abc")),
    hex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    "SHA-512",
  );
});

add("platform", "HMAC-SHA-256 RFC 4231 test case 2", async () => {
  equalBytes(
    await platform.hmacSha256(utf8("Jefe"), utf8("what do ya want for nothing?")),
    hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    "HMAC",
  );
});

add("platform", "HKDF-SHA-256 RFC 5869 test case 1", async () => {
  const okm = await platform.hkdfSha256(hex("0b".repeat(22)), hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
  equalBytes(okm, hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"), "OKM");
});

add("platform", "AES-GCM Wycheproof (128/256-bit keys, 96-bit IV): seal and open", async (io) => {
  await wycheproof<{ keySize: number; ivSize: number; tagSize: number }>(io, "aes_gcm_test.json", async (g, t) => {
    if (g.ivSize !== 96 || g.tagSize !== 128 || (g.keySize !== 128 && g.keySize !== 256)) return "skip";
    const key = hex(t.key!), iv = hex(t.iv!), aad = hex(t.aad!), msg = hex(t.msg!);
    const sealed = hex(t.ct! + t.tag!);
    let opened: Uint8Array;
    try {
      opened = await platform.aesGcmOpen(key, iv, sealed, aad);
    } catch (e) {
      ok((e as { code?: string }).code === "AUTHENTICATION_FAILED", `tcId ${t.tcId}: open threw ${(e as Error).message}`);
      return false;
    }
    equalBytes(opened, msg, `tcId ${t.tcId} plaintext`);
    equalBytes(await platform.aesGcmSeal(key, iv, msg, aad), sealed, `tcId ${t.tcId} seal`);
    return true;
  });
});

// ---- SM3 / SM4-GCM (WASM core, loaded asynchronously) ----

add("sm", "SM3 GB/T 32905-2016 appendix A examples", async (io) => {
  await ready();
  const v = await io.vectors<{ sm3: { id: string; msg: string; digest: string }[] }>("sm/sm-standard-vectors.json");
  ok(v.sm3.length >= 2, "SM3 vectors");
  for (const t of v.sm3) equalBytes(sm3(hex(t.msg)), hex(t.digest), t.id);
});

add("sm", "HMAC-SM3 (GM/T 0042) and SM4 ECB (GB/T 32907 appendix A example 1)", async (io) => {
  await ready();
  const v = await io.vectors<{ hmacSm3: { id: string; key?: string; keyAscii?: string; msg?: string; msgAscii?: string; mac: string }[]; sm4: { id: string; mode: string; key: string; pt: string; ct: string }[] }>("sm/sm-standard-vectors.json");
  ok(v.hmacSm3.length > 0, "HMAC-SM3 vectors");
  for (const t of v.hmacSm3) {
    const key = t.key !== undefined ? hex(t.key) : utf8(t.keyAscii!);
    const msg = t.msg !== undefined ? hex(t.msg) : utf8(t.msgAscii!);
    equalBytes(hmacSm3(key, msg), hex(t.mac), t.id);
  }
  const ecb = v.sm4.filter((t) => t.mode === "ECB");
  ok(ecb.length > 0, "SM4 ECB vectors");
  for (const t of ecb) {
    // sm4Ecb pads with PKCS#7: the one-block example is the first block, the padding block follows.
    const sealed = sm4.sm4Ecb.encrypt(hex(t.key), hex(t.pt));
    equalBytes(sealed.subarray(0, 16), hex(t.ct), `${t.id} encrypt`);
    equalBytes(sm4.sm4Ecb.decrypt(hex(t.key), sealed), hex(t.pt), `${t.id} decrypt`);
  }
});

add("sm", "SM4-GCM Wycheproof + RFC 8998: seal and open", async (io) => {
  await ready();
  await wycheproof<{ ivSize: number }>(io, "sm4_gcm_test.json", async (g, t) => {
    if (g.ivSize !== 96) {
      // The API takes 96-bit nonces only (what the envelope format uses): other sizes are a RangeError, not a verdict.
      await rejects(() => sm4Gcm.seal(hex(t.key!), hex(t.iv!), hex(t.msg!)), (e) => e instanceof RangeError, `tcId ${t.tcId}`);
      return "skip";
    }
    const key = hex(t.key!), iv = hex(t.iv!), aad = hex(t.aad!), msg = hex(t.msg!), sealed = hex(t.ct! + t.tag!);
    let opened: Uint8Array;
    try {
      opened = sm4Gcm.open(key, iv, sealed, aad);
    } catch (e) {
      ok((e as { code?: string }).code === "AUTHENTICATION_FAILED", `tcId ${t.tcId}: ${(e as Error).message}`);
      return false;
    }
    equalBytes(opened, msg, `tcId ${t.tcId} plaintext`);
    equalBytes(sm4Gcm.seal(key, iv, msg, aad), sealed, `tcId ${t.tcId} seal`);
    return true;
  });
});

// ---- SM2 (noble curves + SM3 from the WASM core) ----

add("sm2", "SM2DSA GM/T 0003.5 annex A: Z_A, e, verify (RAW and DIGEST), one flipped bit fails", async (io) => {
  await ready();
  const { sm2: v } = await io.vectors<{ sm2: { sign: Record<string, string> } }>("sm/sm-standard-vectors.json");
  const s = v.sign;
  const pub = hex("04" + s.pubX + s.pubY!);
  const id = utf8(s.idAscii!);
  const msg = utf8(s.msgAscii!);
  equalBytes(sm2.za(pub, id), hex(s.za!), "Z_A");
  equalBytes(sm2.digest(pub, msg, id), hex(s.e!), "e");
  const sig = sm2.signatureFromCompact(hex(s.r! + s.s!));
  ok(sm2.verify(pub, msg, sig, { id }), "RAW verify");
  ok(sm2.verifyDigest(pub, hex(s.e!), sig), "DIGEST verify");
  const bad = sig.slice();
  bad[bad.length - 1]! ^= 1;
  ok(!sm2.verify(pub, msg, bad, { id }), "flipped bit verifies");
  // Signed here (random k), verified here: the default ID path.
  const { secretKey, publicKey } = sm2.generateKeyPair();
  ok(sm2.verify(publicKey, msg, sm2.sign(secretKey, msg)), "sign/verify round trip");
});

add("sm2", "SM2 encryption GM/T 0003.5 annex C with its k: C1C3C2 raw and ASN.1 bytes; decrypts", async (io) => {
  await ready();
  const { sm2: v } = await io.vectors<{ sm2: { encrypt: Record<string, string> } }>("sm/sm-standard-vectors.json");
  const e = v.encrypt;
  const pub = hex("04" + e.pubX + e.pubY!);
  const msg = utf8(e.msgAscii!);
  equalBytes(sm2.encrypt(pub, msg, "C1C3C2_ASN1", { k: hex(e.k!) }), hex(e.ciphertextDer!), "ASN.1");
  equalBytes(sm2.encrypt(pub, msg, "C1C3C2", { k: hex(e.k!) }), hex(e.ciphertextC1C3C2!).subarray(1), "raw");
  const random = sm2.encrypt(pub, msg, "C1C3C2_ASN1");
  equalBytes(sm2.decrypt(hex(e.d!), random, "C1C3C2_ASN1"), msg, "decrypt");
});

// ---- public keys (PEM / SPKI) ----

add("public-key", "PEM and SPKI of RSA, P-256, ML-DSA-65, SM2, ML-KEM-768 parse; malformed ones are InvalidKeyError", async (io) => {
  const pss = await io.vectors<WycheproofFile<{ publicKeyPem: string; publicKey: { modulus: string } }>>("wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json");
  const r = parsePublicKeyPem(pss.testGroups[0]!.publicKeyPem);
  ok(r.type === "RSA" && r.bits === 2048 && r.exponent === 65537n, "RSA");
  ok(r.type === "RSA" && r.modulus === BigInt("0x" + pss.testGroups[0]!.publicKey.modulus), "RSA modulus");
  const ec = await io.vectors<WycheproofFile<{ publicKeyPem: string; publicKey: { uncompressed: string } }>>("wycheproof/ecdsa_secp256r1_sha256_test.json");
  const p = parsePublicKeyPem(ec.testGroups[0]!.publicKeyPem);
  ok(p.type === "P-256" && toHex(p.point) === ec.testGroups[0]!.publicKey.uncompressed, "P-256");
  const md = await io.vectors<WycheproofFile<{ publicKey: string; publicKeyDer: string }>>("wycheproof/mldsa_65_verify_test.json");
  const d = parseSpki(hex(md.testGroups[0]!.publicKeyDer));
  ok(d.type === "ML-DSA-65" && toHex(d.key) === md.testGroups[0]!.publicKey, "ML-DSA-65");
  await ready();
  const { publicKey } = sm2.generateKeyPair();
  const sm2Spki = sequence(sequence(oid("1.2.840.10045.2.1"), oid("1.2.156.10197.1.301")), bitString(publicKey));
  const s = parseSpki(sm2Spki);
  ok(s.type === "SM2" && toHex(s.point) === toHex(publicKey), "SM2");
  await pqcReady();
  const { encapsulationKey } = ml_kem768.keygen(new Uint8Array(64).fill(7));
  const k = parseSpki(ml_kem768.encodePublicKey(encapsulationKey));
  ok(k.type === "ML-KEM-768" && toHex(k.key) === toHex(encapsulationKey), "ML-KEM-768");
  for (const [what, pem] of [
    ["garbage", "hello"],
    ["bad base64", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"],
    ["truncated DER", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"],
    ["private key label", "-----BEGIN PRIVATE KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PRIVATE KEY-----\n"],
  ] as const) {
    await rejects(() => parsePublicKeyPem(pem), isInvalidKeyError, what);
  }
  const offCurve = sequence(sequence(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")), bitString(new Uint8Array(65).fill(4)));
  await rejects(() => parseSpki(offCurve), isInvalidKeyError, "point off the curve");
  await rejects(() => parsePublicKeyPem(42 as unknown as string), (e) => e instanceof TypeError, "not a string");
});

// ---- RSA (platform for RAW and encryption; bigint RSAVP1 for DIGEST) ----

add("rsa", "RSASSA-PSS SHA-256 Wycheproof: RAW (platform) and DIGEST (RSAVP1 + EMSA-PSS-VERIFY here)", async (io) => {
  await wycheproof<{ publicKeyDer: string }>(io, "rsa_pss_2048_sha256_mgf1_32_test.json", async (g, t) => {
    const pub = hex(g.publicKeyDer), msg = hex(t.msg!), sig = hex(t.sig!);
    const raw = await rsa.pssVerify(pub, msg, sig);
    const digest = await rsa.pssVerifyDigest(pub, await platform.digest("SHA-256", msg), sig);
    ok(raw === digest, `tcId ${t.tcId}: RAW ${raw} ≠ DIGEST ${digest}`);
    return raw;
  });
});

add("rsa", "RSASSA-PKCS1-v1_5 SHA-256 Wycheproof: RAW (platform) and DIGEST (RSAVP1 + encoding compare)", async (io) => {
  await wycheproof<{ publicKeyDer: string }>(io, "rsa_signature_2048_sha256_test.json", async (g, t) => {
    const pub = hex(g.publicKeyDer), msg = hex(t.msg!), sig = hex(t.sig!);
    const raw = await rsa.pkcs1Verify(pub, msg, sig);
    const digest = await rsa.pkcs1VerifyDigest(pub, await platform.digest("SHA-256", msg), sig);
    ok(raw === digest, `tcId ${t.tcId}: RAW ${raw} ≠ DIGEST ${digest}`);
    return raw;
  });
});

add("rsa", "RSAES-OAEP SHA-1 / SHA-256 encrypt → WebCrypto decrypt with the Wycheproof private key; limits", async (io) => {
  for (const [file, hash] of [
    ["rsa_oaep_2048_sha1_mgf1sha1_test.json", "SHA-1"],
    ["rsa_oaep_2048_sha256_mgf1sha256_test.json", "SHA-256"],
  ] as const) {
    const data = await io.vectors<WycheproofFile<{ privateKey: { modulus: string; publicExponent: string }; privateKeyPkcs8: string }>>(`wycheproof/${file}`);
    const g = data.testGroups[0]!;
    const spki = sequence(
      sequence(oid("1.2.840.113549.1.1.1"), tlv(TAG.NULL)),
      bitString(sequence(integer(BigInt("0x" + g.privateKey.modulus)), integer(BigInt("0x" + g.privateKey.publicExponent)))),
    );
    const priv = await globalThis.crypto.subtle.importKey("pkcs8", hex(g.privateKeyPkcs8) as Uint8Array<ArrayBuffer>, { name: "RSA-OAEP", hash }, false, ["decrypt"]);
    const max = hash === "SHA-1" ? 214 : 190;
    for (const len of [0, 1, 32, max]) {
      const pt = new Uint8Array(len).map((_, i) => i * 7);
      const ct = await rsa.oaepEncrypt(spki, pt, hash);
      ok(ct.length === 256, `${hash} ciphertext length ${ct.length}`);
      equalBytes(new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: "RSA-OAEP" }, priv, ct as Uint8Array<ArrayBuffer>)), pt, `${hash} ${len} B`);
    }
    await rejects(() => rsa.oaepEncrypt(spki, new Uint8Array(max + 1), hash), (e) => e instanceof RangeError && /"plaintext"/.test(e.message), `${hash} too long`);
  }
  const ec = await io.vectors<WycheproofFile<{ publicKeyDer: string }>>("wycheproof/ecdsa_secp256r1_sha256_test.json");
  await rejects(() => rsa.oaepEncrypt(hex(ec.testGroups[0]!.publicKeyDer), new Uint8Array(1), "SHA-256"), isInvalidKeyError, "EC key for RSA");
});

// ---- ECDSA P-256 ----

add("ecdsa-p256", "ECDSA P-256 SHA-256 Wycheproof (DER): verifyAsync (platform) agrees with verify/verifyDigest (noble)", async (io) => {
  await wycheproof<{ publicKey: { uncompressed: string } }>(io, "ecdsa_secp256r1_sha256_test.json", async (g, t) => {
    const pub = hex(g.publicKey.uncompressed), msg = hex(t.msg!), sig = hex(t.sig!);
    const viaPlatform = await ecdsa.verifyAsync(pub, msg, sig);
    const viaNoble = ecdsa.verifyDigest(pub, await platform.digest("SHA-256", msg), sig);
    ok(viaPlatform === viaNoble, `tcId ${t.tcId}: platform ${viaPlatform} ≠ noble ${viaNoble}`);
    return viaPlatform;
  });
});

// ---- ML-DSA-65 / ML-KEM-768 / Kyber_AES (post-quantum WASM module, loaded asynchronously) ----

add("pqc", "ML-DSA-65 Wycheproof verify", async (io) => {
  await pqcReady();
  await wycheproof<{ publicKey: string }>(io, "mldsa_65_verify_test.json", async (g, t) => {
    const ctx = t.ctx !== undefined ? { context: hex(t.ctx) } : {};
    return ml_dsa65.verify(hex(g.publicKey), hex(t.msg!), hex(t.sig!), ctx);
  });
});

add("pqc", "ML-KEM-768 Wycheproof encapsulation with fixed m", async (io) => {
  await pqcReady();
  await wycheproof<unknown>(io, "mlkem_768_encaps_test.json", async (_g, t) => {
    const { ciphertext, sharedSecret } = ml_kem768.encapsulate(hex(t.ek!), hex(t.m!));
    equalBytes(ciphertext, hex(t.c!), `tcId ${t.tcId} c`);
    equalBytes(sharedSecret, hex(t.K!), `tcId ${t.tcId} K`);
    return true;
  });
});

add("pqc", "Kyber_AES golden blobs (docs/kyber-aes-blob.md) re-derived by sealAsync; encryptAsync round trip", async (io) => {
  await pqcReady();
  const golden = await io.golden<{ seed: string; keyId: string; vectors: { name: string; m: string; plaintext: string; blob: string }[] }>("kyber-aes-v1.json");
  const { encapsulationKey, decapsulationKey } = ml_kem768.keygen(hex(golden.seed));
  ok(golden.vectors.length > 0, "golden vectors");
  for (const v of golden.vectors) {
    const blob = await sealAsync({ keyId: golden.keyId, publicKey: encapsulationKey }, hex(v.plaintext), hex(v.m));
    equalBytes(blob, hex(v.blob), v.name);
  }
  const spki = ml_kem768.encodePublicKey(encapsulationKey);
  const pt = utf8("post-quantum from any runtime");
  const blob = await kyberEncryptAsync({ keyId: golden.keyId, publicKey: spki }, pt);
  ok(blob.length === pt.length + kyberLengths.overhead, "overhead");
  equalBytes(await kyberDecryptAsync(decapsulationKey, blob), pt, "decrypt");
  const tampered = blob.slice();
  tampered[tampered.length - 1]! ^= 1;
  await rejects(() => kyberDecryptAsync(decapsulationKey, tampered), (e) => (e as { code?: string }).code === "DECRYPTION_FAILED", "tampered blob");
  await rejects(() => kyberEncryptAsync({ keyId: "NOT-A-UUID", publicKey: spki }, pt), (e) => e instanceof RangeError && /"keyId"/.test(e.message), "bad keyId");
});

add("random", "randomBytes: fresh arrays of the asked length, pooled nonces never repeat across refills, bad lengths refused", async () => {
  const seen = new Set<string>();
  // 2,000 × 12 bytes crosses several 4 KiB refills of the nonce pool; 48-byte requests come straight from the CSPRNG.
  for (let i = 0; i < 2000; i++) {
    for (const length of [12, 16, 1, 48]) {
      const b = randomBytes(length);
      ok(b.length === length && b.byteOffset === 0 && b.buffer.byteLength === length, `a fresh ${length}-byte array`);
      if (length >= 12) {
        const h = toHex(b);
        ok(!seen.has(h), `no repeated ${length}-byte output`);
        seen.add(h);
      }
    }
  }
  // Bytes are not biased towards zero (a pool handing out its zeroed bytes would be): each bit set about half the time.
  const ones = Array.from(randomBytes(4096)).concat(Array.from({ length: 1024 }, () => Array.from(randomBytes(4))).flat())
    .reduce((n, v) => n + v.toString(2).replace(/0/g, "").length, 0);
  ok(ones > 8192 * 8 * 0.45 && ones < 8192 * 8 * 0.55, `about half the bits set: ${ones} of ${8192 * 8}`);
  ok(randomBytes(0).length === 0, "zero bytes");
  for (const [bad, type] of [[-1, RangeError], [65537, RangeError], [1.5, TypeError], [Number.NaN, TypeError]] as const) {
    let threw: unknown;
    try {
      randomBytes(bad);
    } catch (e) {
      threw = e;
    }
    ok(threw instanceof type && /"length"/.test((threw as Error).message), `${type.name} naming length for ${bad}`);
  }
});

export const neutralCases: readonly NeutralCase[] = cases;
