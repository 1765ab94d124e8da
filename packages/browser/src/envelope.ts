/**
 * `@openkms/browser/envelope` — envelope encryption of data of any size in the page (`@openkms/envelope`, format
 * docs/envelope-format.md): `encryptStream` / `decryptStream` are WHATWG `TransformStream`s of `Uint8Array`
 * (memory: one frame), `encrypt` / `decrypt` one-shot; keyrings `KmsKeyring` (GenerateDataKey / Decrypt through a
 * `KmsClient`), `PublicKeyKeyring` (a `GetPublicKey` PEM alone), `RawKeyring`. Suites `AES_256_GCM` (WebCrypto) and
 * `SM4_GCM` (the WASM core, compiled asynchronously).
 */
export * from "@openkms/envelope";
