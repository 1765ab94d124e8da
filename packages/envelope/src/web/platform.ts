/**
 * The WebCrypto binding (browsers, Deno, and Node's `globalThis.crypto`): HKDF-SHA-256 and AES-256-GCM through
 * `crypto.subtle`. Keys are imported non-extractable.
 */
import { joinBytes } from "../concat-bytes.js";
import type { GcmKey, Platform } from "../platform.js"; // types only: no import cycle at run time

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("@openkms/envelope: WebCrypto (crypto.subtle) is not available here (it needs a secure context)");
  return s;
}

/** WebCrypto's typings want ArrayBuffer-backed views; ours always are (or are copied by the call). */
const bs = (u: Uint8Array): BufferSource => u as Uint8Array<ArrayBuffer>;

class WebGcmKey implements GcmKey {
  constructor(private readonly key: CryptoKey) {}
  async seal(nonce: Uint8Array, aad: Uint8Array, plaintext: readonly Uint8Array[]): Promise<Uint8Array[]> {
    const out = await subtle().encrypt({ name: "AES-GCM", iv: bs(nonce), additionalData: bs(aad), tagLength: 128 }, this.key, bs(joinBytes(plaintext)));
    return [new Uint8Array(out)];
  }
  async open(nonce: Uint8Array, aad: Uint8Array, ciphertext: readonly Uint8Array[], tag: Uint8Array): Promise<Uint8Array[]> {
    const sealed = joinBytes(ciphertext, tag);
    try {
      const out = await subtle().decrypt({ name: "AES-GCM", iv: bs(nonce), additionalData: bs(aad), tagLength: 128 }, this.key, bs(sealed));
      return [new Uint8Array(out)];
    } catch {
      throw Object.assign(new Error("authentication tag does not match"), { code: "AUTHENTICATION_FAILED" });
    }
  }
  dispose(): void {}
}

/** The WebCrypto {@link Platform}. */
export const webPlatform: Platform = {
  name: "webcrypto",
  async hkdfSha256(ikm, salt, info, length) {
    const k = await subtle().importKey("raw", bs(ikm), "HKDF", false, ["deriveBits"]);
    const bits = await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: bs(salt), info: bs(info) }, k, length * 8);
    return new Uint8Array(bits);
  },
  async aes256GcmKey(key) {
    if (key.length !== 32) throw new RangeError(`"key" expected 32 bytes, got ${key.length}`);
    const k = await subtle().importKey("raw", bs(key), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    return new WebGcmKey(k);
  },
};
