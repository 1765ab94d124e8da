/**
 * The account store's model and interface: accounts (root accounts and their sub-users), their API credentials and
 * the CAM-style policies attached to them. Kept apart from the key store so a networked backend can implement both;
 * the embedded one is SQLite in the same database file (`sqlite-accounts.ts`).
 *
 * A root account owns keys: its `ownerUin` is its own uin. A sub-user belongs to a root account (`ownerUin` = that
 * account's uin), acts on that account's keys, and may do only what its policies allow.
 */

export type PrincipalStatus = "Enabled" | "Disabled";

/** A root account or a sub-user. Times are Unix seconds. */
export interface AccountRecord {
  /** Decimal uin (12 digits for the ones this server creates). */
  uin: string;
  /** The root account that owns the keys this principal acts on; equal to `uin` for a root account. */
  ownerUin: string;
  /** Unique name across the installation (`root` for the first root account). */
  name: string;
  status: PrincipalStatus;
  createTime: number;
}

/** A SecretId/SecretKey pair; the SecretKey is stored only wrapped under the root key. */
export interface CredentialRecord {
  secretId: string;
  /** The principal the credential authenticates. */
  uin: string;
  wrappedSecretKey: Uint8Array;
  status: PrincipalStatus;
  createTime: number;
}

/** A named policy attached to one principal; `document` is the validated JSON text (see access/policy.ts). */
export interface PolicyRecord {
  uin: string;
  name: string;
  document: string;
  createTime: number;
}

export interface AccountStore {
  /** Insert an account. Throws an error with `code` `SQLITE_CONSTRAINT_UNIQUE` (or a PRIMARYKEY variant; `23505` on PostgreSQL) when the uin or name is taken. */
  createAccount(account: AccountRecord): Promise<void>;
  getAccount(uin: string): Promise<AccountRecord | undefined>;
  findAccountByName(name: string): Promise<AccountRecord | undefined>;
  /** Every account, root accounts and sub-users, oldest first. */
  listAccounts(): Promise<AccountRecord[]>;
  /** Returns false when there is no such account. */
  setAccountStatus(uin: string, status: PrincipalStatus): Promise<boolean>;
  /** Delete an account with its credentials and policies (one transaction). Returns false when there is none. */
  deleteAccount(uin: string): Promise<boolean>;

  /** Insert or replace a credential. */
  putCredential(cred: CredentialRecord): Promise<void>;
  getCredential(secretId: string): Promise<CredentialRecord | undefined>;
  /** Credentials of one principal, or of all when `uin` is undefined; oldest first. */
  listCredentials(uin?: string): Promise<CredentialRecord[]>;
  /** Returns false when there is no such credential. */
  setCredentialStatus(secretId: string, status: PrincipalStatus): Promise<boolean>;
  /** Returns false when there is no such credential. */
  deleteCredential(secretId: string): Promise<boolean>;

  /** Attach (or replace) the policy `name` of `uin`. */
  putPolicy(policy: PolicyRecord): Promise<void>;
  /** Returns false when no such policy is attached. */
  deletePolicy(uin: string, name: string): Promise<boolean>;
  /** Policies of one principal, by name. */
  listPolicies(uin: string): Promise<PolicyRecord[]>;

  close(): Promise<void>;
}
