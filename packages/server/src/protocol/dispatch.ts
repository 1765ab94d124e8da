/**
 * One API request from bytes to envelope (reference §2): action and version headers, TC3 authentication, parameter
 * parsing (POST JSON or GET query), schema validation, the action, and the `{"Response":{…,"RequestId"}}` envelope.
 * Every outcome is an envelope: user errors carry their code, anything unexpected is `InternalError` (logged, never
 * echoed).
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Action, ActionContext } from "../actions/define.js";
import { unixSeconds, type Clock } from "../clock.js";
import { ErrorCode, isKmsError, KmsError } from "../errors.js";
import { parseParams, unflatten } from "./params.js";
import { verifyTc3 } from "./tc3.js";

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
  /** Resolve a SecretId to its key and account (undefined when unknown or disabled). */
  credential(secretId: string): Promise<{ secretKey: string; uin: string } | undefined>;
  /** Build the per-request context once the caller is known. */
  context(uin: string, requestId: string): Omit<ActionContext, never>;
}

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
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(req.body));
  } catch {
    throw new KmsError(ErrorCode.InvalidParameter, "The request body is not valid UTF-8 JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new KmsError(ErrorCode.InvalidParameter, "The request body must be a JSON object");
  }
  // The Node SDK drops nulls; treat an explicit null like an absent member.
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null));
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
  const started = performance.now();
  const actionName = req.headers["x-tc-action"] ?? "";
  let secretId = "";
  let response: Record<string, unknown>;
  let code = "Success";
  try {
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
    if (!action) throw new KmsError(ErrorCode.InvalidAction, `The action ${actionName} does not exist`);
    const version = req.headers["x-tc-version"];
    if (!version) throw new KmsError(ErrorCode.MissingParameter, "The X-TC-Version header is missing");
    if (version !== API_VERSION) throw new KmsError(ErrorCode.NoSuchVersion, `Version ${version} does not exist; use ${API_VERSION}`);

    let caller: { secretKey: string; uin: string } | undefined;
    secretId = await verifyTc3({
      method: req.method, rawQuery: req.rawQuery, headers: req.headers, body: req.body,
      nowSeconds: unixSeconds(deps.clock),
      secretKeyFor: async (id) => {
        caller = await deps.credential(id);
        return caller?.secretKey;
      },
    });
    const region = req.headers["x-tc-region"];
    if (region && region !== deps.region) {
      throw new KmsError(ErrorCode.UnsupportedRegion, `This server serves region ${deps.region}, not ${region}`);
    }
    const params = parseParams(action.schema, parseBody(req));
    const fields = await action.handler(params, deps.context(caller!.uin, requestId));
    response = { ...fields, RequestId: requestId };
  } catch (err) {
    if (isKmsError(err)) {
      code = err.kmsErrorCode;
      response = { Error: { Code: code, Message: err.message }, RequestId: requestId };
    } else {
      code = ErrorCode.InternalError;
      deps.logger.error({ requestId, action: actionName, err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } }, "internal error");
      response = { Error: { Code: code, Message: "An internal error occurred; see the server log for request " + requestId }, RequestId: requestId };
    }
  }
  deps.logger.info(
    { requestId, action: actionName, secretId, remoteAddress: req.remoteAddress, code, ms: Math.round((performance.now() - started) * 100) / 100 },
    "request",
  );
  return { requestId, action: actionName, code, body: { Response: response } };
}
