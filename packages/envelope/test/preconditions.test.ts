/**
 * The security preconditions of issue 10, one named test each: every tampering is detected with a clear
 * EnvelopeError code, and no plaintext comes out.
 */
import { describe, expect, it } from "vitest";
import {
  decrypt, encrypt, EnvelopeError, RawKeyring, type DataKeyMaterials, type Keyring,
} from "../src/node/index.js";
import { MessageDecryptor } from "../src/decryptor.js";
import { MessageEncryptor } from "../src/encryptor.js";
import { parseHeader, type ParsedHeader } from "../src/header.js";
import { nonceFor } from "../src/key-schedule.js";
import { concat, pattern, same } from "./_bytes.js";

const keyring = new RawKeyring({ keyName: "pre-key", key: new Uint8Array(32).fill(9) });
const FL = 1024;
const FRAME = 1 + FL + 16;
const ctx = { tenant: "t-1", purpose: "preconditions" };

async function message(n = 4 * FL + 100, suite: "AES_256_GCM" | "SM4_GCM" = "AES_256_GCM") {
  const pt = pattern(n);
  const ct = await encrypt(pt, { keyring, frameLength: FL, encryptionContext: ctx, suite });
  const headerLength = (parseHeader(ct) as ParsedHeader).length;
  const frames: Uint8Array[] = [];
  for (let off = headerLength; off < ct.length; off += FRAME) frames.push(ct.subarray(off, Math.min(off + FRAME, ct.length)));
  return { pt, ct, header: ct.subarray(0, headerLength), frames };
}

async function code(ct: Uint8Array, o: Partial<Parameters<typeof decrypt>[1]> = {}): Promise<string> {
  try {
    await decrypt(ct, { keyring, ...o });
  } catch (err) {
    if (err instanceof EnvelopeError) return err.code;
    throw err;
  }
  throw new Error("decrypted");
}

describe("security preconditions", () => {
  it("dropping the last frame, or the last frames, is Truncated", async () => {
    const { header, frames } = await message();
    expect(frames).toHaveLength(5);
    expect(await code(concat([header, ...frames.slice(0, 4)]))).toBe("Truncated");
    expect(await code(concat([header, ...frames.slice(0, 2)]))).toBe("Truncated");
    expect(await code(header)).toBe("Truncated");
  });

  it("reordering frames is InvalidCiphertext", async () => {
    const { header, frames } = await message();
    const [f1, f2, f3, f4, f5] = frames as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    expect(await code(concat([header, f2, f1, f3, f4, f5]))).toBe("InvalidCiphertext");
    expect(await code(concat([header, f1, f2, f4, f3, f5]))).toBe("InvalidCiphertext");
  });

  it("duplicating a frame is InvalidCiphertext", async () => {
    const { header, frames } = await message();
    const [f1, f2, f3, f4, f5] = frames as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    expect(await code(concat([header, f1, f1, f2, f3, f4, f5]))).toBe("InvalidCiphertext");
    expect(await code(concat([header, f1, f2, f3, f4, f4, f5]))).toBe("InvalidCiphertext");
    expect(await code(concat([header, f1, f2, f3, f4, f5, f5]))).toBe("InvalidCiphertext"); // data after the final frame
  });

  it("splicing a frame from another message (same key, same context) is InvalidCiphertext", async () => {
    const a = await message();
    const b = await message();
    expect(await code(concat([a.header, a.frames[0]!, b.frames[1]!, ...a.frames.slice(2)]))).toBe("InvalidCiphertext");
    expect(await code(concat([a.header, ...b.frames]))).toBe("InvalidCiphertext"); // b's body under a's header
    expect(await code(concat([b.header, ...a.frames.slice(0, 4), b.frames[4]!]))).toBe("InvalidCiphertext");
  });

  for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
    it(`flipping any bit of the header or the body is detected (${suite}, every bit)`, async () => {
      const { ct, header } = await message(FL + 40, suite);
      const codes = new Map<string, number>();
      for (let i = 0; i < ct.length * 8; i++) {
        const bad = ct.slice();
        bad[i >> 3]! ^= 1 << (i & 7);
        const c = await code(bad, { encryptionContext: {} });
        codes.set(c, (codes.get(c) ?? 0) + 1);
      }
      // header bits fail as version, suite, frame length, context, key unwrap, commitment or header tag errors;
      // body bits as frame tag failures, frame type or a final frame cut short
      expect([...codes.keys()].every((c) => ["UnsupportedVersion", "UnsupportedSuite", "FrameLengthOutOfRange", "InvalidCiphertext",
        "NoDecryptableKey", "CommitmentMismatch", "Truncated", "HeaderTooLarge"].includes(c))).toBe(true);
      expect(codes.get("InvalidCiphertext")! > (ct.length - header.length) * 8 * 0.9).toBe(true);
    });
  }

  it("a wrong or missing EncryptionContext is ContextMismatch", async () => {
    const { ct, pt } = await message(10);
    expect(await code(ct, { encryptionContext: { tenant: "t-2" } })).toBe("ContextMismatch");
    expect(await code(ct, { encryptionContext: { owner: "x" } })).toBe("ContextMismatch");
    expect(await code(ct, { encryptionContext: { ...ctx, extra: "" } })).toBe("ContextMismatch");
    const none = await encrypt(pt, { keyring, frameLength: FL });
    expect(await code(none, { encryptionContext: { tenant: "t-1" } })).toBe("ContextMismatch");
    // subsets are fine
    expect(same((await decrypt(ct, { keyring, encryptionContext: { tenant: "t-1" } })).plaintext, pt)).toBe(true);
  });

  it("an EncryptionContext changed in the header (to another canonical one of the same length) does not decrypt", async () => {
    const { ct } = await message(10);
    const s = Buffer.from(ct).toString("latin1").replace("t-1", "t-2");
    expect(await code(new Uint8Array(Buffer.from(s, "latin1")))).toBe("NoDecryptableKey"); // the raw wrap binds it
  });

  it("an unknown version or suite is UnsupportedVersion / UnsupportedSuite", async () => {
    const { ct } = await message(10);
    for (const v of [0, 2, 0xff]) expect(await code(Uint8Array.of(v, ...ct.subarray(1)))).toBe("UnsupportedVersion");
    for (const s of [0, 3, 0xff]) expect(await code(Uint8Array.of(1, s, ...ct.subarray(2)))).toBe("UnsupportedSuite");
    expect(await code(new TextEncoder().encode("hello, not an envelope"))).toBe("UnsupportedVersion");
    expect(await code(new Uint8Array(0))).toBe("Truncated");
  });

  it("an oversize frame length or header is FrameLengthOutOfRange / HeaderTooLarge", async () => {
    const { ct } = await message(10);
    for (const fl of [0, 1023, 4 * 1024 * 1024 + 1, 0xffffffff]) {
      const bad = ct.slice();
      new DataView(bad.buffer).setUint32(34, fl);
      expect(await code(bad)).toBe("FrameLengthOutOfRange");
    }
    // a context length that takes the header past 64 KiB
    const big = new Uint8Array(70_000);
    big.set(ct.subarray(0, 38));
    new DataView(big.buffer).setUint16(38, 0xffff);
    expect(await code(big)).toBe("HeaderTooLarge");
    // and the same as a stream fed in pieces
    const d = new MessageDecryptor({ keyring });
    let err: unknown;
    try {
      for (let off = 0; off < big.length; off += 1000) await d.update(big.subarray(off, off + 1000));
    } catch (e) {
      err = e;
    }
    expect((err as EnvelopeError).code).toBe("HeaderTooLarge");
    // a final frame claiming more than the frame length
    const { header, frames } = await message(100);
    const fin = frames[0]!.slice();
    new DataView(fin.buffer).setUint32(1, FL + 1);
    expect(await code(concat([header, fin]))).toBe("InvalidCiphertext");
  });

  it("one ciphertext opens under one data key only (key commitment): another data key is CommitmentMismatch", async () => {
    const { ct } = await message(10);
    const liar: Keyring = {
      cacheId: "liar",
      onEncrypt: () => Promise.reject(new Error("unused")),
      onDecrypt: async () => new Uint8Array(32).fill(1),
    };
    expect(await code(ct, { keyring: liar })).toBe("CommitmentMismatch");
  });

  it("the frame counter is 64-bit: frames numbered across 2^32 round-trip and never reuse a nonce of frames 1, 2, …", async () => {
    expect(Buffer.from(nonceFor(2 ** 32 + 1)).toString("hex")).toBe("00000000" + "0000000100000001");
    expect(Buffer.from(nonceFor(2 ** 32 + 1)).equals(Buffer.from(nonceFor(1)))).toBe(false);
    // a message whose frames are numbered 2^32 − 2 … 2^32 + 2 (as a > 4 GiB message at 1 KiB frames would be, and
    // beyond 4 TiB at 1 KiB or 256 TiB at 64 KiB), without writing terabytes
    const e = new MessageEncryptor({ keyring, frameLength: FL });
    e.seq = 2 ** 32 - 2;
    const pt = pattern(4 * FL + 7);
    const ct = concat([await e.start(), ...(await e.update(pt)), ...(await e.finish())]);
    expect(e.seq).toBe(2 ** 32 + 3);
    const d = new MessageDecryptor({ keyring });
    d.seq = 2 ** 32 - 2;
    const out = await d.update(ct);
    await d.finish();
    expect(same(concat(out), pt)).toBe(true);
    // counted from 1 (or wrapped to 32 bits) the same frames do not open
    expect(await code(ct)).toBe("InvalidCiphertext");
    // frame 2^32 opened with a counter wrapped to 32 bits fails
    const shifted = new MessageDecryptor({ keyring });
    shifted.seq = 2 ** 32 - 2;
    const first = await shifted.update(ct.subarray(0, ct.length - 2 * FRAME - (5 + 7 + 16)));
    expect(concat(first).length).toBe(2 * FL); // frames 2^32 − 2 and 2^32 − 1 open
    shifted.seq = 0; // what a 32-bit counter would hold after 2^32 − 1
    await expect(shifted.update(ct.subarray(ct.length - 2 * FRAME - (5 + 7 + 16)))).rejects.toMatchObject({ code: "InvalidCiphertext" });
  });

  it("data keys are zeroed when released (encryption and decryption, also on failure)", async () => {
    const handed: Uint8Array[] = [];
    const spy: Keyring = {
      cacheId: "spy",
      async onEncrypt(r): Promise<DataKeyMaterials> {
        const m = await keyring.onEncrypt(r);
        handed.push(m.dataKey);
        return m;
      },
      async onDecrypt(r) {
        const k = await keyring.onDecrypt(r);
        if (k) handed.push(k);
        return k;
      },
    };
    const ct = await encrypt(pattern(3000), { keyring: spy, frameLength: FL });
    await decrypt(ct, { keyring: spy });
    const bad = ct.slice();
    bad[bad.length - 1]! ^= 1;
    await expect(decrypt(bad, { keyring: spy })).rejects.toMatchObject({ code: "InvalidCiphertext" });
    expect(handed).toHaveLength(3);
    for (const k of handed) {
      expect(k.length).toBe(32);
      expect(k.every((b) => b === 0)).toBe(true);
    }
  });

  it("bad arguments are TypeError / RangeError naming the field", async () => {
    await expect(encrypt("text" as never, { keyring })).rejects.toThrow(/"plaintext"/);
    await expect(decrypt([1, 2] as never, { keyring })).rejects.toThrow(/"ciphertext"/);
    await expect(encrypt(new Uint8Array(1), { keyring: undefined as never })).rejects.toThrow(/"keyring"/);
    await expect(encrypt(new Uint8Array(1), { keyring, frameLength: 1023 })).rejects.toThrow(RangeError);
    await expect(encrypt(new Uint8Array(1), { keyring, frameLength: 4 * 1024 * 1024 + 1 })).rejects.toThrow(/"frameLength"/);
    await expect(encrypt(new Uint8Array(1), { keyring, suite: "AES" as never })).rejects.toThrow(/"suite"/);
    await expect(encrypt(new Uint8Array(1), { keyring, encryptionContext: { a: 1 } as never })).rejects.toThrow(TypeError);
    await expect(encrypt(new Uint8Array(1), { keyring, encryptionContext: { a: "\ud800" } })).rejects.toThrow(/"encryptionContext"/);
    await expect(encrypt(new Uint8Array(1), { keyring, encryptionContext: { a: "x".repeat(1100) } })).rejects.toThrow(RangeError);
    await expect(encrypt(new Uint8Array(1), { keyring, cache: {} as never })).rejects.toThrow(/"cache"/);
    expect(() => new RawKeyring({ keyName: "k", key: new Uint8Array(16) })).toThrow(/"key"/);
    expect(() => new RawKeyring({ keyName: "", key: new Uint8Array(32) })).toThrow(/"keyName"/);
  });
});
