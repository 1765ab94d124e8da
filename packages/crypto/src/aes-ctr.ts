/**
 * AES-CTR (FIPS 197 in NIST SP 800-38A §6.5, 128-bit big-endian counter block). Key 16 B or 32 B, counter block 16 B.
 * No authentication. Backend (see `./backend`): `node:crypto` by default; the WASM core with `"wasm*"` (constant time
 * in the SIMD128 build, not in the scalar one).
 */
import { abytes } from "./_validate.js";
import { engine } from "./backend.js";
import { ctrStream, type CtrStream } from "./_block-modes.js";

export type { CtrStream } from "./_block-modes.js";

/** AES-CTR byte lengths (`key`: 16 or 32). */
export const lengths = { key: [16, 32], block: 16, iv: 16 } as const;

export const aesCtr = {
  /** XOR `data` (any length) with the keystream from initial counter block `iv`; encrypts and decrypts. */
  process(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(key, lengths.key, "key"); abytes(iv, lengths.iv, "iv"); abytes(data, undefined, "data");
    const s = ctrStream(engine(true), "AES", key, iv);
    try { return s.update(data); } finally { s.dispose(); }
  },
  /** A streaming CTR: split points do not change the output. */
  stream(key: Uint8Array, iv: Uint8Array): CtrStream {
    abytes(key, lengths.key, "key"); abytes(iv, lengths.iv, "iv");
    return ctrStream(engine(true), "AES", key, iv);
  },
} as const;
