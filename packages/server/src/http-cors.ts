/**
 * CORS for the API, so a web page on another origin can call it (the CORS protocol of the Fetch standard, §3.2:
 * https://fetch.spec.whatwg.org/#http-cors-protocol). Off unless origins are listed (`openkms serve --cors-origin`).
 *
 * - A CORS-preflight request (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from a listed origin is
 *   answered `204` with `Access-Control-Allow-Origin: <that origin>`, `Access-Control-Allow-Methods: POST, GET`,
 *   `Access-Control-Allow-Headers` ({@link CORS_ALLOWED_HEADERS}: what TC3 signing and the SDKs send),
 *   `Access-Control-Max-Age` ({@link CORS_MAX_AGE_SECONDS}) and `Vary: Origin`.
 * - A preflight from any other origin is answered `204` with `Vary: Origin` and no CORS header, so the browser
 *   refuses the request it was asked about.
 * - Preflights are no API calls: they are not audited (no credential, no action), but counted
 *   ({@link CorsCounters}: `KmsServer.corsPreflights()`, and each one logged at debug level).
 * - Every other response to a listed origin carries `Access-Control-Allow-Origin: <that origin>` and `Vary: Origin`
 *   (API envelopes, errors included, so a page can read the error code); responses to other origins carry no CORS
 *   header. No credentials mode (the API uses no cookies): no `Access-Control-Allow-Credentials`.
 *
 * The headers themselves are set by `@fastify/cors`; this file decides which origin and which request gets them.
 */
import fastifyCors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";

/** Request headers a page may send: the TC3 headers (`X-TC-*`), `Authorization` and `Content-Type`. */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  "Authorization", "Content-Type", "X-TC-Action", "X-TC-Version", "X-TC-Timestamp", "X-TC-Region", "X-TC-Token",
  "X-TC-Language", "X-TC-RequestClient", "X-TC-TraceId",
];

/** Methods the API takes. */
export const CORS_ALLOWED_METHODS: readonly string[] = ["POST", "GET"];

/** How long a browser may cache a preflight answer, in seconds (Chromium caps it at 7200). */
export const CORS_MAX_AGE_SECONDS = 600;

/** Preflights answered since the server started. */
export interface CorsCounters {
  /** From a listed origin: answered with CORS headers. */
  allowed: number;
  /** From any other origin: answered without CORS headers. */
  refused: number;
}

/**
 * Check and normalise `--cors-origin` values: each an origin `http(s)://host[:port]` (no path, query or user info;
 * a trailing `/` is tolerated), returned as the browser serialises it (`new URL(o).origin`: lower-case host, default
 * port dropped).
 * @throws TypeError naming the value that is no such origin (`*` and `null` are refused: list the origins)
 */
export function parseCorsOrigins(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/" || url.search || url.hash || url.username || url.password
      || !/^https?:\/\/[^/?#]+\/?$/i.test(value)) {
      throw new TypeError(`"corsOrigins" expected origins such as https://app.example.com or http://localhost:5173, got ${JSON.stringify(raw)}`);
    }
    if (!out.includes(url.origin)) out.push(url.origin);
  }
  return out;
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Fetch §3.2.2: a CORS-preflight request is an OPTIONS request with `Origin` and `Access-Control-Request-Method`. */
const isPreflight = (req: FastifyRequest) =>
  req.method === "OPTIONS" && header(req, "origin") !== undefined && header(req, "access-control-request-method") !== undefined;

/**
 * Add CORS to `app` for `origins` (already normalised by {@link parseCorsOrigins}); nothing changes when empty.
 * Must be called before the app's routes are ready (it registers an `onRequest` hook and the `@fastify/cors` plugin).
 */
export function registerCors(app: FastifyInstance, origins: readonly string[], counters: CorsCounters, logger: Logger): void {
  if (origins.length === 0) return;
  const listed = new Set(origins);
  // Preflights from other origins stop here: 204, no CORS header, not audited, counted.
  app.addHook("onRequest", async (req, reply) => {
    if (!isPreflight(req)) return;
    const origin = header(req, "origin")!;
    const allowed = listed.has(origin);
    if (allowed) counters.allowed++;
    else counters.refused++;
    logger.debug({ origin, allowed, requestMethod: header(req, "access-control-request-method") }, "cors preflight");
    if (!allowed) return reply.code(204).header("vary", "Origin").header("content-length", "0").send();
  });
  void app.register(fastifyCors, {
    hook: "onRequest",
    delegator: (req, cb) => {
      const origin = header(req as FastifyRequest, "origin");
      if (origin === undefined || !listed.has(origin)) return cb(null, { origin: false });
      cb(null, {
        origin,
        // Only real preflights get the preflight answer; any other OPTIONS goes on to the API (UnsupportedProtocol).
        preflight: isPreflight(req as FastifyRequest),
        methods: [...CORS_ALLOWED_METHODS],
        allowedHeaders: [...CORS_ALLOWED_HEADERS],
        maxAge: CORS_MAX_AGE_SECONDS,
        strictPreflight: false,
      });
    },
  });
}
