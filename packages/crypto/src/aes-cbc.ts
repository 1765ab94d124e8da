/**
 * AES-CBC (FIPS 197 in NIST SP 800-38A §6.2). Key 16 B (AES-128) or 32 B (AES-256), IV 16 B.
 * `encrypt`/`decrypt` apply PKCS#7 padding (RFC 5652 §6.3); `encryptBlocks`/`decryptBlocks` take whole blocks.
 * No authentication: pair with a MAC or use `./aes-gcm`.
 * Backend (see `./backend`): `node:crypto` (AES-NI) by default; the WASM core with `"wasm*"` (constant time in the
 * SIMD128 build, not in the scalar one).
 */
import { abytes } from "./_validate.js";
import { engine } from "./backend.js";
import { cbc, checkBlocks } from "./_block-modes.js";

export { PaddingError } from "./_block-modes.js";

/** AES-CBC byte lengths (`key`: 16 or 32). */
export const lengths = { key: [16, 32], block: 16, iv: 16 } as const;

const check = (key: Uint8Array, iv: Uint8Array) => { abytes(key, lengths.key, "key"); abytes(iv, lengths.iv, "iv"); };

export const aesCbc = {
  /** PKCS#7-pad `plaintext` (any length) and encrypt → ⌊len/16⌋·16 + 16 bytes. */
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
    check(key, iv); abytes(plaintext, undefined, "plaintext");
    return cbc(engine(true), "AES", "encrypt", key, iv, plaintext, true);
  },
  /** Decrypt and strip PKCS#7. @throws RangeError unless a non-zero multiple of 16 bytes; PaddingError on bad padding */
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    check(key, iv); checkBlocks(ciphertext, "ciphertext");
    if (ciphertext.length === 0) throw new RangeError(`"ciphertext" expected at least 16 bytes, got 0`);
    return cbc(engine(true), "AES", "decrypt", key, iv, ciphertext, true);
  },
  /** Encrypt whole blocks, no padding. */
  encryptBlocks(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Uint8Array {
    check(key, iv); checkBlocks(blocks, "blocks");
    return cbc(engine(true), "AES", "encrypt", key, iv, blocks, false);
  },
  /** Decrypt whole blocks, no padding. */
  decryptBlocks(key: Uint8Array, iv: Uint8Array, blocks: Uint8Array): Uint8Array {
    check(key, iv); checkBlocks(blocks, "blocks");
    return cbc(engine(true), "AES", "decrypt", key, iv, blocks, false);
  },
} as const;
