/**
 * The runtime backend of this package: what differs between Node and a browser, behind one interface. The package's
 * `imports` map (`#platform`) and `exports` map (`./platform`) pick the file by condition — `"browser"` →
 * `_platform-web.ts` (WebCrypto), `"node"` → `_platform-node.ts` (`node:crypto`, OpenSSL), `"default"` → web — the
 * way aws-encryption-sdk-javascript splits its Node and browser backends. Everything else in the package is
 * runtime-neutral and reaches the runtime only through this interface.
 *
 * All byte arguments and results are `Uint8Array`. The asynchronous operations are the public-key and symmetric
 * operations WebCrypto offers (W3C Web Cryptography API); the Node backend implements the same contract with
 * `node:crypto`, so the same tests run against both (`test/neutral/`).
 *
 * Node-only modules (they hold OpenSSL private-key objects; the server's synchronous RSA paths): `./rsa`,
 * `./rsaes-oaep`, `./rsaes-pkcs1v15`, `./rsassa-pss`, `./rsassa-pkcs1v15`, `./spki`. Their public-key halves exist
 * for every runtime in `./rsa-public` and `./public-key`. Everything else runs in a browser once `ready()` (WASM core)
 * or `pqcReady()` (post-quantum module) has resolved; the synchronous SHA-256 / HKDF of `./sha256` and `./kyber-aes`
 * `encrypt`/`decrypt` need Node — use `digest` / `hkdfSha256` here and `encryptAsync` / `decryptAsync` instead.
 */
import type * as NodeCrypto from "node:crypto";

/** Hashes the platform offers (FIPS 180-4). */
export type PlatformHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

export interface Platform {
  /** `"node"` or `"web"` (browsers, workers, and any other runtime with WebCrypto). */
  readonly runtime: "node" | "web";
  /**
   * Whether WebAssembly may be compiled synchronously on first use (`new WebAssembly.Module`). False in browsers:
   * call the async `ready()` of `./backend` (or `pqcReady` of `./ml-kem` / `./ml-dsa`) before the sync APIs there.
   */
  readonly syncWasmCompile: boolean;
  /**
   * `node:crypto` for the Node-only fast paths of the synchronous APIs (the `"node"` choice of `./backend`).
   * @throws Error in a browser (never reached there: `./backend` selects the WASM core)
   */
  nodeCrypto(): typeof NodeCrypto;
  /** Hash of `data` (FIPS 180-4). @returns 20 / 32 / 48 / 64 bytes */
  digest(hash: PlatformHash, data: Uint8Array): Promise<Uint8Array>;
  /** HMAC-SHA-256 (RFC 2104). @returns 32 bytes */
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  /** HKDF-SHA-256 (RFC 5869) of `ikm` with `salt` and `info`, `length` bytes (≤ 8160). */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  /**
   * AES-GCM seal (SP 800-38D), 16-byte tag. @param key 16 or 32 B @param iv 12 B
   * @returns ciphertext ‖ tag (plaintext length + 16)
   */
  aesGcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /**
   * AES-GCM open. @param sealed ciphertext ‖ 16-byte tag
   * @throws AuthenticationError (code `AUTHENTICATION_FAILED`) when the tag does not verify
   */
  aesGcmOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /**
   * RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1), MGF1 with the same hash, empty label.
   * @param spki SubjectPublicKeyInfo DER (rsaEncryption) @returns k bytes
   */
  rsaOaepEncrypt(spki: Uint8Array, hash: "SHA-1" | "SHA-256", plaintext: Uint8Array): Promise<Uint8Array>;
  /**
   * RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) or RSASSA-PKCS1-v1_5 (SHA-256) verification of a RAW message
   * (RFC 8017 §8.1.2 / §8.2.2). @returns false for any invalid signature
   */
  rsaVerify(scheme: "PSS" | "PKCS1", spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /**
   * ECDSA P-256 / SHA-256 verification of a RAW message (FIPS 186-5), signature as IEEE P1363 r ‖ s (64 B).
   * @param spki SubjectPublicKeyInfo DER (id-ecPublicKey, prime256v1) @returns false for any invalid signature
   */
  ecdsaP256Verify(spki: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}
