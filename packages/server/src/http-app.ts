/**
 * The HTTP face of the server (fastify): `POST /` and `GET /` carry API requests, `GET /healthz` answers 200 when the
 * node can serve, else 503 with the reason (HttpOptions.health).
 * Every API response is HTTP 200 with `Content-Type: application/json` exactly (reference §1 gotcha 1) — including
 * oversize bodies (`RequestSizeLimitExceeded`), wrong methods and paths other than `/` (`UnsupportedProtocol`).
 * Requests refused here, before dispatch, are audited too (`GET /healthz` is not: it is no API request).
 */
import type { IncomingMessage } from "node:http";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { auditRefused, dispatch, MAX_POST_BYTES, type DispatchDeps } from "./protocol/dispatch.js";
import { randomUUID } from "node:crypto";
import { ErrorCode } from "./errors.js";
import { refusePlainHttp } from "./tls-sniff.js";
import { endAndLinger } from "./socket-linger.js";
import { registerCors, type CorsCounters } from "./http-cors.js";
import { registerStaticSite, type StaticSite } from "./http-static.js";

/** Limits on slow and numerous clients (see {@link HttpOptions}). */
export interface HttpLimits {
  /** Milliseconds a client has to send the request line and headers (default 10 000). */
  headersTimeoutMs?: number;
  /** Milliseconds a client has to send a whole request, body included (default 30 000; at least headersTimeoutMs). */
  requestTimeoutMs?: number;
  /** Open connections at most; more are closed as they arrive (default 1024). */
  maxConnections?: number;
}

export const DEFAULT_HTTP_LIMITS: Required<HttpLimits> = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 1024 };

export interface HttpOptions extends HttpLimits {
  https?: { key: string | Buffer; cert: string | Buffer } | undefined;
  /** True once shutdown has begun: responses then carry `Connection: close` so clients stop reusing connections. */
  draining?: () => boolean;
  /** Origins allowed to call the API from a browser (http-cors.ts), normalised; none when empty or absent. */
  corsOrigins?: readonly string[];
  /** Preflight counters, updated when CORS is on (default: a private pair). */
  corsCounters?: CorsCounters;
  /** A static web app to serve under its prefix (the console at `/console/`, http-static.ts); none when absent. */
  staticSite?: StaticSite | undefined;
  /** Why the node cannot serve now (NodeStores.health), or undefined; `GET /healthz` answers 503 with it. Absent: 200. */
  health?: () => Promise<string | undefined>;
}

/** Marks on a raw request: the authority of an absolute-form target, and that the request was audited. */
const TARGET_AUTHORITY = Symbol("openkms.targetAuthority");
const AUDITED = Symbol("openkms.audited");
const ANSWERED = Symbol("openkms.answered");
type MarkedRequest = IncomingMessage & { [TARGET_AUTHORITY]?: string; [AUDITED]?: boolean; [ANSWERED]?: boolean };

/**
 * What is wrong with a request's Host (RFC 9112 §3.2: exactly one; an absolute-form target's authority must be the
 * Host's), or undefined.
 */
function hostProblem(raw: MarkedRequest): string | undefined {
  const rawHeaders = raw.rawHeaders;
  let count = 0;
  let host = "";
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === "host") {
      count++;
      host = rawHeaders[i + 1]!;
    }
  }
  if (count === 0) return "The Host header is missing";
  if (count > 1) return "The Host header is given more than once";
  const authority = raw[TARGET_AUTHORITY];
  if (authority !== undefined && authority.toLowerCase() !== host.trim().toLowerCase()) {
    return `The request target names ${authority.slice(0, 100)}, which is not the Host header's ${host.slice(0, 100)}`;
  }
  return undefined;
}

/** Answerers of targets the router cannot decode under a path prefix another surface owns, by app (answerBadUrls). */
const badUrlAnswerers = new WeakMap<FastifyInstance, { prefix: string; answer: (req: FastifyRequest, reply: FastifyReply) => unknown }[]>();

/**
 * Let `answer` reply to the targets under `prefix` (e.g. `/v1/`) that the router cannot decode (`/v1/%ff`), in its
 * surface's own shape instead of the API's envelope; it writes their audit record itself.
 */
export function answerBadUrls(app: FastifyInstance, prefix: string, answer: (req: FastifyRequest, reply: FastifyReply) => unknown): void {
  badUrlAnswerers.set(app, [...(badUrlAnswerers.get(app) ?? []), { prefix, answer }]);
}

function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  (reply.request.raw as MarkedRequest)[ANSWERED] = true;
  // A Buffer payload keeps fastify from appending "; charset=utf-8" (the Python SDK needs the exact type).
  return reply.code(status).header("content-type", "application/json").send(Buffer.from(JSON.stringify(body), "utf8"));
}

function errorEnvelope(code: string, message: string, requestId: string) {
  return { Response: { Error: { Code: code, Message: message }, RequestId: requestId } };
}

export function buildHttpApp(deps: DispatchDeps, opts: HttpOptions = {}): FastifyInstance {
  const limits = {
    headersTimeoutMs: opts.headersTimeoutMs ?? DEFAULT_HTTP_LIMITS.headersTimeoutMs,
    requestTimeoutMs: Math.max(opts.requestTimeoutMs ?? DEFAULT_HTTP_LIMITS.requestTimeoutMs, opts.headersTimeoutMs ?? DEFAULT_HTTP_LIMITS.headersTimeoutMs),
    maxConnections: opts.maxConnections ?? DEFAULT_HTTP_LIMITS.maxConnections,
  };
  const serverOptions = {
    // GET requests may carry up to 32 KB of parameters in the URL (reference §2.1).
    maxHeaderSize: 64 * 1024,
    // Host is checked here (onRequest below) so that its absence gets an API envelope and an audit record.
    requireHostHeader: false,
    headersTimeout: limits.headersTimeoutMs,
    // How often node looks for requests past their timeouts (its default, 30 s, would let them linger that long).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_POST_BYTES,
    forceCloseConnections: "idle",
    // While closing, requests already on open connections are still answered (never a bare 503).
    return503OnClosing: false,
    requestTimeout: limits.requestTimeoutMs,
    http: serverOptions,
    // A TLS handshake must end within the headers' time too (node's default is 120 s).
    ...(opts.https ? { https: { ...serverOptions, handshakeTimeout: limits.headersTimeoutMs, ...opts.https } } : {}),
    // An absolute-form target (`POST http://host/ HTTP/1.1`) is routed by its path; its authority is checked against
    // Host in onRequest.
    rewriteUrl: (raw: MarkedRequest) => {
      const url = raw.url ?? "/";
      if (url.startsWith("/")) return url;
      const m = /^https?:\/\/([^/?#]*)([^#]*)/i.exec(url);
      if (!m) return url;
      raw[TARGET_AUTHORITY] = m[1]!;
      return m[2]!.startsWith("/") ? m[2]! : `/${m[2]!}`;
    },
    // A target the router cannot decode (`/%ff`) gets an API envelope and its one audit record, not fastify's own body.
    frameworkErrors: (err: { code?: string }, req: FastifyRequest, reply: FastifyReply) => {
      const url = req.url ?? "";
      const owner = err.code === "FST_ERR_BAD_URL" ? badUrlAnswerers.get(app)?.find((a) => url.startsWith(a.prefix)) : undefined;
      if (owner) {
        (req.raw as MarkedRequest)[AUDITED] = true;
        return void owner.answer(req, reply);
      }
      const requestId = randomUUID();
      const code = ErrorCode.InvalidParameter;
      const raw = req.raw as MarkedRequest;
      void auditOnce(raw, requestId, code).then(() =>
        sendJson(reply, errorEnvelope(code, err.code === "FST_ERR_BAD_URL" ? "The request target is not a valid URL path" : "Malformed request", requestId)),
      );
    },
    // Requests Node's HTTP parser refuses (headers over the limit, garbage) still get an API envelope.
    // They are audited too (no headers to read: only the peer address and the code).
    clientErrorHandler: (err: { code?: string }, socket: import("node:net").Socket) => {
      if (!socket.writable) return socket.destroy();
      const tooBig = err.code === "HPE_HEADER_OVERFLOW";
      const timedOut = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
      const code = tooBig ? ErrorCode.RequestSizeLimitExceeded : ErrorCode.InvalidParameter;
      const requestId = randomUUID();
      const message = tooBig ? "The request line and headers may be at most 64 KB (GET parameters at most 32 KB)"
        : timedOut ? `The request did not arrive in time: headers within ${limits.headersTimeoutMs / 1000} s, the whole request within ${limits.requestTimeoutMs / 1000} s`
        : "Malformed HTTP request";
      const body = JSON.stringify(errorEnvelope(code, message, requestId));
      // A request whose headers came (body cut short, or too slow) is the one refused here: it gets its one record
      // here, with its headers, unless it already has one.
      const last = inFlightOn.get(socket);
      const inFlight = last && !last[ANSWERED] ? last : undefined;
      inFlightOn.delete(socket);
      const audited = inFlight ? auditOnce(inFlight, requestId, code) : auditRefused(deps, { headers: {}, remoteAddress: socket.remoteAddress ?? "" }, requestId, code);
      void audited.then(() =>
        endAndLinger(socket, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`),
      );
    },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  app.server.maxConnections = limits.maxConnections;

  /** The request whose headers arrived on a connection and whose response has not been sent yet. */
  const inFlightOn = new WeakMap<object, MarkedRequest>();
  /** Audit a request refused here, unless it already has its record (one record per request, whatever happens). */
  const auditOnce = async (raw: MarkedRequest, requestId: string, code: string) => {
    if (raw[AUDITED]) return;
    raw[AUDITED] = true;
    await auditRefused(deps, { headers: raw.headers, remoteAddress: raw.socket?.remoteAddress ?? "" }, requestId, code);
  };

  if (opts.https) refusePlainHttp(app.server as import("node:https").Server, limits.headersTimeoutMs);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_POST_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err: { code?: string; statusCode?: number; message?: string }, req, reply) => {
    const requestId = randomUUID();
    let code: string = ErrorCode.InternalError;
    let message = "An internal error occurred";
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      code = ErrorCode.RequestSizeLimitExceeded;
      message = `The request body may be at most ${MAX_POST_BYTES} bytes`;
    } else if (err.statusCode && err.statusCode < 500) {
      code = ErrorCode.InvalidParameter;
      message = `Malformed request: ${err.message ?? "bad request"}`;
    } else {
      deps.logger.error({ requestId, err: { message: err.message, code: err.code } }, "http error");
    }
    await auditOnce(req.raw, requestId, code);
    return sendJson(reply, errorEnvelope(code, message, requestId));
  });

  // Host: exactly one, and an absolute-form target must name it (before routing, so every path gets this).
  // (Callback-style hooks: they run on every request, and cost less than async ones.)
  app.addHook("onRequest", (req, reply, done) => {
    inFlightOn.set(req.raw.socket, req.raw);
    const problem = hostProblem(req.raw);
    if (problem === undefined) return done();
    const requestId = randomUUID();
    void auditOnce(req.raw, requestId, ErrorCode.InvalidParameter).then(() => {
      reply.header("connection", "close");
      sendJson(reply, errorEnvelope(ErrorCode.InvalidParameter, problem, requestId));
    });
  });

  if (opts.draining) {
    const draining = opts.draining;
    app.addHook("onSend", (_req, reply, payload, done) => {
      if (draining()) reply.header("connection", "close");
      done(null, payload);
    });
  }

  registerCors(app, opts.corsOrigins ?? [], opts.corsCounters ?? { allowed: 0, refused: 0 }, deps.logger);

  if (opts.staticSite) registerStaticSite(app, opts.staticSite, (req) => void ((req.raw as MarkedRequest)[ANSWERED] = true));

  const health = opts.health;
  app.get("/healthz", async (_req, reply) => {
    const problem = await health?.();
    return problem ? sendJson(reply, { status: "unavailable", reason: problem }, 503) : sendJson(reply, { status: "ok" });
  });
  app.setNotFoundHandler(async (req, reply) => {
    const requestId = randomUUID();
    await auditOnce(req.raw, requestId, ErrorCode.UnsupportedProtocol);
    return sendJson(reply, errorEnvelope(ErrorCode.UnsupportedProtocol, "API requests are POST or GET to the path /; GET /healthz checks health", requestId));
  });

  app.route({
    method: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
    url: "/",
    handler: async (req, reply) => {
      const url = req.raw.url ?? "/";
      const q = url.indexOf("?");
      // Node joins repeated headers into one string (and keeps the first of Host, Authorization, Content-Type…);
      // only Set-Cookie comes as an array, which no API request reads: the headers can be passed as they are.
      const headers = req.headers as Record<string, string | undefined>;
      const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array(0);
      (req.raw as MarkedRequest)[AUDITED] = true; // dispatch writes its record
      const result = await dispatch(
        { method: req.method, rawQuery: q >= 0 ? url.slice(q + 1) : "", headers, body, remoteAddress: req.ip },
        deps,
      );
      return sendJson(reply, result.body);
    },
  });
  return app;
}
