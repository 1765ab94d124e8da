/**
 * Asymmetric CMKs (reference §3.5–3.6, §4.1): for each KeyUsage, the algorithm id stored in key_versions, the
 * ListAlgorithms name, how to generate a key pair, and the public key as DER SubjectPublicKeyInfo.
 *
 * Stored secret forms (wrapped under the root key): RSA (2048 or 3072 bits) = PKCS#8 DER; SM2 and P-256 = the
 * 32-byte private scalar; P-384 = the 48-byte private scalar.
 * `key_versions.publicKey` holds the SPKI DER.
 */
import * as ecdsa from "@openkms/crypto/ecdsa-p256";
import * as ecdsaP384 from "@openkms/crypto/ecdsa-p384";
import * as rsa from "@openkms/crypto/rsa";
import * as sm2 from "@openkms/crypto/sm2";
import { encodePublicKey, type KeyType } from "@openkms/crypto/spki";
import type { Edition } from "../edition.js";

/** Algorithm ids of asymmetric key versions (the symmetric ones are 1 and 2, see edition.ts). */
export const AsymmetricAlgorithm = {
  RSA_2048_DECRYPT: 10,
  SM2_DECRYPT: 11,
  SM2_SIGN: 12,
  RSA_2048_SIGN: 13,
  ECC_P256_SIGN: 14,
  RSA_3072_SIGN: 15,
  ECDSA384_SIGN: 16,
} as const;

export type AsymmetricPurpose = "decrypt" | "sign";

export interface AsymmetricUsage {
  keyUsage: string;
  /** `Algorithm` in ListAlgorithms. */
  listName: "RSA_2048" | "RSA_3072" | "SM2" | "ECC" | "ECDSA384_SHA384";
  algorithmId: number;
  purpose: AsymmetricPurpose;
  keyType: KeyType;
  /** Editions that offer it: SM2 is not offered in the `fips` edition. */
  editions: readonly Edition[];
  /** A fresh key pair: the secret in its stored form and the public key as SPKI DER (RSA off the event loop). */
  generate(): Promise<{ secret: Uint8Array; spki: Uint8Array }>;
}

const rsaPair = (bits: 2048 | 3072) => async () => {
  const { secretKey, publicKey } = await rsa.generateKeyPairAsync(bits);
  return { secret: secretKey, spki: publicKey };
};
const ecPair = (type: "SM2" | "P-256" | "P-384", gen: () => { secretKey: Uint8Array; publicKey: Uint8Array }) => async () => {
  const { secretKey, publicKey } = gen();
  return { secret: secretKey, spki: encodePublicKey(type, publicKey) };
};

const usages: AsymmetricUsage[] = [
  { keyUsage: "ASYMMETRIC_DECRYPT_RSA_2048", listName: "RSA_2048", algorithmId: AsymmetricAlgorithm.RSA_2048_DECRYPT, purpose: "decrypt", keyType: "RSA", editions: ["sm", "fips"], generate: rsaPair(2048) },
  { keyUsage: "ASYMMETRIC_DECRYPT_SM2", listName: "SM2", algorithmId: AsymmetricAlgorithm.SM2_DECRYPT, purpose: "decrypt", keyType: "SM2", editions: ["sm"], generate: ecPair("SM2", sm2.generateKeyPair) },
  { keyUsage: "ASYMMETRIC_SIGN_VERIFY_SM2", listName: "SM2", algorithmId: AsymmetricAlgorithm.SM2_SIGN, purpose: "sign", keyType: "SM2", editions: ["sm"], generate: ecPair("SM2", sm2.generateKeyPair) },
  { keyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048", listName: "RSA_2048", algorithmId: AsymmetricAlgorithm.RSA_2048_SIGN, purpose: "sign", keyType: "RSA", editions: ["sm", "fips"], generate: rsaPair(2048) },
  { keyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC", listName: "ECC", algorithmId: AsymmetricAlgorithm.ECC_P256_SIGN, purpose: "sign", keyType: "P-256", editions: ["sm", "fips"], generate: ecPair("P-256", ecdsa.generateKeyPair) },
  { keyUsage: "ASYMMETRIC_SIGN_VERIFY_ECDSA384", listName: "ECDSA384_SHA384", algorithmId: AsymmetricAlgorithm.ECDSA384_SIGN, purpose: "sign", keyType: "P-384", editions: ["sm", "fips"], generate: ecPair("P-384", ecdsaP384.generateKeyPair) },
  { keyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_3072", listName: "RSA_3072", algorithmId: AsymmetricAlgorithm.RSA_3072_SIGN, purpose: "sign", keyType: "RSA", editions: ["sm", "fips"], generate: rsaPair(3072) },
];

/** Asymmetric usages by KeyUsage name. */
export const asymmetricUsages: ReadonlyMap<string, AsymmetricUsage> = new Map(usages.map((u) => [u.keyUsage, u]));

/** The usages an edition offers, in ListAlgorithms order. */
export function offeredUsages(edition: Edition, purpose: AsymmetricPurpose): AsymmetricUsage[] {
  return usages.filter((u) => u.purpose === purpose && u.editions.includes(edition));
}
