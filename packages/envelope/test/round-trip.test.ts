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
