/**
 * Symmetric CMK operations: sealing a plaintext under a key's newest version into a CiphertextBlob, and opening a
 * blob. Material is unwrapped from the root key for the one operation and zeroed right after.
 */
import { isAuthenticationError } from "@openkms/crypto/aead";
import { wipe } from "@openkms/crypto/constant-time";
import { randomBytes } from "@openkms/crypto/random";
import { aeadFor } from "../edition.js";
import { ErrorCode, KmsError } from "../errors.js";
import type { ActionContext } from "../actions/define.js";
import type { KeyRecord, KeyVersionRecord } from "../store/types.js";
import { blobAad, blobHeader, decodeBlob, encodeBlob, NONCE_LENGTH } from "./ciphertext-blob.js";
import { loadKey, requireDecryptable, SYMMETRIC_KEY_USAGE } from "./key-access.js";

/** Root-key wrapping label of a key version's material (binds the wrapped bytes to key id + version). */
export function materialLabel(keyId: string, version: number): string {
  return `openkms/key-material/v1/${keyId}/${version}`;
}

async function versionOf(ctx: Pick<ActionContext, "store">, keyId: string, version: number): Promise<KeyVersionRecord> {
  const v = await ctx.store.getKeyVersion(keyId, version);
  if (!v) throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob refers to a key version that does not exist");
  return v;
}

/**
 * Encrypt `plaintext` under `key`'s newest version (caller has checked state and usage).
 * @returns CiphertextBlob bytes (see ciphertext-blob.ts)
 */
export async function sealUnderKey(ctx: Pick<ActionContext, "store" | "root">, key: KeyRecord, plaintext: Uint8Array, context: Uint8Array): Promise<Uint8Array> {
  const v = await ctx.store.getKeyVersion(key.keyId, key.currentVersion);
  const aead = v && aeadFor(v.algorithm);
  if (!v || !aead) throw new Error(`key ${key.keyId} version ${key.currentVersion} is missing or has an unknown algorithm`);
  const material = ctx.root.unwrap(v.wrappedMaterial, materialLabel(key.keyId, v.version));
  try {
    const nonce = randomBytes(NONCE_LENGTH);
    const header = blobHeader(v.algorithm, key.keyId, v.version);
    const sealed = aead.seal(material, nonce, plaintext, blobAad(header, context));
    return encodeBlob({ algorithm: v.algorithm, keyId: key.keyId, keyVersion: v.version, nonce, sealed });
  } finally {
    wipe(material);
  }
}

export interface OpenedBlob {
  key: KeyRecord;
  keyVersion: number;
  plaintext: Uint8Array;
}

/**
 * Open a CiphertextBlob of the caller's account.
 * @throws KmsError `InvalidParameterValue.InvalidCiphertext` (malformed, tampered, wrong context),
 *   `ResourceUnavailable.CmkNotFound`, `ResourceUnavailable.CmkDisabled`, `ResourceUnavailable.CmkStateNotSupport`
 */
export async function openBlob(ctx: Pick<ActionContext, "store" | "root" | "uin" | "clock">, blobBytes: Uint8Array, context: Uint8Array): Promise<OpenedBlob> {
  const blob = decodeBlob(blobBytes);
  const key = await loadKey(ctx, blob.keyId);
  if (key.keyUsage !== SYMMETRIC_KEY_USAGE) {
    // Only symmetric keys make CiphertextBlobs: a blob naming another key was altered.
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob does not name a symmetric CMK");
  }
  requireDecryptable(key);
  const v = await versionOf(ctx, key.keyId, blob.keyVersion);
  const aead = aeadFor(v.algorithm);
  if (!aead || v.algorithm !== blob.algorithm) {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob algorithm does not match its key");
  }
  const material = ctx.root.unwrap(v.wrappedMaterial, materialLabel(key.keyId, v.version));
  try {
    const header = blobHeader(blob.algorithm, blob.keyId, blob.keyVersion);
    const plaintext = aead.open(material, blob.nonce, blob.sealed, blobAad(header, context));
    return { key, keyVersion: v.version, plaintext };
  } catch (e) {
    if (isAuthenticationError(e)) {
      throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob does not decrypt: it was altered, or the EncryptionContext differs");
    }
    throw e;
  } finally {
    wipe(material);
  }
}
