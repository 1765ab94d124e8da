/**
 * One API request from bytes to envelope (reference §2), the single place every request passes:
 *
 *   envelope (method, action, version) → TC3 authentication (protocol/tc3.ts) → region → parameters → access policy
 *   (access/authorize.ts) → rate limit (limits/rate-limits.ts) → schema validation → [write-ahead `Started` record,
 *   state-changing actions only] → the action → audit record (audit/log.ts, durable before the response is returned)
 *   → `{"Response":{…,"RequestId"}}`.
 *
 * Every outcome is an envelope: user errors carry their code, anything unexpected is `InternalError` (logged, never
 * echoed). `InternalError` always means "not applied":
 * - a state-changing action (every action not in actions/read-only.ts) runs only after its `Started` record is durable
 *   and anchored (audit/checkpoint.ts); if that write fails the caller gets `InternalError` and the action does not
 *   run. If the final record then fails, the error is logged and the caller still gets the real result (the change
 *   happened; the `Started` record proves the attempt).
 * - a read-only action has its one record after it ran; if that write fails the caller gets `InternalError` instead
 *   of the result (nothing changed).
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { authorize, isRootPrincipal, type Principal } from "../access/authorize.js";
import type { PolicyDocument } from "../access/policy.js";
import { requestDataKeyIds, requestKeyIds, requestResources } from "../access/request-resources.js";
import type { Action, ActionContext } from "../actions/define.js";
import type { AuditSink } from "../audit/log.js";
import { auditAction, auditSecretId, STARTED, type AuditEvent } from "../audit/record.js";
import { isReadOnlyAction, isReadOnlyRequest } from "../actions/read-only.js";
import { unixSeconds, type Clock } from "../clock.js";
import { ErrorCode, isKmsError, KmsError } from "../errors.js";
import type { RequestLimiter } from "../limits/rate-limits.js";
import type { AuthFailureLimiter } from "../limits/auth-failures.js";
import { parseParams, unflatten } from "./params.js";
import { repeatedMember } from "./repeated-member.js";
import { verifyTc3, type SigningKeySource } from "./tc3.js";

export const API_VERSION = "2019-01-18";
export const MAX_POST_BYTES = 10 * 1024 * 1024;
export const MAX_GET_QUERY_BYTES = 32 * 1024;

export interface ApiRequest {
  method: string;
  /** Query string without `?`. */
  rawQuery: string;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
  remoteAddress: string;
}

export interface ApiResult {
  requestId: string;
  action: string;
  code: string;
  /** The JSON envelope. */
  body: { Response: Record<string, unknown> };
}

export interface DispatchDeps {
  actions: ReadonlyMap<string, Action>;
  clock: Clock;
  region: string;
  logger: Logger;
  /** Resolve a SecretId to its SecretKey and principal (undefined when unknown, disabled or deleted). */
  principal(secretId: string): Promise<{ secretKey: string | SigningKeySource; principal: Principal } | undefined>;
  /** The policy documents of a sub-user. */
  policies(uin: string): Promise<PolicyDocument[]>;
  limiter: RequestLimiter;
  audit: AuditSink;
  /** Throttles addresses that keep failing authentication, before any signature work (limits/auth-failures.ts). */
  authFailures?: AuthFailureLimiter;
  /** Refuse signatures that do not cover X-TC-Action, and UNSIGNED-PAYLOAD for state-changing actions. */
  requireSignedAction?: boolean;
  /** Build the per-request context for the account whose keys the caller acts on. */
  context(ownerUin: string, requestId: string): ActionContext;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function parseBody(req: ApiRequest): unknown {
  if (req.method === "GET") {
    if (Buffer.byteLength(req.rawQuery) > MAX_GET_QUERY_BYTES) {
      throw new KmsError(ErrorCode.RequestSizeLimitExceeded, `A GET request may carry at most ${MAX_GET_QUERY_BYTES} bytes of parameters`);
    }
    return unflatten(new URLSearchParams(req.rawQuery));
  }
  const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json") {
    throw new KmsError(ErrorCode.InvalidParameter, "POST requests must be Content-Type: application/json (TC3-HMAC-SHA256)");
  }
  if (req.body.length === 0) return {};
  let parsed: unknown;
  let text: string;
  try {
    text = UTF8.decode(req.body);
    parsed = JSON.parse(text);
  } catch {
    throw new KmsError(ErrorCode.InvalidParameter, "The request body is not valid UTF-8 JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new KmsError(ErrorCode.InvalidParameter, "The request body must be a JSON object");
  }
  const repeated = repeatedMember(text);
  if (repeated !== undefined) {
    throw new KmsError(ErrorCode.InvalidParameter, `The parameter ${repeated.slice(0, 64)} is given more than once in one object`);
  }
  // The Node SDK drops nulls; treat an explicit null like an absent member.
  const members = parsed as Record<string, unknown>;
  for (const name of Object.keys(members)) if (members[name] === null) delete members[name];
  return members;
}

/** What the audit record says about a request, filled in as dispatch learns it. */
interface Trail {
  secretId: string;
  uin: string;
  ownerUin: string;
  keyIds: string[];
}

/** The SecretId an Authorization header claims, before it is verified (for the audit record). */
function claimedSecretId(authorization: string | undefined): string {
  return auditSecretId(/Credential=([^/,\s]+)\//.exec(authorization ?? "")?.[1]);
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

function errorResponse(code: string, message: string, requestId: string): Record<string, unknown> {
  return { Error: { Code: code, Message: message }, RequestId: requestId };
}

async function authenticate(req: ApiRequest, deps: DispatchDeps, readOnly: boolean): Promise<Principal> {
  let found: { secretKey: string | SigningKeySource; principal: Principal } | undefined;
  await verifyTc3({
    method: req.method, rawQuery: req.rawQuery, headers: req.headers, body: req.body,
    nowSeconds: unixSeconds(deps.clock),
    require: deps.requireSignedAction ? { signedAction: true, signedPayload: !readOnly } : undefined,
    secretKeyFor: async (id) => {
      found = await deps.principal(id);
      return found?.secretKey;
    },
  });
  return found!.principal;
}

/** A signature-v1 request carries Action, Signature and SignatureMethod among its (query or form) parameters. */
function looksLikeSignatureV1(req: ApiRequest): boolean {
  const form = req.method === "GET" ? req.rawQuery : new TextDecoder().decode(req.body.subarray(0, 64 * 1024));
  const params = new URLSearchParams(form);
  return params.has("Action") && params.has("Signature");
}

/** Handle one request; never throws. */
export async function dispatch(req: ApiRequest, deps: DispatchDeps): Promise<ApiResult> {
  const requestId = randomUUID();
  const arrivedMs = deps.clock.nowMs();
  const started = performance.now();
  const actionName = req.headers["x-tc-action"] ?? "";
  const trail: Trail = { secretId: claimedSecretId(req.headers["authorization"]), uin: "", ownerUin: "", keyIds: [] };
  const event = (code: string): AuditEvent => ({
    time: arrivedMs, requestId, action: auditAction(actionName), secretId: trail.secretId, uin: trail.uin,
    ownerUin: trail.ownerUin, sourceAddress: req.remoteAddress, keyIds: [...trail.keyIds], code, latencyMs: round2(performance.now() - started),
  });
  let response: Record<string, unknown>;
  let code = "Success";
  /** A durable `Started` record exists: the action may have run, so an audit failure must not turn into InternalError. */
  let writtenAhead = false;
  /** Refused because the address keeps failing authentication: recorded in bounded space. */
  let floodRefusal = false;
  let authenticated = false;
  try {
    if (deps.authFailures?.throttled(req.remoteAddress)) {
      floodRefusal = true;
      throw new KmsError(ErrorCode.RequestLimitExceeded, "Too many failed authentications from this address; retry later with a valid signature");
    }
    if (req.method !== "GET" && req.method !== "POST") {
      throw new KmsError(ErrorCode.UnsupportedProtocol, "Only GET and POST are supported");
    }
    if (!actionName) {
      if (looksLikeSignatureV1(req)) {
        throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "Signature v1 (HmacSHA1 / HmacSHA256) is not supported: sign with TC3-HMAC-SHA256, the SDKs' default signMethod");
      }
      throw new KmsError(ErrorCode.MissingParameter, "The X-TC-Action header is missing");
    }
    const action = deps.actions.get(actionName);
    if (!action) throw new KmsError(ErrorCode.InvalidAction, `The action ${actionName.slice(0, 64)}${actionName.length > 64 ? "…" : ""} does not exist`);
    const version = req.headers["x-tc-version"];
    if (!version) throw new KmsError(ErrorCode.MissingParameter, "The X-TC-Version header is missing");
    if (version !== API_VERSION) throw new KmsError(ErrorCode.NoSuchVersion, `Version ${version} does not exist; use ${API_VERSION}`);

    const readOnlyAction = isReadOnlyAction(action.name);
    const principal = await authenticate(req, deps, readOnlyAction);
    authenticated = true;
    Object.assign(trail, { secretId: principal.secretId, uin: principal.uin, ownerUin: principal.ownerUin });
    const region = req.headers["x-tc-region"];
    if (region && region !== deps.region) {
      throw new KmsError(ErrorCode.UnsupportedRegion, `This server serves region ${deps.region}, not ${region}`);
    }
    const body = parseBody(req);
    trail.keyIds = requestKeyIds(body);
    const dataKeyIds = requestDataKeyIds(body);
    const policies = isRootPrincipal(principal) ? [] : await deps.policies(principal.uin);
    authorize(principal, policies, action.name, requestResources(deps.region, principal.ownerUin, trail.keyIds, dataKeyIds));
    trail.keyIds.push(...dataKeyIds); // the audit record names data keys too
    const allowed = deps.limiter.take(principal.ownerUin, action.name);
    if (allowed !== true && !(await allowed)) {
      throw new KmsError(ErrorCode.RequestLimitExceeded, `Request rate limit exceeded for ${action.name}; retry with backoff`);
    }
    const params = parseParams(action.schema, body);
    const readOnly = isReadOnlyRequest(action.name, params);
    // A read-only action that these parameters make state-changing (GenerateDataKey with IsHostedByKms 1) must meet
    // the state-changing signature requirements too (--require-signed-action: a signed payload).
    if (!readOnly && readOnlyAction && deps.requireSignedAction) await authenticate(req, deps, false);
    if (!readOnly) {
      try {
        await deps.audit.append(event(STARTED), { anchor: true });
      } catch (err) {
        throw new Error(`write-ahead audit record failed; the action was not run: ${(err as Error)?.message}`, { cause: err });
      }
      writtenAhead = true;
    }
    const ctx = deps.context(principal.ownerUin, requestId);
    ctx.noteKeyId = (id) => {
      if (!trail.keyIds.includes(id)) trail.keyIds.push(id);
    };
    const fields = await action.handler(params, ctx);
    for (const id of [...requestKeyIds({ KeyId: fields.KeyId }), ...requestDataKeyIds({ DataKeyId: fields.DataKeyId })]) {
      if (!trail.keyIds.includes(id)) trail.keyIds.push(id);
    }
    response = { ...fields, RequestId: requestId };
  } catch (err) {
    if (isKmsError(err)) {
      code = err.kmsErrorCode;
      response = errorResponse(code, err.message, requestId);
      if (!authenticated && code.startsWith("AuthFailure")) deps.authFailures?.failed(req.remoteAddress);
    } else {
      code = ErrorCode.InternalError;
      deps.logger.error({ requestId, action: actionName, err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } }, "internal error");
      response = errorResponse(code, "An internal error occurred; see the server log for request " + requestId, requestId);
    }
  }
  const final = event(code);
  const latencyMs = final.latencyMs;
  try {
    if (!floodRefusal || deps.authFailures!.recordRefusal(req.remoteAddress) === "write") await deps.audit.append(final);
  } catch (err) {
    const logged = { requestId, action: actionName, code, err: { name: (err as Error)?.name, message: (err as Error)?.message } };
    if (writtenAhead) {
      deps.logger.error(logged, "final audit record failed after the action ran; its Started record stands; answering the action's result");
    } else {
      deps.logger.error(logged, "audit write failed; answering InternalError");
      code = ErrorCode.InternalError;
      response = errorResponse(code, "An internal error occurred; see the server log for request " + requestId, requestId);
    }
  }
  deps.logger.info(
    { requestId, action: actionName, secretId: trail.secretId, uin: trail.uin, keyIds: trail.keyIds, remoteAddress: req.remoteAddress, code, ms: latencyMs },
    "request",
  );
  return { requestId, action: actionName, code, body: { Response: response } };
}

/**
 * Record a request the HTTP layer refused before it reached {@link dispatch} (oversize body, malformed HTTP): it is
 * audited like any other. Never throws; resolves once the record is durable (or its failure logged).
 */
export async function auditRefused(
  deps: Pick<DispatchDeps, "audit" | "clock" | "logger">,
  req: { headers: Record<string, string | string[] | undefined>; remoteAddress: string },
  requestId: string,
  code: string,
): Promise<void> {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const event: AuditEvent = {
    time: deps.clock.nowMs(), requestId, action: auditAction(header("x-tc-action")), secretId: claimedSecretId(header("authorization")),
    uin: "", ownerUin: "", sourceAddress: req.remoteAddress, keyIds: [], code, latencyMs: 0,
  };
  try {
    await deps.audit.append(event);
  } catch (err) {
    deps.logger.error({ requestId, err: { name: (err as Error)?.name, message: (err as Error)?.message } }, "audit write failed");
  }
}
