/**
 * The key store's model and interface. The embedded default is SQLite (`sqlite.ts`); every method is async so a
 * networked store (PostgreSQL, for several nodes) fits the same interface. Material is only ever held wrapped.
 */

export type KeyState = "Enabled" | "Disabled" | "PendingDelete" | "PendingImport" | "Archived";
export type KeyOrigin = "TENCENT_KMS" | "EXTERNAL";

export interface Tag {
  TagKey: string;
  TagValue: string;
}

/** One CMK's metadata (everything but material). Times are Unix seconds; 0 = unset. */
export interface KeyRecord {
  keyId: string;
  uin: string;
  alias: string;
  description: string;
  keyState: KeyState;
  keyUsage: string;
  origin: KeyOrigin;
  /** KeyMetadata.Type: 4 = SM, 2 = FIPS. */
  keyType: number;
  createTime: number;
  deletionDate: number;
  validTo: number;
  rotationEnabled: boolean;
  rotateDays: number;
  nextRotateTime: number;
  lastRotateTime: number;
  /** Newest key version; new ciphertexts use it. */
  currentVersion: number;
  owner: string;
  tags: Tag[];
}

/** One version of a CMK's material, wrapped under the root key. */
export interface KeyVersionRecord {
  keyId: string;
  version: number;
  /** Algorithm id of this version (see edition.ts). */
  algorithm: number;
  wrappedMaterial: Uint8Array;
  /** DER SubjectPublicKeyInfo for asymmetric keys; empty for symmetric ones. */
  publicKey: Uint8Array;
  createTime: number;
}

/**
 * The import parameters of an EXTERNAL key (GetParametersForImport, reference §3.8): an RSA-2048 wrapping key pair and
 * the token naming it. At most one per key — issuing new parameters replaces (destroys) the previous ones.
 */
export interface ImportTokenRecord {
  keyId: string;
  /** Random 16-byte id carried in the ImportToken. */
  tokenId: Uint8Array;
  /** `RSAES_PKCS1_V1_5` | `RSAES_OAEP_SHA_1` | `RSAES_OAEP_SHA_256`. */
  wrappingAlgorithm: string;
  /** The wrapping private key (PKCS#8 DER), wrapped under the root key. */
  wrappedPrivateKey: Uint8Array;
  /** The wrapping public key, SPKI DER (294 bytes for RSA-2048). */
  publicKey: Uint8Array;
  createTime: number;
  /** Unix seconds after which the token and key are no longer accepted (ParametersValidTo). */
  validTo: number;
}

export interface TagFilter {
  TagKey: string;
  /** Any of these values; empty = any value. */
  TagValue: string[];
}

export interface KeyListFilter {
  /** Only these states; undefined = all. */
  states?: KeyState[];
  /** Only these usages; undefined = all. */
  usages?: string[];
  origin?: KeyOrigin;
  /** Case-insensitive substring of KeyId or Alias. */
  search?: string;
  tagFilters?: TagFilter[];
  order: "asc" | "desc";
  offset: number;
  limit: number;
}

export interface KeyStore {
  /** Read a meta value (e.g. `edition`, `root-check`, `root-uin`). */
  getMeta(name: string): Promise<string | undefined>;
  setMeta(name: string, value: string): Promise<void>;
  /**
   * Insert a new key with its first version (none for an EXTERNAL key awaiting its material).
   * Throws KmsError AliasAlreadyExists when (uin, alias) is taken.
   */
  createKey(key: KeyRecord, version?: KeyVersionRecord): Promise<void>;
  getKey(uin: string, keyId: string): Promise<KeyRecord | undefined>;
  /** Replace the mutable fields of a key (by uin + keyId). Throws KmsError AliasAlreadyExists on an alias clash. */
  updateKey(key: KeyRecord): Promise<void>;
  /** Replace several keys in one transaction (all or nothing). */
  updateKeys(keys: KeyRecord[]): Promise<void>;
  listKeys(uin: string, filter: KeyListFilter): Promise<{ total: number; keys: KeyRecord[] }>;
  countKeys(uin: string): Promise<number>;
  getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined>;
  /** Add a version to an existing key (golden-vector fixtures); the key's currentVersion is not changed. */
  addKeyVersion(version: KeyVersionRecord): Promise<void>;
  /**
   * Rotation, in one transaction: add `version` (number `key.currentVersion`) and set the key's currentVersion,
   * lastRotateTime and nextRotateTime from `key` — only while the stored key is still Enabled, has rotation enabled
   * and is at version `key.currentVersion - 1`. Other fields are not written (a concurrent change to them stays).
   * @returns false, changing nothing, when those conditions no longer hold (another node or request got there first)
   */
  rotateKey(key: KeyRecord, version: KeyVersionRecord): Promise<boolean>;
  /**
   * Destroy a key for good, in one transaction — its record, every version's wrapped material, its import parameters
   * and its material check — if it is PendingDelete with a DeletionDate ≤ `nowSeconds`. Deleted pages are
   * overwritten (SQLite `secure_delete`).
   * @returns false when there was no such key
   */
  destroyKeyIfDue(keyId: string, nowSeconds: number): Promise<boolean>;
  /**
   * Destroy an EXTERNAL key's expired material, in one transaction, if its ValidTo is still `validTo` (≠ 0, ≤ now):
   * every version's material goes and the state becomes PendingImport (PendingDelete stays PendingDelete).
   * @returns the state after, or undefined when nothing was due any more (re-imported or deleted meanwhile)
   */
  expireMaterial(keyId: string, validTo: number, nowSeconds: number): Promise<KeyState | undefined>;
  /**
   * Keys (of every account) with something due at `nowSeconds`: PendingDelete with DeletionDate ≤ now; rotation
   * enabled, Enabled and NextRotateTime ≤ now; EXTERNAL with material whose ValidTo (≠ 0) ≤ now.
   */
  dueKeys(nowSeconds: number): Promise<KeyRecord[]>;

  /** Store import parameters, replacing (destroying) any previous ones of the key. */
  putImportToken(token: ImportTokenRecord): Promise<void>;
  getImportToken(keyId: string): Promise<ImportTokenRecord | undefined>;
  /** Destroy every import parameter set with validTo ≤ now; returns the key ids whose parameters were destroyed. */
  deleteExpiredImportTokens(nowSeconds: number): Promise<string[]>;
  /**
   * ImportKeyMaterial, in one transaction: when the key already has a material check, `sameMaterial(stored)` must
   * confirm the new material is the same (else KmsError `InvalidParameterValue.MaterialNotMatch`, nothing changed);
   * otherwise `wrappedCheck` is recorded. Then `version` is put (replacing an existing one) and the key's fields
   * replaced. Deciding inside the transaction keeps two concurrent imports of different material from both landing.
   */
  importMaterial(key: KeyRecord, version: KeyVersionRecord, wrappedCheck: Uint8Array, sameMaterial: (storedWrappedCheck: Uint8Array) => boolean): Promise<void>;
  /** DeleteImportedKeyMaterial: destroy every version's material of a key and replace its fields, in one transaction. */
  deleteMaterial(key: KeyRecord): Promise<void>;

  /** Flush and close; further calls fail. */
  close(): Promise<void>;
}
