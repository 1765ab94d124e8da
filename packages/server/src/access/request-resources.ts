/**
 * Which keys a request touches, read from its parameters before the action runs, so that policies and the audit log
 * cover every action by the same rule — including actions added later:
 *
 * - every parameter whose name ends in `KeyId` (a string) or `KeyIds` (an array of strings), except data-key ids
 *   (`DataKeyId`, `DataKeyIds`): `KeyId`, `DestinationKeyId`, `KeyIds`, …;
 * - `CiphertextBlob` (and ImportDataKey's `ImportKeyMaterial` with `ImportType` 1, which is one): the key id inside
 *   the blob, so Decrypt, ReEncrypt, PostQuantumCryptoDecrypt and ImportDataKey are judged by the key that opens it. Both blob formats (CiphertextBlob v1, keys/ciphertext-blob.ts; Kyber_AES v1,
 *   docs/kyber-aes-blob.md) start with version 0x01, an algorithm byte and the key id's 16 bytes.
 *
 * Only well-formed key ids count (lower-cased, each once, in order). A value that names no key (malformed id,
 * undecodable blob) adds nothing; a request that names no key is judged against its account's resource
 * `qcs::kms:<region>:uin/<uin>:*`, which policy resources `*` and `qcs::kms:<region>:uin/<uin>:*` match and
 * key-specific resources do not.
 *
 * Hosted data keys (reference §3.12) are resources of their own: every well-formed `DataKeyId` / `DataKeyIds` value
 * is judged as `qcs::kms:<region>:uin/<uin>:datakey/<DataKeyId>` ({@link requestDataKeyIds}), alongside any CMK the
 * request names (e.g. ListDataKeyDetail's `KeyId`).
 */
import { BLOB_FORMAT_VERSION, bytesToUuid } from "../keys/ciphertext-blob.js";
import { decodeBase64Strict } from "../protocol/params.js";

const KEY_ID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY_PARAM_RE = /KeyIds?$/;
const DATA_KEY_PARAM_RE = /DataKeyIds?$/;

/** CAM resource name of a CMK: `qcs::kms:<region>:uin/<ownerUin>:key/<KeyId>`. */
export function keyResource(region: string, ownerUin: string, keyId: string): string {
  return `qcs::kms:${region}:uin/${ownerUin}:key/${keyId}`;
}

/** CAM resource name of a hosted data key: `qcs::kms:<region>:uin/<ownerUin>:datakey/<DataKeyId>`. */
export function dataKeyResource(region: string, ownerUin: string, dataKeyId: string): string {
  return `qcs::kms:${region}:uin/${ownerUin}:datakey/${dataKeyId}`;
}

/** CAM resource name that key-less requests are judged against: `qcs::kms:<region>:uin/<ownerUin>:*`. */
export function accountResource(region: string, ownerUin: string): string {
  return `qcs::kms:${region}:uin/${ownerUin}:*`;
}

/** Bytes 2–17 of a version-1 blob (either format) as a key id; undefined when the text is no such blob. */
function blobKeyId(text: string): string | undefined {
  const bytes = decodeBase64Strict(text);
  if (!bytes || bytes.length < 18 || bytes[0] !== BLOB_FORMAT_VERSION) return undefined;
  return bytesToUuid(bytes.subarray(2, 18));
}

/** A list of ids and the function that adds a value to it when it is a well-formed id (lower-cased, each once). */
function idCollector(): { ids: string[]; add: (v: unknown) => void } {
  const ids: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string" && KEY_ID_RE.test(v)) {
      const id = v.toLowerCase();
      if (!ids.includes(id)) ids.push(id);
    }
  };
  return { ids, add };
}

/**
 * The well-formed key ids named by a request's parameters (the parsed JSON body or GET query, before validation).
 * @returns lower-case UUIDs, each once, in parameter order
 */
export function requestKeyIds(params: unknown): string[] {
  if (typeof params !== "object" || params === null || Array.isArray(params)) return [];
  const { ids, add } = idCollector();
  for (const [name, value] of Object.entries(params)) {
    if (name === "CiphertextBlob" && typeof value === "string") add(blobKeyId(value));
    if (name === "ImportKeyMaterial" && typeof value === "string" && String((params as Record<string, unknown>).ImportType) === "1") add(blobKeyId(value));
    if (!KEY_PARAM_RE.test(name) || DATA_KEY_PARAM_RE.test(name)) continue;
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  return ids;
}

/**
 * The well-formed data-key ids named by a request's `DataKeyId` / `DataKeyIds` parameters.
 * @returns lower-case UUIDs, each once, in parameter order
 */
export function requestDataKeyIds(params: unknown): string[] {
  if (typeof params !== "object" || params === null || Array.isArray(params)) return [];
  const { ids, add } = idCollector();
  for (const [name, value] of Object.entries(params)) {
    if (name === "DataKeyIds" && Array.isArray(value)) value.forEach(add);
    else if (name === "DataKeyId") add(value);
  }
  return ids;
}

/**
 * The CAM resource names a request is judged against: one per key and one per data key, or the account's when it
 * names neither.
 */
export function requestResources(region: string, ownerUin: string, keyIds: readonly string[], dataKeyIds: readonly string[] = []): string[] {
  const named = [...keyIds.map((id) => keyResource(region, ownerUin, id)), ...dataKeyIds.map((id) => dataKeyResource(region, ownerUin, id))];
  return named.length ? named : [accountResource(region, ownerUin)];
}
