/**
 * AES-GCM (FIPS 197 in NIST SP 800-38D). Key 16 B (AES-128) or 32 B (AES-256), nonce 12 B, tag 16 B; shorter tags
 * are rejected.
 *
 * Backend (see `./backend`): `node:crypto` (OpenSSL, AES-NI where the CPU has it) by default; the WASM core with
 * `"wasm"`, `"wasm-simd"` or `"wasm-scalar"`. The WASM SIMD128 AES is constant time (vector-permute S-box), the scalar
 * one is not (T-tables); `node:crypto` stays the default because AES-NI is constant time in hardware and about ten
 * times faster (see `@openkms/core-wasm` SECURITY.md).
 */
import { platform } from "#platform";
import { AuthenticationError, type Aead } from "./aead.js";
import { abytes } from "./_validate.js";
import { engine } from "./backend.js";

function make(keyLength: 16 | 32): Aead {
  const lengths = { key: keyLength, nonce: 12, tag: 16 } as const;
  const algo = keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm";
  const check = (key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad: Uint8Array, name: string) => {
    abytes(key, lengths.key, "key");
    abytes(nonce, lengths.nonce, "nonce");
    abytes(data, undefined, name);
    abytes(aad, undefined, "aad");
  };
  return {
    name: keyLength === 16 ? "AES-128-GCM" : "AES-256-GCM",
    lengths,
    seal(key, nonce, plaintext, aad = new Uint8Array(0)) {
      check(key, nonce, plaintext, aad, "plaintext");
      const e = engine(true);
      if (e !== "node") return e.gcmSeal("AES", key, nonce, plaintext, aad);
      const c = platform.nodeCrypto().createCipheriv(algo, key, nonce, { authTagLength: 16 });
      c.setAAD(aad);
      const a = c.update(plaintext);
      const b = c.final();
      const tag = c.getAuthTag();
      const out = new Uint8Array(a.length + b.length + 16);
      out.set(a, 0);
      out.set(b, a.length);
      out.set(tag, a.length + b.length);
      return out;
    },
    open(key, nonce, sealed, aad = new Uint8Array(0)) {
      check(key, nonce, sealed, aad, "sealed");
      if (sealed.length < 16) throw new RangeError(`"sealed" expected at least 16 bytes, got ${sealed.length}`);
      const e = engine(true);
      if (e !== "node") {
        try {
          return e.gcmOpen("AES", key, nonce, sealed, aad);
        } catch (err) {
          if ((err as { code?: unknown }).code === "AUTHENTICATION_FAILED") throw new AuthenticationError();
          throw err;
        }
      }
      const d = platform.nodeCrypto().createDecipheriv(algo, key, nonce, { authTagLength: 16 });
      d.setAAD(aad);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      const a = d.update(sealed.subarray(0, sealed.length - 16));
      let b: Buffer;
      try {
        b = d.final();
      } catch {
        a.fill(0);
        throw new AuthenticationError();
      }
      const out = new Uint8Array(a.length + b.length);
      out.set(a, 0);
      out.set(b, a.length);
      a.fill(0);
      return out;
    },
  };
}

/** AES-256-GCM: key 32 B, nonce 12 B, tag 16 B. */
export const aes256Gcm: Aead = make(32);
/** AES-128-GCM: key 16 B, nonce 12 B, tag 16 B. */
export const aes128Gcm: Aead = make(16);
