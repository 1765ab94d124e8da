/**
 * The product gateway on the API's fastify app: every method on `/v1/*` goes to {@link ProductGateway.handle};
 * answers are Vault's (JSON, the status the gateway chose), including for requests fastify itself refuses (an
 * oversize body, a target the router cannot decode), so a Vault client never sees the API's envelope under `/v1/`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { answerBadUrls } from "../http-app.js";
import type { ProductGateway } from "./product-gateway.js";
import { errorsBody } from "./vault-responses.js";

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header("content-type", "application/json").header("cache-control", "no-store").send(Buffer.from(JSON.stringify(body), "utf8"));
}

/** Register `/v1/*` on `app` (call before it listens); a `/v1/` target the router cannot decode goes to the gateway too. */
export function registerProductGateway(app: FastifyInstance, gateway: ProductGateway): void {
  const answer = async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const header = req.headers["x-vault-token"];
    const res = await gateway.handle({
      method: req.method, path: q >= 0 ? url.slice(0, q) : url, rawQuery: q >= 0 ? url.slice(q + 1) : "",
      token: Array.isArray(header) ? header[0] : header, remoteAddress: req.ip,
    });
    return send(reply, res.status, res.body);
  };
  answerBadUrls(app, "/v1/", answer);
  void app.register(async (scope) => {
    scope.setErrorHandler(async (err: { statusCode?: number }, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      return send(reply, status, errorsBody(status === 413 ? "request body too large" : status < 500 ? "bad request" : "internal error"));
    });
    scope.route({
      method: ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
      url: "/v1/*",
      handler: answer,
    });
  });
}
