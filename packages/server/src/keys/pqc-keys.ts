/**
 * Post-quantum CMKs (SPEC §2, flow 5): the two key usages, how their key versions are generated and stored, and the
 * checks the PostQuantumCrypto* actions and GetPublicKey share.
 *
 * | KeyUsage                               | ListAlgorithms `Algorithm` | scheme                          | stored material   |
 * | -------------------------------------- | -------------------------- | ------------------------------- | ----------------- |
 * | `ASYMMETRIC_Encrypt_Decrypt_Kyber_AES` | `Kyber_AES`                | ML-KEM-768 + HKDF + AES-256-GCM | 64 B seed d‖z     |
 * | `ASYMMETRIC_SIGN_VERIFY_DILITHIUM`     | `Dilithium`                | ML-DSA-65, pure, empty context  | 32 B seed ξ       |
 *
 * A version stores its seed (the private-key form of RFC 9935 / RFC 9881) wrapped under the root key with the same
 * label as symmetric material (key id + version), and its public key as SPKI DER with the NIST OID. The expanded
 * secret key is re-derived from the seed for each operation and wiped with the seed right after.
 * Algorithm ids in key_versions: 64 = ML-KEM-768, 65 = ML-DSA-65 (well apart from the symmetric 1, 2 and from the
 * small ids the classical asymmetric keys use).
 */
import { wipe } from "@openkms/crypto/constant-time";
import { ml_dsa65 } from "@openkms/crypto/ml-dsa";
import { ml_kem768 } from "@openkms/crypto/ml-kem";
import { randomBytes } from "@openkms/crypto/random";
import { ErrorCode, KmsError } from "../errors.js";
import type { ActionContext } from "../actions/define.js";
import type { KeyRecord, KeyVersionRecord } from "../store/types.js";
import { materialLabel } from "./symmetric.js";

export const KYBER_AES_KEY_USAGE = "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES";
export const DILITHIUM_KEY_USAGE = "ASYMMETRIC_SIGN_VERIFY_DILITHIUM";
export const PqcAlgorithm = { ML_KEM_768: 64, ML_DSA_65: 65 } as const;

interface PqcKeyKind {
  keyUsage: string;
  algorithm: number;
  /** `Algorithm` in ListAlgorithms. */
  listName: string;
  listGroup: "AsymmetricAlgorithms" | "AsymmetricSignVerifyAlgorithms";
  seedLength: number;
  /** SPKI DER of the public key derived from `seed`. */
  publicKeyOf(seed: Uint8Array): Uint8Array;
}

const KINDS: readonly PqcKeyKind[] = [
  {
    keyUsage: KYBER_AES_KEY_USAGE,
    algorithm: PqcAlgorithm.ML_KEM_768,
    listName: "Kyber_AES",
    listGroup: "AsymmetricAlgorithms",
    seedLength: ml_kem768.lengths.seed,
    publicKeyOf(seed) {
      const { encapsulationKey, decapsulationKey } = ml_kem768.keygen(seed);
      wipe(decapsulationKey);
      return ml_kem768.encodePublicKey(encapsulationKey);
    },
  },
  {
    keyUsage: DILITHIUM_KEY_USAGE,
    algorithm: PqcAlgorithm.ML_DSA_65,
    listName: "Dilithium",
    listGroup: "AsymmetricSignVerifyAlgorithms",
    seedLength: ml_dsa65.lengths.seed,
    publicKeyOf(seed) {
      const { publicKey, secretKey } = ml_dsa65.keygen(seed);
      wipe(secretKey);
      return ml_dsa65.encodePublicKey(publicKey);
    },
  },
];

/** The post-quantum key kind of a KeyUsage, or undefined for any other usage. */
export function pqcKeyKind(keyUsage: string): PqcKeyKind | undefined {
  return KINDS.find((k) => k.keyUsage === keyUsage);
}

/** ListAlgorithms entries of the post-quantum usages, by response group. */
export function pqcAlgorithmEntries(group: PqcKeyKind["listGroup"]): { Algorithm: string; KeyUsage: string }[] {
  return KINDS.filter((k) => k.listGroup === group).map((k) => ({ Algorithm: k.listName, KeyUsage: k.keyUsage }));
}

/** A new key version for a post-quantum CMK: a fresh seed, wrapped under the root key, and its SPKI public key. */
export function newPqcKeyVersion(ctx: ActionContext, kind: PqcKeyKind, keyId: string, version: number, now: number): KeyVersionRecord {
  const seed = randomBytes(kind.seedLength);
  try {
    const publicKey = kind.publicKeyOf(seed);
    const wrappedMaterial = ctx.root.wrap(seed, materialLabel(keyId, version));
    return { keyId, version, algorithm: kind.algorithm, wrappedMaterial, publicKey, createTime: now };
  } finally {
    wipe(seed);
  }
}

/**
 * Throws unless `key` has `keyUsage`. The code is `InvalidParameterValue.InvalidKeyUsage` unless the caller asks for
 * another (PostQuantumCryptoDecrypt reports a blob naming a non-Kyber key as an invalid ciphertext).
 */
export function requireKeyUsage(key: KeyRecord, keyUsage: string, code: "InvalidKeyUsage" | "InvalidCiphertext" = "InvalidKeyUsage"): void {
  if (key.keyUsage === keyUsage) return;
  if (code === "InvalidCiphertext") {
    throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob does not belong to a Kyber_AES key");
  }
  throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `The CMK ${key.keyId} has KeyUsage ${key.keyUsage}; this operation needs ${keyUsage}`);
}

/** Signing, verification and GetPublicKey: only Enabled keys; any other state is `ResourceUnavailable.CmkStateNotSupport`. */
export function requireEnabled(key: KeyRecord): void {
  if (key.keyState !== "Enabled") {
    throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${key.keyId} is in state ${key.keyState}`);
  }
}

async function currentVersion(ctx: ActionContext, key: KeyRecord): Promise<KeyVersionRecord> {
  const v = await ctx.store.getKeyVersion(key.keyId, key.currentVersion);
  const kind = pqcKeyKind(key.keyUsage);
  if (!v || !kind || v.algorithm !== kind.algorithm) throw new Error(`key ${key.keyId} version ${key.currentVersion} is missing or not post-quantum`);
  return v;
}

/** SPKI DER of a post-quantum key's current version (public; stored in clear). */
export async function pqcPublicKey(ctx: ActionContext, key: KeyRecord): Promise<Uint8Array> {
  return (await currentVersion(ctx, key)).publicKey;
}

/**
 * Runs `use` with the unwrapped seed of a post-quantum key's current version and wipes the seed afterwards, whatever
 * `use` does. `use` must not keep the seed.
 */
export async function withPqcSeed<T>(ctx: ActionContext, key: KeyRecord, use: (seed: Uint8Array) => T): Promise<T> {
  const v = await currentVersion(ctx, key);
  const seed = ctx.root.unwrap(v.wrappedMaterial, materialLabel(key.keyId, v.version));
  try {
    return use(seed);
  } finally {
    wipe(seed);
  }
}
