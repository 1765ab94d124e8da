/**
 * The HTTP face of the server (fastify): `POST /` and `GET /` carry API requests, `GET /healthz` answers 200.
 * Every API response is HTTP 200 with `Content-Type: application/json` exactly (reference §1 gotcha 1) — including
 * oversize bodies (`RequestSizeLimitExceeded`), wrong methods and paths other than `/` (`UnsupportedProtocol`).
 * Requests refused here, before dispatch, are audited too (`GET /healthz` is not: it is no API request).
 */
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { auditRefused, dispatch, MAX_POST_BYTES, type DispatchDeps } from "./protocol/dispatch.js";
import { randomUUID } from "node:crypto";
import { ErrorCode } from "./errors.js";
import { registerCors, type CorsCounters } from "./http-cors.js";

export interface HttpOptions {
  https?: { key: string | Buffer; cert: string | Buffer } | undefined;
  /** True once shutdown has begun: responses then carry `Connection: close` so clients stop reusing connections. */
  draining?: () => boolean;
  /** Origins allowed to call the API from a browser (http-cors.ts), normalised; none when empty or absent. */
  corsOrigins?: readonly string[];
  /** Preflight counters, updated when CORS is on (default: a private pair). */
  corsCounters?: CorsCounters;
}

function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  // A Buffer payload keeps fastify from appending "; charset=utf-8" (the Python SDK needs the exact type).
  return reply.code(200).header("content-type", "application/json").send(Buffer.from(JSON.stringify(body), "utf8"));
}

function errorEnvelope(code: string, message: string, requestId: string) {
  return { Response: { Error: { Code: code, Message: message }, RequestId: requestId } };
}

export function buildHttpApp(deps: DispatchDeps, opts: HttpOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_POST_BYTES,
    forceCloseConnections: "idle",
    // While closing, requests already on open connections are still answered (never a bare 503).
    return503OnClosing: false,
    // GET requests may carry up to 32 KB of parameters in the URL (reference §2.1).
    http: { maxHeaderSize: 64 * 1024 },
    ...(opts.https ? { https: opts.https } : {}),
    // Requests Node's HTTP parser refuses (headers over the limit, garbage) still get an API envelope.
    // They are audited too (no headers to read: only the peer address and the code).
    clientErrorHandler: (err: { code?: string }, socket: import("node:net").Socket) => {
      if (!socket.writable) return socket.destroy();
      const tooBig = err.code === "HPE_HEADER_OVERFLOW";
      const code = tooBig ? ErrorCode.RequestSizeLimitExceeded : ErrorCode.InvalidParameter;
      const requestId = randomUUID();
      const body = JSON.stringify(
        errorEnvelope(code, tooBig ? "The request line and headers may be at most 64 KB (GET parameters at most 32 KB)" : "Malformed HTTP request", requestId),
      );
      void auditRefused(deps, { headers: {}, remoteAddress: socket.remoteAddress ?? "" }, requestId, code).then(() =>
        socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`),
      );
    },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

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
    await auditRefused(deps, { headers: req.headers, remoteAddress: req.ip }, requestId, code);
    return sendJson(reply, errorEnvelope(code, message, requestId));
  });

  if (opts.draining) {
    const draining = opts.draining;
    app.addHook("onSend", async (_req, reply, payload) => {
      if (draining()) reply.header("connection", "close");
      return payload;
    });
  }

  registerCors(app, opts.corsOrigins ?? [], opts.corsCounters ?? { allowed: 0, refused: 0 }, deps.logger);

  app.get("/healthz", async (_req, reply) => sendJson(reply, { status: "ok" }));
  app.setNotFoundHandler(async (req, reply) => {
    const requestId = randomUUID();
    await auditRefused(deps, { headers: req.headers, remoteAddress: req.ip }, requestId, ErrorCode.UnsupportedProtocol);
    return sendJson(reply, errorEnvelope(ErrorCode.UnsupportedProtocol, "API requests are POST or GET to the path /; GET /healthz checks health", requestId));
  });

  app.route({
    method: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
    url: "/",
    handler: async (req, reply) => {
      const url = req.raw.url ?? "/";
      const q = url.indexOf("?");
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
      const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array(0);
      const result = await dispatch(
        { method: req.method, rawQuery: q >= 0 ? url.slice(q + 1) : "", headers, body, remoteAddress: req.ip },
        deps,
      );
      return sendJson(reply, result.body);
    },
  });
  return app;
}
