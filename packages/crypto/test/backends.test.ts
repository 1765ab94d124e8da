// Every symmetric API of the facade, on every backend: node:crypto, the scalar WASM core and the SIMD128 WASM core.
import { createCipheriv, createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBackend, setBackend, type BackendChoice } from "../src/backend.js";
import { sm3, createSm3 } from "../src/sm3.js";
import { hmacSm3, verifyHmacSm3 } from "../src/hmac-sm3.js";
import { sm4Cbc, sm4Ctr, sm4Ecb } from "../src/sm4.js";
import { sm4Gcm, sm4GcmKey } from "../src/sm4-gcm.js";
import { aes128Gcm, aes256Gcm } from "../src/aes-gcm.js";
import { aesCbc } from "../src/aes-cbc.js";
import { aesCtr } from "../src/aes-ctr.js";
import { isAuthenticationError } from "../src/aead.js";
import { randomBytes } from "../src/random.js";
import { hex, toHex, wycheproofCases } from "./_vectors.js";
import { acvpCases, field, smCases } from "./_acvp.js";
import { expectGcmCase } from "./_gcm-wycheproof.js";

const backends: BackendChoice[] = ["node", "wasm-scalar", "wasm-simd"];
const kms = (g: Record<string, unknown>) => g.ivSize === 96 && g.tagSize === 128;
const initial = getBackend();
afterAll(() => setBackend(initial));

describe.each(backends)("backend %s", (backend) => {
  beforeAll(() => setBackend(backend));

  it.each(smCases("sm3").map((v) => [v.id, v] as const))("SM3 %s", (_id, v) => {
    expect(toHex(sm3(field(v, "msg")))).toBe(v.digest);
    const m = field(v, "msg");
    expect(toHex(createSm3().update(m.subarray(0, 3)).update(m.subarray(3)).digest())).toBe(v.digest);
  });
  it.each(smCases("hmacSm3").map((v) => [v.id, v] as const))("HMAC-SM3 %s", (_id, v) => {
    expect(toHex(hmacSm3(field(v, "key"), field(v, "msg")))).toBe(v.mac);
  });
  it.each(smCases("sm4", (v) => ["ECB", "CBC", "CTR"].includes(v.mode)).map((v) => [v.id, v] as const))("SM4 %s", (_id, v) => {
    const key = hex(v.key), pt = hex(v.pt), ct = hex(v.ct);
    if (v.mode === "ECB") {
      expect(toHex(sm4Ecb.encryptBlocks(key, pt))).toBe(v.ct);
      expect(toHex(sm4Ecb.decryptBlocks(key, ct))).toBe(v.pt);
    } else if (v.mode === "CBC") {
      expect(toHex(sm4Cbc.encryptBlocks(key, hex(v.iv!), pt))).toBe(v.ct);
      expect(toHex(sm4Cbc.decryptBlocks(key, hex(v.iv!), ct))).toBe(v.pt);
    } else {
      expect(toHex(sm4Ctr.process(key, hex(v.iv!), pt))).toBe(v.ct);
    }
  });
  it("SM4 ECB-iterated (10^6 encryptions, GB/T 32907-2016 App. A example 2)", () => {
    const [v] = smCases("sm4", (x) => x.mode === "ECB-iterated");
    const key = hex(v!.key);
    const first = sm4Ecb.encryptBlocks(key, hex(v!.pt));
    const chain = sm4Cbc.encryptBlocks(key, first, new Uint8Array((v!.iterations! - 1) * 16));
    expect(toHex(chain.subarray(chain.length - 16))).toBe(v!.ct);
  });
  it.each(smCases("sm4Aead", (v) => v.mode === "GCM").map((v) => [v.id, v] as const))("SM4-GCM %s", (_id, v) => {
    expect(toHex(sm4Gcm.seal(hex(v.key), hex(v.iv), hex(v.pt), hex(v.aad)))).toBe(v.ct + v.tag);
  });
  it.each(smCases("sm4Aead", (v) => v.mode === "GCM").map((v) => [v.id, v] as const))("SM4-GCM prepared key %s", (_id, v) => {
    const k = sm4GcmKey(hex(v.key));
    expect(toHex(k.seal(hex(v.iv), hex(v.pt), hex(v.aad)))).toBe(v.ct + v.tag);
    expect(toHex(k.open(hex(v.iv), hex(v.ct + v.tag), hex(v.aad)))).toBe(v.pt);
    k.dispose();
  });
  it.each(wycheproofCases("sm4_gcm_test.json", kms).map((c) => [c.test.tcId, c] as const))("SM4-GCM prepared key, Wycheproof tcId %i", (_id, { test }) => {
    const k = sm4GcmKey(hex(test.key as string));
    expectGcmCase({ seal: (_key, iv, msg, aad) => k.seal(iv, msg, aad), open: (_key, iv, sealed, aad) => k.open(iv, sealed, aad) }, test);
    k.dispose();
  });
  it("SM4-GCM prepared key: equals sm4Gcm for many messages and lengths; misuse refused; disposed key refused", () => {
    const key = randomBytes(16);
    const k = sm4GcmKey(key);
    for (const n of [0, 1, 15, 16, 17, 64, 255, 4064, 4065, 65_000, 65_536]) {
      const iv = randomBytes(12), pt = randomBytes(n), aad = randomBytes(n % 37);
      const copy = pt.slice();
      const sealed = k.seal(iv, pt, aad);
      expect(toHex(sealed)).toBe(toHex(sm4Gcm.seal(key, iv, pt, aad)));
      expect(toHex(k.open(iv, sealed, aad))).toBe(toHex(pt));
      expect(toHex(pt)).toBe(toHex(copy));
      sealed[n % sealed.length]! ^= 0x80;
      expect(isAuthenticationError((() => { try { k.open(iv, sealed, aad); } catch (e) { return e; } })())).toBe(true);
    }
    expect(() => sm4GcmKey(randomBytes(15))).toThrow(RangeError);
    expect(() => sm4GcmKey("k" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => k.seal(randomBytes(16), randomBytes(3))).toThrow(RangeError);
    expect(() => k.open(randomBytes(12), randomBytes(15))).toThrow(RangeError);
    k.dispose();
    expect(() => k.seal(randomBytes(12), randomBytes(3))).toThrow(/disposed/);
  });

  describe.each([
    ["SM4-GCM", sm4Gcm, "sm4_gcm_test.json", 128],
    ["AES-128-GCM", aes128Gcm, "aes_gcm_test.json", 128],
    ["AES-256-GCM", aes256Gcm, "aes_gcm_test.json", 256],
  ] as const)("Wycheproof %s", (_name, aead, file, keySize) => {
    it.each(wycheproofCases(file, (g) => kms(g) && g.keySize === keySize).map((c) => [c.test.tcId, c] as const))("tcId %i", (_id, { test }) => expectGcmCase(aead, test));
  });

  it.each(wycheproofCases("aes_cbc_pkcs5_test.json", (g) => g.keySize === 128 || g.keySize === 256).map((c) => [c.test.tcId, c] as const))(
    "Wycheproof AES-CBC-PKCS5 tcId %i",
    (_id, { test }) => {
      const key = hex(test.key as string), iv = hex(test.iv as string), msg = hex(test.msg as string), ct = hex(test.ct as string);
      if (test.result === "valid") {
        expect(toHex(aesCbc.encrypt(key, iv, msg))).toBe(toHex(ct));
        expect(toHex(aesCbc.decrypt(key, iv, ct))).toBe(toHex(msg));
      } else {
        expect(() => aesCbc.decrypt(key, iv, ct)).toThrow();
      }
    },
  );

  it.each(wycheproofCases("hmac_sm3_test.json", (g) => g.tagSize === 128 || g.tagSize === 256).map((c) => [c.test.tcId, c] as const))(
    "Wycheproof HMAC-SM3 tcId %i",
    (_id, { test }) => {
      expect(verifyHmacSm3(hex(test.key as string), hex(test.msg as string), hex(test.tag as string))).toBe(test.result === "valid");
    },
  );

  it.each(acvpCases("ACVP-AES-CTR-1.0").map((c) => [c.test.tcId, c] as const))("ACVP AES-CTR tcId %i", (_id, { group, test }) => {
    const input = hex(((group.direction === "encrypt" ? test.pt : test.ct) as string).toLowerCase());
    const out = aesCtr.process(hex((test.key as string).toLowerCase()), hex((test.iv as string).toLowerCase()), input);
    const bits = test.payloadLen as number;
    if (bits % 8 !== 0) out[out.length - 1]! &= (0xff << (8 - (bits % 8))) & 0xff;
    expect(toHex(out)).toBe(((group.direction === "encrypt" ? test.ct : test.pt) as string).toLowerCase());
  });

  it.each(acvpCases("ACVP-AES-CBC-1.0", (g) => g.testType === "AFT").map((c) => [c.test.tcId, c] as const))("ACVP AES-CBC tcId %i", (_id, { group, test }) => {
    const key = hex((test.key as string).toLowerCase()), iv = hex((test.iv as string).toLowerCase());
    const pt = (test.pt as string).toLowerCase(), ct = (test.ct as string).toLowerCase();
    if (group.direction === "encrypt") expect(toHex(aesCbc.encryptBlocks(key, iv, hex(pt)))).toBe(ct);
    else expect(toHex(aesCbc.decryptBlocks(key, iv, hex(ct)))).toBe(pt);
  });

  it.each(acvpCases("ACVP-AES-GCM-1.0", (g) => g.ivLen === 96 && g.tagLen === 128).map((c) => [c.test.tcId, c] as const))("ACVP AES-GCM tcId %i", (_id, { group, test }) => {
    const key = hex((test.key as string).toLowerCase()), iv = hex((test.iv as string).toLowerCase()), aad = hex((test.aad as string).toLowerCase());
    const sealed = hex(((test.ct as string) + (test.tag as string)).toLowerCase());
    if (group.direction === "encrypt") expect(toHex(aes128Gcm.seal(key, iv, hex((test.pt as string).toLowerCase()), aad))).toBe(toHex(sealed));
    else if (test.testPassed === false) expect(() => aes128Gcm.open(key, iv, sealed, aad)).toThrow(/authentication/);
    else expect(toHex(aes128Gcm.open(key, iv, sealed, aad))).toBe((test.pt as string).toLowerCase());
  });

  it("differential: every API equals node:crypto on random inputs, streaming at every split point", () => {
    for (const n of [0, 1, 15, 16, 17, 64, 100, 4097]) {
      const m = randomBytes(n), k16 = randomBytes(16), k32 = randomBytes(32), iv = randomBytes(16);
      expect(toHex(sm3(m))).toBe(createHash("sm3").update(m).digest("hex"));
      expect(toHex(hmacSm3(k32, m))).toBe(createHmac("sm3", k32).update(m).digest("hex"));
      const node = (name: string, key: Uint8Array, ivv: Uint8Array | null) => {
        const c = createCipheriv(name, key, ivv);
        return Buffer.concat([c.update(m), c.final()]).toString("hex");
      };
      expect(toHex(sm4Ecb.encrypt(k16, m))).toBe(node("sm4-ecb", k16, null));
      expect(toHex(sm4Cbc.encrypt(k16, iv, m))).toBe(node("sm4-cbc", k16, iv));
      expect(toHex(sm4Ctr.process(k16, iv, m))).toBe(node("sm4-ctr", k16, iv));
      expect(toHex(aesCbc.encrypt(k32, iv, m))).toBe(node("aes-256-cbc", k32, iv));
      expect(toHex(aesCtr.process(k32, iv, m))).toBe(node("aes-256-ctr", k32, iv));
      expect(toHex(sm4Ecb.decrypt(k16, sm4Ecb.encrypt(k16, m)))).toBe(toHex(m));
      expect(toHex(sm4Cbc.decrypt(k16, iv, sm4Cbc.encrypt(k16, iv, m)))).toBe(toHex(m));
    }
    const m = randomBytes(70), k = randomBytes(16), iv = randomBytes(16);
    const want = createHash("sm3").update(m).digest("hex");
    const c = createCipheriv("sm4-ctr", k, iv);
    const ctrWant = Buffer.concat([c.update(m), c.final()]).toString("hex");
    for (let i = 0; i <= m.length; i++) {
      expect(toHex(createSm3().update(m.subarray(0, i)).update(m.subarray(i)).digest())).toBe(want);
      const s = sm4Ctr.stream(k, iv);
      expect(Buffer.concat([s.update(m.subarray(0, i)), s.update(m.subarray(i))]).toString("hex")).toBe(ctrWant);
      s.dispose();
    }
  });

  it("misuse: lengths, types, truncated HMAC tags, inputs unchanged", () => {
    expect(() => sm4Ecb.encrypt(randomBytes(15), randomBytes(1))).toThrow(RangeError);
    expect(() => sm4Cbc.encrypt(randomBytes(16), randomBytes(12), randomBytes(1))).toThrow(RangeError);
    expect(() => sm4Ecb.encryptBlocks(randomBytes(16), randomBytes(17))).toThrow(RangeError);
    expect(() => sm4Ecb.decrypt(randomBytes(16), new Uint8Array(0))).toThrow(RangeError);
    expect(() => aesCtr.process(randomBytes(24), randomBytes(16), randomBytes(1))).toThrow(RangeError);
    // @ts-expect-error wrong type on purpose
    expect(() => sm3("abc")).toThrow(TypeError);
    expect(() => verifyHmacSm3(randomBytes(16), randomBytes(1), randomBytes(8))).toThrow(RangeError);
    const key = randomBytes(16), nonce = randomBytes(12), pt = randomBytes(50), copy = pt.slice();
    const sealed = sm4Gcm.seal(key, nonce, pt);
    expect(toHex(pt)).toBe(toHex(copy));
    expect(() => sm4Gcm.open(key, nonce, sealed.subarray(0, 15))).toThrow(RangeError);
  });
});

describe("backends agree with each other", () => {
  it("SM4-GCM and AES-256-GCM output is identical on every backend", () => {
    const key = randomBytes(32), nonce = randomBytes(12), pt = randomBytes(1234), aad = randomBytes(17);
    const outs = backends.map((b) => {
      setBackend(b);
      return [toHex(sm4Gcm.seal(key.subarray(0, 16), nonce, pt, aad)), toHex(aes256Gcm.seal(key, nonce, pt, aad))].join();
    });
    expect(new Set(outs).size).toBe(1);
  });
  it("setBackend refuses unknown names; auto runs SM4-GCM on WASM", () => {
    // @ts-expect-error wrong name on purpose
    expect(() => setBackend("openssl")).toThrow(RangeError);
    setBackend("auto");
    expect(getBackend()).toBe("auto");
  });
});
