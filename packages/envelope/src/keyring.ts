/**
 * The keyring contract: a keyring makes the data key of a message and wraps it (encryption), or unwraps one of a
 * message's encrypted data keys (decryption). Implemented by {@link KmsKeyring}, {@link PublicKeyKeyring},
 * {@link RawKeyring}; any object of this shape works.
 */
import type { EncryptedDataKey } from "./header.js";
import type { Suite } from "./suite.js";

export interface EncryptionRequest {
  suite: Suite;
  /** The message's EncryptionContext (already validated). */
  encryptionContext: Record<string, string>;
}

export interface DataKeyMaterials {
  /** The plaintext data key, 32 bytes. The caller owns it and zeroes it once derived from. */
  dataKey: Uint8Array;
  /** At least one wrapped copy of `dataKey`. */
  encryptedDataKeys: EncryptedDataKey[];
}

export interface DecryptionRequest {
  suite: Suite;
  encryptionContext: Record<string, string>;
  encryptedDataKeys: readonly EncryptedDataKey[];
}

export interface Keyring {
  /**
   * Identifies what this keyring wraps to (e.g. its CMKs and client), for {@link DataKeyCache} keys: two keyrings
   * with the same `cacheId` must be interchangeable.
   */
  readonly cacheId: string;
  /**
   * A fresh data key (32 bytes) and its encrypted copies.
   * @throws any error of the key service (the library reports it as `KeyringFailure`)
   */
  onEncrypt(request: EncryptionRequest): Promise<DataKeyMaterials>;
  /**
   * The plaintext data key (32 bytes, the caller owns it) from the first encrypted data key this keyring can open.
   * @returns undefined when none is for this keyring
   * @throws an Error explaining why none of its keys opened (the library reports it as `NoDecryptableKey`)
   */
  onDecrypt(request: DecryptionRequest): Promise<Uint8Array | undefined>;
}

/** @throws TypeError when `k` is not a keyring */
export function checkKeyring(k: unknown, field = "keyring"): Keyring {
  if (typeof k !== "object" || k === null || typeof (k as Keyring).onEncrypt !== "function" ||
      typeof (k as Keyring).onDecrypt !== "function" || typeof (k as Keyring).cacheId !== "string") {
    throw new TypeError(`"${field}" expected a Keyring (KmsKeyring, PublicKeyKeyring, RawKeyring)`);
  }
  return k as Keyring;
}
