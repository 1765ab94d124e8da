/**
 * The browser backend (`#platform` / `./platform` under the `"browser"` and `"default"` conditions): WebCrypto
 * (`globalThis.crypto.subtle`) for every operation of {@link Platform}; no Node built-in is imported. Also what
 * Deno, Bun, workers and Node itself would get without the `"node"` condition (Node ≥ 20 has WebCrypto).
 */
import { AuthenticationError } from "./aead.js";
import type { Platform, PlatformHash } from "./_platform.js";

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("WebCrypto (globalThis.crypto.subtle) is not available: a secure context (https or localhost) is required");
  return s;
}

/** WebCrypto wants a BufferSource backed by an ArrayBuffer; a view of a SharedArrayBuffer or a subarray is copied. */
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => (b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b));

export const platform: Platform = {
  runtime: "web",
  syncWasmCompile: false,
  nodeCrypto() {
    throw new Error("node:crypto is not available in this runtime (the browser build uses WebCrypto and the WASM core)");
  },
  async digest(hash: PlatformHash, data) {
    return new Uint8Array(await subtle().digest(hash, buf(data)));
  },
  async hmacSha256(key, data) {
    const k = await subtle().importKey("raw", buf(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Uint8Array(await subtle().sign("HMAC", k, buf(data)));
  },
  async hkdfSha256(ikm, salt, info, length) {
    const k = await subtle().importKey("raw", buf(ikm), "HKDF", false, ["deriveBits"]);
    return new Uint8Array(await subtle().deriveBits({ name: "HKDF", hash: "SHA-256", salt: buf(salt), info: buf(info) }, k, length * 8));
  },
  async aesGcmSeal(key, iv, plaintext, aad) {
    const k = await subtle().importKey("raw", buf(key), "AES-GCM", false, ["encrypt"]);
    return new Uint8Array(await subtle().encrypt({ name: "AES-GCM", iv: buf(iv), additionalData: buf(aad), tagLength: 128 }, k, buf(plaintext)));
  },
  async aesGcmOpen(key, iv, sealed, aad) {
    const k = await subtle().importKey("raw", buf(key), "AES-GCM", false, ["decrypt"]);
    try {
      return new Uint8Array(await subtle().decrypt({ name: "AES-GCM", iv: buf(iv), additionalData: buf(aad), tagLength: 128 }, k, buf(sealed)));
    } catch {
      throw new AuthenticationError();
    }
  },
  async rsaOaepEncrypt(spki, hash, plaintext) {
    const k = await subtle().importKey("spki", buf(spki), { name: "RSA-OAEP", hash }, false, ["encrypt"]);
    return new Uint8Array(await subtle().encrypt({ name: "RSA-OAEP" }, k, buf(plaintext)));
  },
  async rsaVerify(scheme, spki, message, signature) {
    const alg = scheme === "PSS" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
    const k = await subtle().importKey("spki", buf(spki), { name: alg, hash: "SHA-256" }, false, ["verify"]);
    try {
      return await subtle().verify(scheme === "PSS" ? { name: alg, saltLength: 32 } : { name: alg }, k, buf(signature), buf(message));
    } catch {
      return false;
    }
  },
  async ecdsaP256Verify(spki, message, signature) {
    const k = await subtle().importKey("spki", buf(spki), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    try {
      return await subtle().verify({ name: "ECDSA", hash: "SHA-256" }, k, buf(signature), buf(message));
    } catch {
      return false;
    }
  },
};
