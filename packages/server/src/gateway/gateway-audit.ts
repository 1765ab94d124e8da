/**
 * The product gateway's audit records: one per request, in the same hash-chained log as the API's (audit/log.ts).
 *
 * - `action`: `gateway.read` (`GET /v1/<mount>/data/<name>`), `gateway.tune` (`GET /v1/sys/mounts/<mount>/tune`),
 *   `gateway.other` (anything else under `/v1/`); `gateway.refused`: the summary of the further 429s of an interval
 *   from an address flooding the gateway with refused tokens (one record with `count`; limits.ts);
 * - `secretId`: the token's id (its first 8 characters; "" when none was presented or it was malformed);
 * - `uin` / `ownerUin`: the mount's account ("" when the request got no further than the token);
 * - `keyIds`: the mount's CMK, and the key's DataKeyId once known (`openkms audit query --key <DataKeyId>`);
 * - `code`: `Success`, or why not: `AuthFailure.TokenFailure` (no token, or not a token of this server),
 *   {@link GatewayCode.TokenRevoked}, `UnauthorizedOperation` (another mount), `RequestLimitExceeded`,
 *   {@link GatewayCode.NotFound} (no such key or version, or a path the gateway does not serve),
 *   `UnsupportedOperation` (not GET), `InvalidParameterValue` (a malformed version), the hosted data key's error code
 *   when the CMK or the data key is not usable (`ResourceUnavailable.CmkDisabled`, …), or `InternalError`;
 *   a first read that makes the data key is preceded by a `Started` record with the same RequestId;
 * - `detail`: `{ product, mount, name, version }` — `version` is the version answered (on success) or asked for
 *   (0 = the newest), and `created: 1` when the read made the key.
 */
import type { AuditEvent } from "../audit/record.js";

export const GatewayAction = {
  Read: "gateway.read",
  Tune: "gateway.tune",
  Other: "gateway.other",
  /** A summary record: `count` more requests from one address answered 429 for its flood of refused tokens (limits.ts). */
  Refused: "gateway.refused",
} as const;

/** Result codes of the gateway's own that the API has no code for. */
export const GatewayCode = {
  /** No such key, version or path (HTTP 404). */
  NotFound: "ResourceNotFound",
  /** The token was revoked (HTTP 403). */
  TokenRevoked: "AuthFailure.TokenRevoked",
  /** The mount holds the most keys allowed; no new key name is made (HTTP 400). */
  KeyLimitExceeded: "LimitExceeded.DataKeyLimitExceeded",
} as const;

/** What a request's record says, filled in as the gateway learns it. */
export interface GatewayTrail {
  /** Unix ms of arrival. */
  time: number;
  requestId: string;
  action: string;
  remoteAddress: string;
  tokenId: string;
  product: string;
  uin: string;
  mount: string;
  name: string;
  version: number;
  keyIds: string[];
  /** The read made the key's data key. */
  created?: boolean;
}

/** The audit event of a request with result `code`. */
export function gatewayEvent(t: GatewayTrail, code: string, latencyMs: number): AuditEvent {
  return {
    time: t.time, requestId: t.requestId, action: t.action, secretId: t.tokenId, uin: t.uin, ownerUin: t.uin,
    sourceAddress: t.remoteAddress, keyIds: [...t.keyIds], code, latencyMs,
    detail: { product: t.product, mount: t.mount, name: t.name, version: t.version, ...(t.created ? { created: 1 } : {}) },
  };
}
