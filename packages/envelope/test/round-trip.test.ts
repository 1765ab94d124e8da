import { describe, expect, it } from "vitest";
import { decrypt, encrypt, RawKeyring, MIN_FRAME_LENGTH } from "../src/node/index.js";

const key = new Uint8Array(32).fill(7);
const keyring = new RawKeyring({ keyName: "test-key", key });

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe("one-shot round trip", () => {
  for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
    for (const n of [0, 1, MIN_FRAME_LENGTH - 1, MIN_FRAME_LENGTH, MIN_FRAME_LENGTH + 1, 5 * MIN_FRAME_LENGTH + 3]) {
      it(`${suite}, ${n} bytes, 1 KiB frames`, async () => {
        const pt = bytes(n);
        const ct = await encrypt(pt, { keyring, suite, frameLength: MIN_FRAME_LENGTH, encryptionContext: { app: "x", "é": "ü" } });
        const { plaintext, header } = await decrypt(ct, { keyring, encryptionContext: { app: "x" } });
        expect(Buffer.from(plaintext).equals(Buffer.from(pt))).toBe(true);
        expect(header.suite).toBe(suite);
        expect(header.encryptionContext).toEqual({ app: "x", "é": "ü" });
        expect(header.frameLength).toBe(MIN_FRAME_LENGTH);
        expect(header.encryptedDataKeys).toHaveLength(1);
        expect(header.encryptedDataKeys[0]).toMatchObject({ provider: "raw", keyId: "test-key", method: "AES_256_GCM" });
      });
    }
  }
});

describe("large one-shot messages", () => {
  it("64 MiB in 1 KiB frames (65,537 frames, ~200,000 parts) round-trips one-shot", async () => {
    const pt = new Uint8Array(64 * 1024 * 1024);
    for (let i = 0; i < pt.length; i += 4096) pt[i] = i >>> 12;
    const ct = await encrypt(pt, { keyring, frameLength: MIN_FRAME_LENGTH });
    // header 176 B (40 fixed + 1 + raw entry "raw"/"test-key"/"AES_256_GCM" with its 60-byte wrap + 32 + 16), 17 B per frame, 21 final
    expect(ct.length - pt.length).toBe(176 + 65536 * 17 + 21);
    const { plaintext } = await decrypt(ct, { keyring });
    expect(Buffer.from(plaintext).equals(Buffer.from(pt))).toBe(true);
  }, 300_000);
});

describe("the two runtime bindings (node:crypto and WebCrypto) read each other's messages", async () => {
  const { setPlatform } = await import("../src/platform.js");
  const { nodePlatform } = await import("../src/node/platform.js");
  const { webPlatform } = await import("../src/web/platform.js");
  const { encryptStream, decryptStream } = await import("../src/node/index.js");
  const { throughWeb, chunked, concat } = await import("./_bytes.js");
  for (const [from, to] of [[nodePlatform, webPlatform], [webPlatform, nodePlatform]] as const) {
    for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
      it(`${suite}: ${from.name} encrypts (stream), ${to.name} decrypts (stream and one-shot)`, async () => {
        const pt = bytes(3 * 4096 + 17);
        try {
          setPlatform(from);
          const ct = concat(await throughWeb(encryptStream({ keyring, suite, frameLength: 4096, encryptionContext: { b: from.name } }), chunked(pt, 5000)));
          setPlatform(to);
          expect(Buffer.from(concat(await throughWeb(decryptStream({ keyring }), chunked(ct, 3000)))).equals(Buffer.from(pt))).toBe(true);
          expect(Buffer.from((await decrypt(ct, { keyring, encryptionContext: { b: from.name } })).plaintext).equals(Buffer.from(pt))).toBe(true);
        } finally {
          setPlatform(nodePlatform);
        }
      });
    }
  }
});
