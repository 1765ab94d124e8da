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
  /** Insert a new key with its first version. Throws KmsError AliasAlreadyExists when (uin, alias) is taken. */
  createKey(key: KeyRecord, version: KeyVersionRecord): Promise<void>;
  getKey(uin: string, keyId: string): Promise<KeyRecord | undefined>;
  /** Replace the mutable fields of a key (by uin + keyId). Throws KmsError AliasAlreadyExists on an alias clash. */
  updateKey(key: KeyRecord): Promise<void>;
  /** Replace several keys in one transaction (all or nothing). */
  updateKeys(keys: KeyRecord[]): Promise<void>;
  listKeys(uin: string, filter: KeyListFilter): Promise<{ total: number; keys: KeyRecord[] }>;
  countKeys(uin: string): Promise<number>;
  getKeyVersion(keyId: string, version: number): Promise<KeyVersionRecord | undefined>;
  /** Add a version to an existing key (rotation, golden-vector fixtures); the key's currentVersion is not changed. */
  addKeyVersion(version: KeyVersionRecord): Promise<void>;
  /** Flush and close; further calls fail. */
  close(): Promise<void>;
}
