/**
 * The product gateway: the read surface of HashiCorp Vault's KV version 2 API that MariaDB's
 * `hashicorp_key_management` plugin uses, in front of hosted data keys. Off unless configured
 * (`openkms serve --product-gateway on`); served on the API's listener under `/v1/` (routes.ts).
 *
 *   GET /v1/sys/mounts/<mount>/tune           → KV version 2 (the plugin's start-up check)
 *   GET /v1/<mount>/data/<name>[?version=N]    → the key `<name>` of the mount, version N or the newest, in hex
 *
 * One request, in order: the source address's budget of refused tokens (429) → the `X-Vault-Token` (403 "permission
 * denied" when missing, unknown or revoked) → the token's rate limit (429) → GET only (405) → a path of the surface (404) → the
 * token's own mount only (403) → the key. A key name read for the first time (without a version) becomes a hosted data
 * key under the mount's CMK (a `Started` record is written ahead, as for the API's state-changing actions). A key that
 * does not exist, or a version it does not have, is Vault's 404 `{"errors":[]}`; a CMK or data key that is not usable
 * is 403 naming the reason (the plugin writes that body to MariaDB's error log).
 *
 * Every request is one audit record (gateway-audit.ts), durable before the answer; when it cannot be written the
 * answer is 500 and no key leaves. The exception: an address flooding the gateway with refused tokens gets one record
 * for its first 429 of an interval and one summary record for the rest (limits.ts), so a flood cannot fill the log. The key's plaintext is zeroed once encoded; the hex string given to the HTTP
 * layer cannot be (a JavaScript string), and is dropped with the response. No key ever goes to a log.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { AuditSink } from "../audit/log.js";
import { STARTED } from "../audit/record.js";
import type { Clock } from "../clock.js";
import { ErrorCode, isKmsError } from "../errors.js";
import { gatewayEvent, GatewayAction, GatewayCode, type GatewayTrail } from "./gateway-audit.js";
import type { ProductKeySource } from "./key-source.js";
import type { GatewayLimiter } from "./limits.js";
import { isKeyName, MAX_KEYS_PER_MOUNT } from "./names.js";
import type { ProductMount, ProductStore, ProductTokenRecord } from "./product-store.js";
import { isProductToken, productTokenId, productTokenMatches } from "./product-token.js";
import { errorsBody, kvReadBody, mountTuneBody } from "./vault-responses.js";

export interface GatewayRequest {
  method: string;
  /** The URL path, `/v1/…`, without the query. */
  path: string;
  /** The query string without `?`. */
  rawQuery: string;
  /** The `X-Vault-Token` header. */
  token: string | undefined;
  remoteAddress: string;
}

export interface GatewayResponse {
  status: number;
  body: unknown;
}

export interface GatewayDeps {
  products: ProductStore;
  keys: ProductKeySource;
  audit: AuditSink;
  clock: Clock;
  logger: Logger;
  limiter: GatewayLimiter;
}

/** The highest version the plugin can ask for (it sends an unsigned 32-bit integer). */
const MAX_VERSION = 0xffff_ffff;

type Route =
  | { kind: "tune"; mount: string }
  | { kind: "read"; mount: string; name: string }
  | { kind: "other"; mount: string };

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Which part of the surface a path is. Repeated slashes count as one, as Vault's router and the plugin allow. */
function route(path: string): Route {
  const parts = path.split("/").filter(Boolean).map(decodeSegment);
  if (parts.some((p) => p === undefined) || parts[0] !== "v1") return { kind: "other", mount: "" };
  const [, a = "", b, c, d] = parts as string[];
  if (a === "sys" && b === "mounts" && c !== undefined && d === "tune" && parts.length === 5) return { kind: "tune", mount: c };
  if (b === "data" && c !== undefined && parts.length === 4) return { kind: "read", mount: a, name: c };
  return { kind: "other", mount: a === "sys" ? "" : a };
}

/**
 * `version` query parameter: absent or 0 = the newest; otherwise 1 … 2³²−1. Undefined result = malformed (given more
 * than once, or not such a number).
 */
function parseVersion(rawQuery: string): { version: number | undefined } | undefined {
  const given = new URLSearchParams(rawQuery).getAll("version");
  if (given.length > 1) return undefined;
  const v = given[0];
  if (v === undefined || v === "") return { version: undefined };
  if (!/^\d{1,10}$/.test(v) || Number(v) > MAX_VERSION) return undefined;
  return { version: Number(v) === 0 ? undefined : Number(v) };
}

export class ProductGateway {
  /** Key creations in flight, by mount and name: concurrent first reads make one data key. */
  private readonly creating = new Map<string, Promise<string>>();

  constructor(private readonly deps: GatewayDeps) {}

  /** Answer one request; never throws. */
  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const requestId = randomUUID();
    const started = performance.now();
    const trail: GatewayTrail = {
      time: this.deps.clock.nowMs(), requestId, action: GatewayAction.Other, remoteAddress: req.remoteAddress,
      tokenId: "", product: "", uin: "", mount: "", name: "", version: 0, keyIds: [],
    };
    let res: GatewayResponse;
    let code: string;
    /** The address floods the gateway with refused tokens: its 429s are audited in bounded space (limits.ts). */
    const flood = this.deps.limiter.refusing(req.remoteAddress);
    try {
      [code, res] = await this.serve(req, trail, flood);
    } catch (err) {
      code = ErrorCode.InternalError;
      this.deps.logger.error({ requestId, err: { name: (err as Error)?.name, message: (err as Error)?.message } }, "gateway: internal error");
      res = { status: 500, body: errorsBody(`internal error; see the OpenKMS log for request ${requestId}`) };
    }
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    try {
      if (!flood || this.deps.limiter.recordRefusal(req.remoteAddress) === "write") await this.deps.audit.append(gatewayEvent(trail, code, latencyMs));
    } catch (err) {
      this.deps.logger.error({ requestId, err: { name: (err as Error)?.name, message: (err as Error)?.message } }, "gateway: audit write failed; answering 500");
      code = ErrorCode.InternalError;
      res = { status: 500, body: errorsBody(`internal error; see the OpenKMS log for request ${requestId}`) };
    }
    this.deps.logger.info(
      { requestId, action: trail.action, tokenId: trail.tokenId, mount: trail.mount, name: trail.name, version: trail.version, code, status: res.status, remoteAddress: req.remoteAddress, ms: latencyMs },
      "gateway request",
    );
    return res;
  }

  private async serve(req: GatewayRequest, trail: GatewayTrail, flood: boolean): Promise<[string, GatewayResponse]> {
    const r = route(req.path);
    trail.action = r.kind === "tune" ? GatewayAction.Tune : r.kind === "read" ? GatewayAction.Read : GatewayAction.Other;
    trail.mount = r.mount.slice(0, 64);
    if (r.kind === "read") trail.name = r.name.slice(0, 64);
    const denied = (code: string): [string, GatewayResponse] => [code, { status: 403, body: errorsBody("permission denied") }];

    const limited: [string, GatewayResponse] = [ErrorCode.RequestLimitExceeded, { status: 429, body: errorsBody("request rate limit exceeded") }];
    if (flood) return limited;
    const token = await this.authenticate(req.token, trail);
    if (typeof token === "string") {
      this.deps.limiter.refused(req.remoteAddress);
      return denied(token);
    }
    trail.product = token.product;
    if (!this.deps.limiter.takeToken(token.tokenId)) return limited;
    if (req.method !== "GET" && req.method !== "HEAD") {
      return [ErrorCode.UnsupportedOperation, { status: 405, body: errorsBody(`the OpenKMS product gateway only reads (GET); ${req.method.slice(0, 16)} is not supported`) }];
    }
    if (r.kind === "other") return [GatewayCode.NotFound, { status: 404, body: errorsBody() }];
    if (r.mount !== token.mount) return denied(ErrorCode.UnauthorizedOperation);
    const mount = await this.deps.products.getMount(token.mount);
    if (!mount) return denied(ErrorCode.UnauthorizedOperation);
    trail.uin = mount.uin;
    trail.keyIds = [mount.keyId];
    if (r.kind === "tune") return ["Success", { status: 200, body: mountTuneBody(trail.requestId, mount.mount) }];
    return this.read(mount, r.name, req.rawQuery, trail);
  }

  /** The token's record, or the audit code of the refusal. */
  private async authenticate(presented: string | undefined, trail: GatewayTrail): Promise<ProductTokenRecord | string> {
    if (!presented) return ErrorCode.AuthFailureTokenFailure;
    if (!isProductToken(presented)) return ErrorCode.AuthFailureTokenFailure;
    trail.tokenId = productTokenId(presented);
    const record = await this.deps.products.getToken(trail.tokenId);
    if (!record || !productTokenMatches(presented, record.tokenHash)) return ErrorCode.AuthFailureTokenFailure;
    trail.product = record.product;
    if (record.status !== "Active") return GatewayCode.TokenRevoked;
    return record;
  }

  private async read(mount: ProductMount, name: string, rawQuery: string, trail: GatewayTrail): Promise<[string, GatewayResponse]> {
    const parsed = parseVersion(rawQuery);
    if (!parsed) return [ErrorCode.InvalidParameterValue, { status: 400, body: errorsBody("version must be given at most once, as a whole number 0-4294967295") }];
    trail.version = parsed.version ?? 0;
    if (!isKeyName(name)) return [GatewayCode.NotFound, { status: 404, body: errorsBody() }];
    let dataKeyId = (await this.deps.products.getKeyRef(mount.mount, name))?.dataKeyId;
    try {
      if (!dataKeyId) {
        // A version of a key never made does not exist; only a read of the newest makes the key.
        if (parsed.version !== undefined) return [GatewayCode.NotFound, { status: 404, body: errorsBody() }];
        if ((await this.deps.products.countKeyRefs(mount.mount)) >= MAX_KEYS_PER_MOUNT) {
          return [GatewayCode.KeyLimitExceeded, { status: 400, body: errorsBody(`mount ${mount.mount} holds the most keys allowed (${MAX_KEYS_PER_MOUNT})`) }];
        }
        dataKeyId = await this.createOnce(mount, name, trail);
      }
      trail.keyIds = [mount.keyId, dataKeyId];
      const got = await this.deps.keys.read(mount, dataKeyId, parsed.version);
      if (!got) return [GatewayCode.NotFound, { status: 404, body: errorsBody() }];
      trail.version = got.version;
      const hex = Buffer.from(got.plaintext).toString("hex");
      got.plaintext.fill(0);
      return ["Success", { status: 200, body: kvReadBody(trail.requestId, hex, got.version, got.createTime) }];
    } catch (err) {
      if (!isKmsError(err)) throw err;
      if (err.kmsErrorCode.startsWith("LimitExceeded")) return [err.kmsErrorCode, { status: 400, body: errorsBody(`${err.kmsErrorCode}: ${err.message}`) }];
      return [err.kmsErrorCode, { status: 403, body: errorsBody(`permission denied: ${err.kmsErrorCode}: ${err.message}`) }];
    }
  }

  /** Make the data key of (mount, name) once, however many first reads arrive together. */
  private async createOnce(mount: ProductMount, name: string, trail: GatewayTrail): Promise<string> {
    const id = `${mount.mount}\u0000${name}`;
    let pending = this.creating.get(id);
    if (!pending) {
      pending = this.create(mount, name, trail).finally(() => this.creating.delete(id));
      this.creating.set(id, pending);
    }
    return pending;
  }

  private async create(mount: ProductMount, name: string, trail: GatewayTrail): Promise<string> {
    const existing = await this.deps.products.getKeyRef(mount.mount, name);
    if (existing) return existing.dataKeyId;
    trail.created = true;
    await this.deps.audit.append(gatewayEvent(trail, STARTED, 0), { anchor: true });
    const dataKeyId = await this.deps.keys.create(mount, name);
    const stored = await this.deps.products.putKeyRefIfAbsent({
      mount: mount.mount, name, dataKeyId, createTime: Math.floor(this.deps.clock.nowMs() / 1000),
    });
    if (stored.dataKeyId !== dataKeyId) {
      // Another process (a second node, or `openkms admin`) made this key first: its data key is the key; ours is unused.
      this.deps.logger.warn({ mount: mount.mount, name, used: stored.dataKeyId, unused: dataKeyId }, "gateway: a concurrent first read made the key elsewhere; this data key is left unused");
    }
    return stored.dataKeyId;
  }
}
