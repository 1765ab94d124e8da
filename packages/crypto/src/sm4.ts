/**
 * SM4 block cipher (GB/T 32907-2016) in the NIST SP 800-38A modes ECB (§6.1), CBC (§6.2) and CTR (§6.5, 128-bit
 * big-endian counter block). Key 16 B, block 16 B, IV 16 B. For authenticated encryption use `./sm4-gcm`.
 *
 * `encrypt`/`decrypt` apply PKCS#7 padding (RFC 5652 §6.3); `encryptBlocks`/`decryptBlocks` take whole blocks and
 * never pad. No mode is a default: pick one of {@link sm4Ecb}, {@link sm4Cbc}, {@link sm4Ctr}.
 * Backend (see `./backend`): the WASM core by default; `node:crypto` (OpenSSL `sm4-*`) with `"node"`.
 */
import { abytes } from "./_validate.js";
import { engine } from "./backend.js";
import { cbc, checkBlocks, ctrStream, ecb, type CtrStream } from "./_block-modes.js";

export { PaddingError, type CtrStream } from "./_block-modes.js";

/** SM4 byte lengths. */
export const lengths = { key: 16, block: 16, iv: 16 } as const;

const key16 = (key: Uint8Array) => abytes(key, lengths.key, "key");
const iv16 = (iv: Uint8Array) => abytes(iv, lengths.iv, "iv");

/** SM4-ECB. Leaks equal plaintext blocks: only for single blocks, wrapping keys, or test vectors. */
export const sm4Ecb = {
  /** PKCS#7-pad `plaintext` (any length) and encrypt → ⌊len/16⌋·16 + 16 bytes. */
  encrypt(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
    key16(key); abytes(plaintext, undefined, "plaintext");
    return ecb(engine(false), "SM4", "encrypt", key, plaintext, true);
  },
  /** Decrypt and strip PKCS#7. @throws RangeError unless a non-zero multiple of 16 bytes; PaddingError on bad padding */
  decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    key16(key); checkBlocks(ciphertext, "ciphertext");
    if (ciphertext.length === 0) throw new RangeError(`"ciphertext" expected at least 16 bytes, got 0`);
    return ecb(engine(false), "SM4", "decrypt", key, ciphertext, true);
  },
  /** Encrypt whole blocks (a multiple of 16 bytes), no padding. */
  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    key16(key); checkBlocks(blocks, "blocks");
    return ecb(engine(false), "SM4", "encrypt", key, blocks, false);
  },
  /** Decrypt whole blocks (a multiple of 16 bytes), no padding. */
  decryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    key16(key); checkBlocks(blocks, "blocks");
    return ecb(engine(false), "SM4", "decrypt", key, blocks, false);
  },
} as const;

/** SM4-CBC; the IV must be unpredictable (SP 800-38A App. C). */
export const sm4Cbc = {
  /** PKCS#7-pad and encrypt. */
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
    key16(key); iv16(iv); abytes(plaintext, undefined, "plaintext");
    return cbc(engine(false), "SM4", "encrypt", key, iv, plaintext, true);
  },
  /** Decrypt and strip PKCS#7. @throws PaddingError on bad padding */
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    key16(key); iv16(iv); checkBlocks(ciphertext, "ciphertext");
    if (ciphertext.length === 0) throw new RangeError(`"ciphertext" expected at least 16 bytes, got 0`);
    return cbc(engine(false), "SM4", "decrypt", key, iv, ciphertext, true);
  },
  /** Encrypt whole blocks, no padding. */
  encryptBlocks(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Uint8Array {
    key16(key); iv16(iv); checkBlocks(blocks, "blocks");
    return cbc(engine(false), "SM4", "encrypt", key, iv, blocks, false);
  },
  /** Decrypt whole blocks, no padding. */
  decryptBlocks(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Uint8Array {
    key16(key); iv16(iv); checkBlocks(blocks, "blocks");
    return cbc(engine(false), "SM4", "decrypt", key, iv, blocks, false);
  },
} as const;

/** SM4-CTR (no authentication): the same call encrypts and decrypts; never reuse a counter block under one key. */
export const sm4Ctr = {
  /** XOR `data` (any length) with the keystream from initial counter block `iv` (16 B). */
  process(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    key16(key); iv16(iv); abytes(data, undefined, "data");
    const s = ctrStream(engine(false), "SM4", key, iv);
    try { return s.update(data); } finally { s.dispose(); }
  },
  /** A streaming CTR: split points do not change the output. */
  stream(key: Uint8Array, iv: Uint8Array): CtrStream {
    key16(key); iv16(iv);
    return ctrStream(engine(false), "SM4", key, iv);
  },
} as const;
