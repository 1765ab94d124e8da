/**
 * `@openkms/browser` — OpenKMS in the browser, everything in one entry. Sub-entries split it by capability so a page
 * downloads only what it uses: `@openkms/browser/encrypt`, `/verify`, `/client`, `/envelope`. Bytes are
 * `Uint8Array` in and out. WebAssembly (SM2's SM3, ML-KEM, ML-DSA) is compiled asynchronously on first use.
 */
export * from "./encrypt.js";
export * from "./verify.js";
export * from "./client.js";
export * from "./envelope.js";
