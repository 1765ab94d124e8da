/**
 * Accounts and API credentials. The root account (a uin) is created with the data dir; a credential is a SecretId /
 * SecretKey pair whose SecretKey is stored only wrapped under the root key (TC3 needs the key itself to verify).
 */
import { randomBytes } from "@openkms/crypto/random";
import type { RootOfTrust } from "./root-key.js";
import type { AccountStore, CredentialRecord } from "./store/accounts.js";
import type { KeyStore } from "./store/types.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` characters drawn uniformly from [A-Za-z0-9] (rejection sampling over CSPRNG bytes). */
export function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHANUMERIC[b % 62];
    }
  }
  return out;
}

export const credentialLabel = (secretId: string) => `openkms/credential/v1/${secretId}`;

/** A fresh uin: 12 decimal digits, the first 1 (below 2^53, so JSON numbers keep it exact). */
export function newUin(): string {
  let digits = "";
  while (digits.length < 11) {
    for (const b of randomBytes(16)) if (b < 250 && digits.length < 11) digits += String(b % 10);
  }
  return `1${digits}`;
}

/** The first root account's uin, created on first use. */
export async function rootUin(store: KeyStore): Promise<string> {
  const existing = await store.getMeta("root-uin");
  if (existing) return existing;
  const uin = newUin();
  await store.setMeta("root-uin", uin);
  return uin;
}

export interface Credential {
  secretId: string;
  secretKey: string;
}

/** What is wrong with a credential's format, or undefined when it is fine. */
export function credentialProblem(cred: Credential): string | undefined {
  if (!/^[A-Za-z0-9]{4,128}$/.test(cred.secretId)) return "SecretId must be 4-128 letters or digits";
  if (!/^[\x21-\x7e]{16,128}$/.test(cred.secretKey)) return "SecretKey must be 16-128 printable ASCII characters";
  return undefined;
}

/**
 * Store (or replace) a credential for `uin`. SecretId 4–128 chars of [A-Za-z0-9], SecretKey 16–128 printable chars.
 * @throws Error when the format is wrong (see {@link credentialProblem})
 */
export async function putCredential(store: AccountStore, root: RootOfTrust, uin: string, cred: Credential, nowSeconds: number): Promise<void> {
  const problem = credentialProblem(cred);
  if (problem) throw new Error(problem);
  const wrapped = root.wrap(new TextEncoder().encode(cred.secretKey), credentialLabel(cred.secretId));
  await store.putCredential({ secretId: cred.secretId, uin, wrappedSecretKey: wrapped, status: "Enabled", createTime: nowSeconds });
}

/** A fresh credential: SecretId `AKID` + 32 alphanumerics, SecretKey 32 alphanumerics. */
export function newCredential(): Credential {
  return { secretId: `AKID${randomAlphanumeric(32)}`, secretKey: randomAlphanumeric(32) };
}

/**
 * The stored record of an enabled credential (or of a disabled one too, when asked), its SecretKey still wrapped; or
 * undefined for a SecretId that is malformed, unknown, or (unless asked) not enabled.
 */
export async function findCredential(store: AccountStore, secretId: string, includeDisabled = false): Promise<CredentialRecord | undefined> {
  if (!/^[A-Za-z0-9]{4,128}$/.test(secretId)) return undefined;
  const c = await store.getCredential(secretId);
  return c && (c.status === "Enabled" || includeDisabled) ? c : undefined;
}

/** The SecretKey and account of an enabled credential (or of a disabled one too, when asked), or undefined. */
export async function lookupCredential(
  store: AccountStore,
  root: RootOfTrust,
  secretId: string,
  includeDisabled = false,
): Promise<{ secretKey: string; uin: string } | undefined> {
  const c = await findCredential(store, secretId, includeDisabled);
  if (!c) return undefined;
  const bytes = root.unwrap(c.wrappedSecretKey, credentialLabel(secretId));
  const secretKey = new TextDecoder().decode(bytes);
  bytes.fill(0);
  return { secretKey, uin: c.uin };
}
