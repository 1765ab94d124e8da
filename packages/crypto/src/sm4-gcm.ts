/**
 * SM4-GCM: the SM4 block cipher (GB/T 32907-2016) in Galois/Counter Mode (NIST SP 800-38D), as specified for TLS by
 * RFC 8998 §3.1. Key 16 B, nonce 12 B, tag 16 B.
 *
 * Backend: SM4 block encryption from `node:crypto` (OpenSSL `sm4-ecb`), GCM from the portable `_gcm.ts`.
 */
import { createCipheriv } from "node:crypto";
import type { Aead } from "./aead.js";
import { gcmOpen, gcmSeal, type EcbEncrypt } from "./_gcm.js";
import { abytes } from "./_validate.js";

/** SM4-GCM byte lengths. */
export const lengths = { key: 16, nonce: 12, tag: 16 } as const;

function sm4Ecb(key: Uint8Array): EcbEncrypt {
  return (blocks) => {
    const c = createCipheriv("sm4-ecb", key, null);
    c.setAutoPadding(false);
    const a = c.update(blocks);
    const b = c.final();
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  };
}

function check(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad: Uint8Array, name: string): void {
  abytes(key, lengths.key, "key");
  abytes(nonce, lengths.nonce, "nonce");
  abytes(data, undefined, name);
  abytes(aad, undefined, "aad");
}

/** SM4-GCM as an {@link Aead}: `seal` → ciphertext ‖ 16-byte tag; `open` throws `AuthenticationError` on a bad tag. */
export const sm4Gcm: Aead = {
  name: "SM4-GCM",
  lengths,
  seal(key, nonce, plaintext, aad = new Uint8Array(0)) {
    check(key, nonce, plaintext, aad, "plaintext");
    return gcmSeal(sm4Ecb(key), nonce, plaintext, aad);
  },
  open(key, nonce, sealed, aad = new Uint8Array(0)) {
    check(key, nonce, sealed, aad, "sealed");
    if (sealed.length < lengths.tag) throw new RangeError(`"sealed" expected at least ${lengths.tag} bytes, got ${sealed.length}`);
    return gcmOpen(sm4Ecb(key), nonce, sealed, aad);
  },
};
