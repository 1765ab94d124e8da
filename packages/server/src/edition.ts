import { sm4Gcm } from "@openkms/crypto/sm4-gcm";
import { aes256Gcm } from "@openkms/crypto/aes-gcm";
import type { Aead } from "@openkms/crypto/aead";

/**
 * A server's edition (SPEC §2): `sm` — symmetric CMKs are SM4-GCM with 16-byte material, KeyMetadata.Type 4;
 * `fips` — AES-256-GCM with 32-byte material, KeyMetadata.Type 2.
 */
export type Edition = "sm" | "fips";

export const EDITIONS: readonly Edition[] = ["sm", "fips"];

/** Symmetric algorithm ids as stored in key records and ciphertext blobs (one byte). */
export const SymmetricAlgorithm = { SM4_GCM: 1, AES_256_GCM: 2 } as const;
export type SymmetricAlgorithmId = (typeof SymmetricAlgorithm)[keyof typeof SymmetricAlgorithm];

export interface EditionProfile {
  edition: Edition;
  /** KeyMetadata.Type: 4 = SM (GM/T), 2 = FIPS 140-2. */
  keyMetadataType: 2 | 4;
  /** Name in ListAlgorithms.SymmetricAlgorithms. */
  symmetricAlgorithmName: "SM4" | "AES_256";
  symmetricAlgorithm: SymmetricAlgorithmId;
  /** Key material length in bytes. */
  materialLength: 16 | 32;
}

export const editionProfiles: Record<Edition, EditionProfile> = {
  sm: { edition: "sm", keyMetadataType: 4, symmetricAlgorithmName: "SM4", symmetricAlgorithm: SymmetricAlgorithm.SM4_GCM, materialLength: 16 },
  fips: { edition: "fips", keyMetadataType: 2, symmetricAlgorithmName: "AES_256", symmetricAlgorithm: SymmetricAlgorithm.AES_256_GCM, materialLength: 32 },
};

/** The AEAD for a stored algorithm id; undefined for an id this build does not know. */
export function aeadFor(algorithm: number): Aead | undefined {
  if (algorithm === SymmetricAlgorithm.SM4_GCM) return sm4Gcm;
  if (algorithm === SymmetricAlgorithm.AES_256_GCM) return aes256Gcm;
  return undefined;
}
