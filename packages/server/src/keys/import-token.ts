/**
 * Import parameters of EXTERNAL keys (GetParametersForImport, reference §3.8): a fresh RSA-2048 wrapping key pair per
 * call and an ImportToken naming it, valid 24 h. Only the newest parameters of a key are valid: issuing new ones
 * replaces the stored record, destroying the previous wrapping private key; the scheduler destroys expired ones.
 * The wrapping private key is stored only wrapped under the root key (label names key id and token id), in the store,
 * so any server node sharing it accepts the token.
 *
 * ImportToken (standard base64 on the wire), 33 bytes:
 *
 *   offset  size  field
 *   0       1     token format version = 0x01
 *   1       16    CMK id (the UUID's 16 bytes)
 *   17      16    token id (random)
 *
 * The token is a name, not a secret: it selects the wrapping key; the material itself is protected by RSA.
 */
import { constantTimeEqual, wipe } from "@openkms/crypto/constant-time";
import { randomBytes } from "@openkms/crypto/random";
import { generateKeyPairAsync } from "@openkms/crypto/rsa";
import type { ActionContext } from "../actions/define.js";
import { ErrorCode, KmsError } from "../errors.js";
import { decodeBase64Strict } from "../protocol/params.js";
import type { ImportTokenRecord, KeyRecord } from "../store/types.js";
import { bytesToUuid, uuidToBytes } from "./ciphertext-blob.js";

/** `WrappingAlgorithm` values: RSAES-PKCS1-v1_5 and RSAES-OAEP (RFC 8017 §7.2, §7.1) with SHA-1 or SHA-256. */
export const WRAPPING_ALGORITHMS = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] as const;
export type WrappingAlgorithm = (typeof WRAPPING_ALGORITHMS)[number];

/** `WrappingKeySpec` values and their modulus sizes in bits. */
export const WRAPPING_KEY_SPECS: Readonly<Record<string, number>> = Object.freeze({ RSA_2048: 2048 });

/** How long a token and its public key are accepted: 24 h, in seconds. */
export const IMPORT_PARAMETERS_VALID_SECONDS = 24 * 3600;

const TOKEN_FORMAT_VERSION = 1;
const TOKEN_ID_LENGTH = 16;
export const IMPORT_TOKEN_LENGTH = 1 + 16 + TOKEN_ID_LENGTH;

/** Root-key wrapping label of a wrapping private key. */
export function wrappingKeyLabel(keyId: string, tokenId: Uint8Array): string {
  return `openkms/import-wrapping-key/v1/${keyId}/${Buffer.from(tokenId).toString("hex")}`;
}

/** Whether `value` is one of {@link WRAPPING_ALGORITHMS} (exact spelling, case-sensitive). */
export function isWrappingAlgorithm(value: string): value is WrappingAlgorithm {
  return (WRAPPING_ALGORITHMS as readonly string[]).includes(value);
}

/** The 33 token bytes for a key id and token id. */
export function encodeImportToken(keyId: string, tokenId: Uint8Array): Uint8Array {
  const out = new Uint8Array(IMPORT_TOKEN_LENGTH);
  out[0] = TOKEN_FORMAT_VERSION;
  out.set(uuidToBytes(keyId), 1);
  out.set(tokenId, 17);
  return out;
}

/**
 * Parse the ImportToken parameter.
 * @returns the CMK id and token id it names
 * @throws KmsError `InvalidParameter` unless it is standard base64 of a 33-byte version-1 token
 */
export function decodeImportToken(text: string): { keyId: string; tokenId: Uint8Array } {
  const bytes = decodeBase64Strict(text);
  if (!bytes || bytes.length !== IMPORT_TOKEN_LENGTH || bytes[0] !== TOKEN_FORMAT_VERSION) {
    throw new KmsError(ErrorCode.InvalidParameter, "ImportToken is malformed: pass the ImportToken returned by GetParametersForImport");
  }
  return { keyId: bytesToUuid(bytes.subarray(1, 17)), tokenId: bytes.slice(17) };
}

/**
 * Issue new import parameters for `key`, replacing (destroying) any previous ones.
 * @param nowSeconds Unix seconds; the parameters are valid until nowSeconds + 86400
 * @returns the token bytes, the wrapping public key (SPKI DER, 294 B) and ParametersValidTo (Unix seconds)
 */
export async function issueImportParameters(
  ctx: Pick<ActionContext, "store" | "root">, key: KeyRecord, algorithm: WrappingAlgorithm, bits: number, nowSeconds: number,
): Promise<{ token: Uint8Array; publicKey: Uint8Array; validTo: number }> {
  const tokenId = randomBytes(TOKEN_ID_LENGTH);
  const { secretKey, publicKey } = await generateKeyPairAsync(bits);
  const validTo = nowSeconds + IMPORT_PARAMETERS_VALID_SECONDS;
  try {
    await ctx.store.putImportToken({
      keyId: key.keyId, tokenId, wrappingAlgorithm: algorithm, wrappedPrivateKey: ctx.root.wrap(secretKey, wrappingKeyLabel(key.keyId, tokenId)),
      publicKey, createTime: nowSeconds, validTo,
    });
  } finally {
    wipe(secretKey);
  }
  return { token: encodeImportToken(key.keyId, tokenId), publicKey, validTo };
}

/**
 * The stored import parameters a token names, if they are the key's current ones and still valid.
 * @throws KmsError `ResourceUnavailable.TokenExpired` when the token was issued for another CMK, was superseded by
 *   newer parameters, was never issued, or its 24 h have passed
 */
export async function currentImportParameters(
  ctx: Pick<ActionContext, "store">, key: KeyRecord, token: { keyId: string; tokenId: Uint8Array }, nowSeconds: number,
): Promise<ImportTokenRecord> {
  const expired = (why: string) => new KmsError(ErrorCode.ResourceUnavailableTokenExpired, `ImportToken is not valid: ${why}; call GetParametersForImport again`);
  if (token.keyId !== key.keyId) throw expired(`it was issued for another CMK`);
  const stored = await ctx.store.getImportToken(key.keyId);
  if (!stored || !constantTimeEqual(stored.tokenId, token.tokenId)) throw expired("newer parameters were issued for this CMK, or it was never issued");
  if (stored.validTo <= nowSeconds) throw expired("its 24 hours have passed");
  return stored;
}
