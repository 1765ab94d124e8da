/**
 * What the product gateway keeps: mounts (which product, account and CMK a mount belongs to, and its rotation
 * schedule), product tokens (only their id and SHA-256, never the token), and which hosted data key each key name of
 * a mount is. The embedded store is SQLite, in `openkms.db` (sqlite-product-store.ts); every method is async so a
 * networked store fits the same interface. Times are Unix seconds.
 */

/** A mount: `http://host:port/v1/<mount>`, one product instance's keys, all under one CMK of one account. */
export interface ProductMount {
  mount: string;
  /** The product that holds its tokens (`ProductId` of the binding, `Owner` of its data keys). */
  product: string;
  /** The account (root uin) whose CMK and data keys these are. */
  uin: string;
  /** The CMK every key of the mount is a hosted data key under. */
  keyId: string;
  /** Days between scheduled rotations of every key of the mount; 0 = none. */
  rotationDays: number;
  /** When the next scheduled rotation is due; 0 = none. */
  nextRotateTime: number;
  createTime: number;
}

export type ProductTokenStatus = "Active" | "Revoked";

/** A product token as stored: its id and hash, never the token. */
export interface ProductTokenRecord {
  /** The token's first 8 characters. */
  tokenId: string;
  /** SHA-256 of the token, 64 lower-case hex characters. */
  tokenHash: string;
  mount: string;
  product: string;
  status: ProductTokenStatus;
  createTime: number;
  /** When it was revoked; 0 while Active. */
  revokeTime: number;
}

/** A key name of a mount and the hosted data key it is. */
export interface ProductKeyRef {
  mount: string;
  name: string;
  dataKeyId: string;
  createTime: number;
}

export interface ProductStore {
  getMount(mount: string): Promise<ProductMount | undefined>;
  /** Insert `mount` unless the mount exists; returns what is stored (the existing mount wins). */
  putMountIfAbsent(mount: ProductMount): Promise<ProductMount>;
  /** Set a mount's rotation period and next due time; false when there is no such mount. */
  setMountRotation(mount: string, rotationDays: number, nextRotateTime: number): Promise<boolean>;
  /**
   * Claim a due rotation: move NextRotateTime from `expected` to `next` only if it is still `expected`, so of several
   * schedulers (or nodes) one rotates.
   * @returns true when this caller claimed it
   */
  claimRotation(mount: string, expected: number, next: number): Promise<boolean>;
  /** Mounts with rotation on and NextRotateTime ≤ `nowSeconds`. */
  dueMounts(nowSeconds: number): Promise<ProductMount[]>;
  listMounts(): Promise<ProductMount[]>;

  /** Store a new token; throws {@link TokenIdTakenError} when its id is taken (the caller draws another token). */
  insertToken(token: ProductTokenRecord): Promise<void>;
  getToken(tokenId: string): Promise<ProductTokenRecord | undefined>;
  listTokens(): Promise<ProductTokenRecord[]>;
  /** Mark a token Revoked (for good); false when there is no such token or it already was. */
  revokeToken(tokenId: string, nowSeconds: number): Promise<boolean>;

  getKeyRef(mount: string, name: string): Promise<ProductKeyRef | undefined>;
  /** Insert `ref` unless (mount, name) has one; returns what is stored (the existing one wins). */
  putKeyRefIfAbsent(ref: ProductKeyRef): Promise<ProductKeyRef>;
  listKeyRefs(mount: string): Promise<ProductKeyRef[]>;
  countKeyRefs(mount: string): Promise<number>;

  close(): Promise<void>;
}

/** {@link ProductStore.insertToken}: another token already has this id. */
export class TokenIdTakenError extends Error {
  override name = "TokenIdTakenError";
}
