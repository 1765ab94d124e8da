/**
 * From a SecretId to the principal behind it, and that principal's policies — read from the account store on every
 * request, so `openkms admin` changes (a disabled key, a detached policy) apply to the next request.
 */
import type { Principal } from "../access/authorize.js";
import { parsePolicy, type PolicyDocument } from "../access/policy.js";
import { credentialLabel, findCredential, lookupCredential } from "../credentials.js";
import type { SigningKeySource } from "../protocol/tc3.js";
import type { RootOfTrust } from "../root-key.js";
import type { AccountStore } from "../store/accounts.js";
import type { SigningKeyCache } from "./signing-keys.js";

/**
 * The SecretKey (or, given `signingKeys`, a source of its TC3 signing keys that unwraps it only on a cache miss) and
 * principal of an enabled credential whose principal (and, for a sub-user, whose account) is enabled; undefined
 * otherwise (unknown, disabled or deleted — one answer, `AuthFailure.SecretIdNotFound`). The credential and account
 * rows are read on every call.
 */
export async function resolvePrincipal(
  accounts: AccountStore,
  root: RootOfTrust,
  secretId: string,
  signingKeys?: SigningKeyCache,
): Promise<{ secretKey: string | SigningKeySource; principal: Principal } | undefined> {
  const cred = signingKeys ? await findCredential(accounts, secretId) : await lookupCredential(accounts, root, secretId);
  if (!cred) return undefined;
  let secretKey: string | SigningKeySource;
  if ("secretKey" in cred) secretKey = cred.secretKey;
  else {
    const wrapped = cred.wrappedSecretKey;
    const unwrap = () => root.unwrap(wrapped, credentialLabel(secretId));
    secretKey = { signingKey: (date, service) => signingKeys!.signingKey(secretId, date, service, wrapped, unwrap) };
  }
  const account = await accounts.getAccount(cred.uin);
  if (!account || account.status !== "Enabled") return undefined;
  if (account.ownerUin !== account.uin) {
    const owner = await accounts.getAccount(account.ownerUin);
    if (!owner || owner.status !== "Enabled") return undefined;
  }
  return { secretKey, principal: { uin: account.uin, ownerUin: account.ownerUin, secretId } };
}

/**
 * The parsed policy documents attached to `uin`.
 * @throws PolicyError when a stored document no longer parses (fail closed: the request becomes InternalError)
 */
export async function policiesOf(accounts: AccountStore, uin: string): Promise<PolicyDocument[]> {
  return (await accounts.listPolicies(uin)).map((p) => parsePolicy(p.document));
}
