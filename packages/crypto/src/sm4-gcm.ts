/**
 * SM4-GCM: the SM4 block cipher (GB/T 32907-2016) in Galois/Counter Mode (NIST SP 800-38D), as specified for TLS by
 * RFC 8998 §3.1. Key 16 B, nonce 12 B, tag 16 B (shorter tags are never accepted).
 *
 * Backend: the WASM core's SM4-GCM (`@openkms/core-wasm`, SIMD128 build when supported). With the `"node"` backend
 * (see `./backend`), SM4 block encryption from `node:crypto` (OpenSSL `sm4-ecb`) under the portable `_gcm.ts`.
 * Calls are synchronous: the core is compiled synchronously on first use. For many messages under one key,
 * {@link sm4GcmKey} prepares the key once (faster for short messages).
 */
import { platform } from "#platform";
import { AuthenticationError, type Aead, type AeadKey } from "./aead.js";
import { engine } from "./backend.js";
import { gcmOpen, gcmSeal, type EcbEncrypt } from "./_gcm.js";
import { abytes } from "./_validate.js";

/** SM4-GCM byte lengths. */
export const lengths = { key: 16, nonce: 12, tag: 16 } as const;

function sm4Ecb(key: Uint8Array): EcbEncrypt {
  return (blocks) => {
    const c = platform.nodeCrypto().createCipheriv("sm4-ecb", key, null);
    c.setAutoPadding(false);
    const a = c.update(blocks);
    const b = c.final();
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    a.fill(0);
    return out;
  };
}

/** The core's errors re-thrown as this package's AuthenticationError (same code, one class for callers). */
function rethrow(err: unknown): never {
  if ((err as { code?: unknown }).code === "AUTHENTICATION_FAILED") throw new AuthenticationError();
  throw err;
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
    const e = engine(false);
    if (e === "node") return gcmSeal(sm4Ecb(key), nonce, plaintext, aad);
    return e.gcmSeal("SM4", key, nonce, plaintext, aad);
  },
  open(key, nonce, sealed, aad = new Uint8Array(0)) {
    check(key, nonce, sealed, aad, "sealed");
    if (sealed.length < lengths.tag) throw new RangeError(`"sealed" expected at least ${lengths.tag} bytes, got ${sealed.length}`);
    const e = engine(false);
    if (e === "node") return gcmOpen(sm4Ecb(key), nonce, sealed, aad);
    try {
      return e.gcmOpen("SM4", key, nonce, sealed, aad);
    } catch (err) {
      rethrow(err);
    }
  },
};

/**
 * A prepared SM4-GCM key (key 16 B; then per message nonce 12 B, tag 16 B): the SM4 key expansion (GB/T 32907-2016)
 * and GHASH key H = SM4_K(0^128) with H^2..H^4 (SP 800-38D §7.1 step 1) are computed once, held by the WASM
 * core's glue in a private copy that `dispose()` zeroes. The backend is chosen at creation (see `./backend`); with
 * `"node"` it keeps a private copy of the key (zeroed by `dispose()`) and calls {@link sm4Gcm}.
 * @throws TypeError / RangeError on a wrong key
 */
export function sm4GcmKey(key: Uint8Array): AeadKey {
  abytes(key, lengths.key, "key");
  const e = engine(false);
  let disposed = false;
  const live = () => {
    if (disposed) throw new Error("SM4-GCM key disposed");
  };
  if (e === "node") {
    const k = key.slice();
    return {
      name: "SM4-GCM",
      lengths,
      seal: (nonce, plaintext, aad) => (live(), sm4Gcm.seal(k, nonce, plaintext, aad)),
      open: (nonce, sealed, aad) => (live(), sm4Gcm.open(k, nonce, sealed, aad)),
      dispose: () => {
        disposed = true;
        k.fill(0);
      },
    };
  }
  const prepared = e.gcmKey("SM4", key);
  return {
    name: "SM4-GCM",
    lengths,
    seal(nonce, plaintext, aad = new Uint8Array(0)) {
      live();
      abytes(nonce, lengths.nonce, "nonce");
      return prepared.seal(nonce, plaintext, aad);
    },
    open(nonce, sealed, aad = new Uint8Array(0)) {
      live();
      abytes(nonce, lengths.nonce, "nonce");
      abytes(sealed, undefined, "sealed");
      if (sealed.length < lengths.tag) throw new RangeError(`"sealed" expected at least ${lengths.tag} bytes, got ${sealed.length}`);
      try {
        return prepared.open(nonce, sealed, aad);
      } catch (err) {
        rethrow(err);
      }
    },
    dispose() {
      disposed = true;
      prepared.dispose();
    },
  };
}
