// Kyber_AES behind a dynamic import: the post-quantum WASM module is fetched and compiled only when needed.
export { encryptAsync as kyberAesEncrypt } from "@openkms/crypto/kyber-aes";
