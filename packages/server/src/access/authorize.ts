/**
 * The access decision for one authenticated request: a root account may do everything on its own keys; a sub-user
 * may do what its policies allow (sub-users start with nothing). A refusal is `UnauthorizedOperation`, or
 * `AuthFailure.UnauthorizedOperation` for the actions whose documented error lists name that code instead
 * (reference §5.1).
 */
import { ErrorCode, KmsError } from "../errors.js";
import { evaluatePolicies, type PolicyDocument } from "./policy.js";

/** Actions that report a CAM refusal as `AuthFailure.UnauthorizedOperation` (reference §5.1). */
export const AUTH_FAILURE_DENIAL_ACTIONS: ReadonlySet<string> = new Set(["GetDataKeyPlaintext", "ImportDataKey", "ListDataKeyDetail"]);

/** Who is calling, once the signature checked out. */
export interface Principal {
  /** The principal's own uin. */
  uin: string;
  /** The account whose keys it acts on (its own uin for a root account). */
  ownerUin: string;
  /** The SecretId that signed the request. */
  secretId: string;
}

export const isRootPrincipal = (p: Principal) => p.uin === p.ownerUin;

/** The CAM action name of an API action: `kms:<ActionName>`. */
export const camAction = (action: string) => `kms:${action}`;

/**
 * Check that `principal` may call `action` on `resources`.
 * @param policies the principal's policy documents (ignored for a root account)
 * @throws KmsError `UnauthorizedOperation` / `AuthFailure.UnauthorizedOperation` naming the action and the resource
 */
export function authorize(principal: Principal, policies: readonly PolicyDocument[], action: string, resources: string[]): void {
  if (isRootPrincipal(principal)) return;
  const decision = evaluatePolicies(policies, { action: camAction(action), resources });
  if (decision.allowed) return;
  const code = AUTH_FAILURE_DENIAL_ACTIONS.has(action) ? ErrorCode.AuthFailureUnauthorizedOperation : ErrorCode.UnauthorizedOperation;
  const why = decision.explicitDeny ? "a policy denies it" : "no policy allows it";
  throw new KmsError(code, `uin ${principal.uin} is not authorized to perform ${camAction(action)} on resource ${decision.resource}: ${why}`);
}
