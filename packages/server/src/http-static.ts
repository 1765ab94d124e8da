/**
 * A static web app served from memory under a path prefix — the web console at `/console/` (`openkms serve
 * --console on`). The files are a fixed map handed in at start (the `openkms` command bundles them), so no request
 * ever opens a file: `..`, `%2e%2e`, encoded slashes or absolute paths can only miss the map (404).
 *
 * Responses: `GET`/`HEAD` of a listed file → 200 with its content type, `ETag` (304 on `If-None-Match`),
 * `Cache-Control: no-cache`, and security headers: a Content-Security-Policy that allows this origin only
 * ({@link STATIC_CSP}), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`.
 * `<prefix>` without the slash → 308 to `<prefix>/`; `<prefix>/` → `index.html`; anything else under the prefix →
 * 404 `text/plain`. These are not API requests: not audited, no API envelope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** One file as served. */
export interface StaticFile {
  /** `Content-Type` value, e.g. `text/javascript; charset=utf-8`. */
  contentType: string;
  /** Quoted strong ETag of the body. */
  etag: string;
  /** The body (UTF-8 text). */
  body: string;
}

export interface StaticSite {
  /** Path prefix without a trailing slash, e.g. `/console`. */
  prefix: string;
  /** Files by path under the prefix (`index.html`, `console.js`). */
  files: Readonly<Record<string, StaticFile>>;
}

/**
 * Only this origin, for everything: scripts and styles from its files (no inline code), `fetch` to its API,
 * WebAssembly compiled from its own bytes (`'wasm-unsafe-eval'`: the browser crypto core; no JavaScript eval), images
 * from itself or `data:`; no plugins, frames, or other form targets.
 */
export const STATIC_CSP = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data:",
  "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": STATIC_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/**
 * Serve `site` on `app` (GET and HEAD). `onAnswered` is told of each request answered here (the HTTP layer's
 * bookkeeping of requests in flight).
 * @throws TypeError for a prefix that is not `/name` or a site without `index.html`
 */
export function registerStaticSite(app: FastifyInstance, site: StaticSite, onAnswered: (req: FastifyRequest) => void): void {
  if (!/^\/[a-z0-9-]+$/.test(site.prefix)) throw new TypeError(`"prefix" expected /name, got ${site.prefix}`);
  if (!Object.hasOwn(site.files, "index.html")) throw new TypeError('"files" expected an index.html');
  const send = (req: FastifyRequest, reply: FastifyReply, status: number, type: string, body: string) => {
    onAnswered(req);
    return reply.code(status).headers(SECURITY_HEADERS).header("content-type", type).send(body);
  };
  app.get(site.prefix, async (req, reply) => {
    onAnswered(req);
    return reply.code(308).headers(SECURITY_HEADERS).header("location", `${site.prefix}/`).send();
  });
  app.get(`${site.prefix}/*`, async (req, reply) => {
    const name = (req.params as { "*": string })["*"] || "index.html";
    const file = Object.hasOwn(site.files, name) ? site.files[name] : undefined;
    if (!file) return send(req, reply, 404, "text/plain; charset=utf-8", "Not Found\n");
    reply.header("etag", file.etag).header("cache-control", "no-cache");
    if (req.headers["if-none-match"] === file.etag) {
      onAnswered(req);
      return reply.code(304).headers(SECURITY_HEADERS).send();
    }
    return send(req, reply, 200, file.contentType, file.body);
  });
}
