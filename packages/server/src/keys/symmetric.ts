/**
 * Symmetric CMK operations: sealing a plaintext under a key's newest version into a CiphertextBlob, and opening a
 * blob. Material is unwrapped from the root key for the one operation and zeroed right after — or, in a server, taken
 * from its short-lived cache of prepared keys (material-cache.ts), after the same checks of the key's record.
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
export async function sealUnderKey(ctx: Pick<ActionContext, "store" | "root" | "materials">, key: KeyRecord, plaintext: Uint8Array, context: Uint8Array): Promise<Uint8Array> {
  const v = await ctx.store.getKeyVersion(key.keyId, key.currentVersion);
  const aead = v && aeadFor(v.algorithm);
  if (!v || !aead) throw new Error(`key ${key.keyId} version ${key.currentVersion} is missing or has an unknown algorithm`);
  const nonce = randomBytes(NONCE_LENGTH);
  const header = blobHeader(v.algorithm, key.keyId, v.version);
  const aad = blobAad(header, context);
  let sealed: Uint8Array;
  if (ctx.materials) {
    sealed = ctx.materials.key(key.keyId, v.version, v.wrappedMaterial, aead, () => ctx.root.unwrap(v.wrappedMaterial, materialLabel(key.keyId, v.version))).seal(nonce, plaintext, aad);
  } else {
    const material = ctx.root.unwrap(v.wrappedMaterial, materialLabel(key.keyId, v.version));
    try {
      sealed = aead.seal(material, nonce, plaintext, aad);
    } finally {
      wipe(material);
    }
  }
  return encodeBlob({ algorithm: v.algorithm, keyId: key.keyId, keyVersion: v.version, nonce, sealed });
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
export async function openBlob(ctx: Pick<ActionContext, "store" | "root" | "uin" | "clock" | "materials">, blobBytes: Uint8Array, context: Uint8Array): Promise<OpenedBlob> {
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
  const header = blobHeader(blob.algorithm, blob.keyId, blob.keyVersion);
  const aad = blobAad(header, context);
  const unwrap = () => ctx.root.unwrap(v.wrappedMaterial, materialLabel(key.keyId, v.version));
  const material = ctx.materials ? undefined : unwrap();
  try {
    const plaintext = ctx.materials
      ? ctx.materials.key(key.keyId, v.version, v.wrappedMaterial, aead, unwrap).open(blob.nonce, blob.sealed, aad)
      : aead.open(material!, blob.nonce, blob.sealed, aad);
    return { key, keyVersion: v.version, plaintext };
  } catch (e) {
    if (isAuthenticationError(e)) {
      throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob does not decrypt: it was altered, or the EncryptionContext differs");
    }
    throw e;
  } finally {
    if (material) wipe(material);
  }
}
