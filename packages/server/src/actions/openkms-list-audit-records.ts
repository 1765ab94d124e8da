/**
 * OpenKMS.ListAuditRecords — OpenKMS's own read-only action (not a Tencent action): the calling account's audit
 * records (audit/record.ts), newest first, with filters and paging. What the web console's audit page reads.
 *
 * Name: Tencent's action names are PascalCase letters and digits (`ListKeyDetail`), so an OpenKMS action is
 * `OpenKMS.<Name>` — the dot keeps it from ever colliding with a present or future Tencent action. Its CAM action is
 * `kms:OpenKMS.ListAuditRecords`: the root account may call it; a sub-user only when a policy allows that action
 * (`kms:*` does) on the account (`qcs::kms:<region>:uin/<uin>:*`) — or, when `KeyId` is given, on that key.
 *
 * Scope: records of requests on the caller's account's keys (`ownerUin` = the account): its root's and its
 * sub-users' calls, allowed or refused after authentication, and the scheduler's key events. Requests that failed
 * authentication belong to no account and are only in `openkms audit query`.
 *
 * Request (all optional):
 * - `StartTime`, `EndTime`: Unix seconds; records with StartTime ≤ time < EndTime + 1 (both ends inclusive to the
 *   second). EndTime before StartTime → `InvalidParameterValue`.
 * - `Action`: an exact action name (`Encrypt`, `scheduler.key-deleted`), ≤ 64 characters.
 * - `KeyId`: records naming this key (a request's KeyIds, the key inside a CiphertextBlob, a created key).
 * - `Result`: `Success`, `Error` (every error code), `Started` (write-ahead records of state-changing actions), or an
 *   error code — exact, or a prefix before a dot (`AuthFailure` matches `AuthFailure.SignatureFailure`).
 * - `Offset` (default 0), `Limit` (default 10, at most 200), `OrderType` 0 newest first (default), 1 oldest first.
 *
 * Response: `TotalCount` (records matching the filters) and `Records`, each `{ Seq, Time (Unix s), TimeMs (Unix ms),
 * RequestId, Action, SecretId, Uin (the caller), SourceAddress, KeyIds, Code ("Success", the error code or
 * "Started"), LatencyMs }`. Never a body or a secret: the log holds none.
 *
 * Errors: InvalidParameter (bad OrderType, Limit, Action), InvalidParameterValue (time range, Result),
 * InvalidParameterValue.InvalidKeyId, UnsupportedOperation (the server was built with an audit sink it cannot read).
 */
import { z } from "zod";
import { ErrorCode, KmsError } from "../errors.js";
import { str, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";
import { paging } from "./list-paging.js";

export const LIST_AUDIT_RECORDS = "OpenKMS.ListAuditRecords";

const KEY_ID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ACTION_NAME_RE = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
const RESULT_RE = /^[A-Za-z][A-Za-z0-9.]{0,127}$/;

export const openkmsListAuditRecords = defineAction({
  name: LIST_AUDIT_RECORDS,
  schema: z.strictObject({
    StartTime: uint.optional(), EndTime: uint.optional(), Action: str.optional(), KeyId: str.optional(),
    Result: str.optional(), Offset: uint.optional(), Limit: uint.optional(), OrderType: uint.optional(),
  }),
  async handler(p, ctx) {
    const page = paging(p.Offset, p.Limit);
    const orderType = p.OrderType ?? 0;
    if (orderType !== 0 && orderType !== 1) throw new KmsError(ErrorCode.InvalidParameter, `OrderType must be 0 or 1, got ${orderType}`);
    if (p.StartTime !== undefined && p.EndTime !== undefined && p.EndTime < p.StartTime) {
      throw new KmsError(ErrorCode.InvalidParameterValue, `EndTime (${p.EndTime}) is before StartTime (${p.StartTime})`);
    }
    if (p.Action !== undefined && !ACTION_NAME_RE.test(p.Action)) {
      throw new KmsError(ErrorCode.InvalidParameter, "Action must be an action name: a letter, then up to 63 letters, digits, dots or dashes");
    }
    if (p.KeyId !== undefined && !KEY_ID_RE.test(p.KeyId)) {
      throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyId, `KeyId ${p.KeyId.slice(0, 64)} is not a valid key id`);
    }
    if (p.Result !== undefined && !RESULT_RE.test(p.Result)) {
      throw new KmsError(ErrorCode.InvalidParameterValue, "Result must be Success, Error, Started or an error code such as AuthFailure.SignatureFailure");
    }
    if (!ctx.auditRecords) throw new KmsError(ErrorCode.UnsupportedOperation, "This server's audit log cannot be read through the API");
    const { total, records } = await ctx.auditRecords.page({
      ownerUin: ctx.uin,
      ...(p.StartTime !== undefined ? { sinceMs: p.StartTime * 1000 } : {}),
      ...(p.EndTime !== undefined ? { untilMs: (p.EndTime + 1) * 1000 } : {}),
      ...(p.Action !== undefined ? { action: p.Action } : {}),
      ...(p.KeyId !== undefined ? { keyId: p.KeyId } : {}),
      ...(p.Result !== undefined ? { result: p.Result } : {}),
      order: orderType === 1 ? "asc" : "desc",
      ...page,
    });
    return {
      TotalCount: total,
      Records: records.map((r) => ({
        Seq: r.seq, Time: Math.floor(r.time / 1000), TimeMs: r.time, RequestId: r.requestId, Action: r.action,
        SecretId: r.secretId, Uin: r.uin, SourceAddress: r.sourceAddress, KeyIds: r.keyIds, Code: r.code, LatencyMs: r.latencyMs,
      })),
    };
  },
});
