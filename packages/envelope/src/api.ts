/**
 * The runtime-neutral API of `@openkms/envelope` (no `node:` import): the entry points bind it to node:crypto
 * (`node/main.ts`) or WebCrypto (`index.ts`).
 */
export { encrypt, decrypt } from "./one-shot.js";
export { encryptStream, decryptStream } from "./web-streams.js";
export type { EncryptOptions, DecryptOptions } from "./options.js";
export type { Suite } from "./suite.js";
export {
  FORMAT_VERSION, MIN_FRAME_LENGTH, MAX_FRAME_LENGTH, DEFAULT_FRAME_LENGTH, MAX_HEADER_LENGTH,
  type MessageHeader, type EncryptedDataKey,
} from "./header.js";
export { EnvelopeError, isEnvelopeError, type EnvelopeErrorCode } from "./errors.js";
export type { Keyring, DataKeyMaterials, EncryptionRequest, DecryptionRequest } from "./keyring.js";
export { KmsKeyring } from "./kms-keyring.js";
export { PublicKeyKeyring, type PublicKeyAlgorithm } from "./public-key-keyring.js";
export { RawKeyring } from "./raw-keyring.js";
export { DataKeyCache, type DataKeyCacheOptions } from "./data-key-cache.js";
export type { KmsRequester } from "./kms-unwrap.js";
