// The ceiling for bench/src/api.mjs: a fastify server doing exactly the work every KMS Encrypt must do, and nothing
// else — no store, no audit, no log, no validation layer, no policy:
//   TC3-HMAC-SHA256 check (SHA-256 of the body, the canonical request's SHA-256, four HMAC-SHA-256: date, service,
//   "tc3_request", string to sign; constant-time compare), one AES-256-GCM seal of the request's Plaintext (or of 32
//   bytes when it has none) under a key held in memory, one random UUID, JSON out.
// Run as a child process: prints `ceiling listening on http://HOST:PORT`. Env: CEILING_SECRET_ID, CEILING_SECRET_KEY.
import { createCipheriv, createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import Fastify from "fastify";

const secretId = process.env.CEILING_SECRET_ID;
const secretKey = process.env.CEILING_SECRET_KEY;
if (!secretId || !secretKey) throw new Error("CEILING_SECRET_ID and CEILING_SECRET_KEY are required");
const key = randomBytes(32);
const AUTH_RE = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

function fail(reply, code) {
  return reply.header("content-type", "application/json").send(JSON.stringify({ Response: { Error: { Code: code, Message: code }, RequestId: randomUUID() } }));
}

app.post("/", async (req, reply) => {
  const m = AUTH_RE.exec(req.headers.authorization ?? "");
  if (!m || m[1] !== secretId) return fail(reply, "AuthFailure.SecretIdNotFound");
  const [, , date, service, signedHeaders, signature] = m;
  const timestamp = req.headers["x-tc-timestamp"];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return fail(reply, "AuthFailure.SignatureExpire");
  const names = signedHeaders.split(";");
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? "").trim()}\n`).join("");
  const payloadHash = createHash("sha256").update(req.body).digest("hex");
  const canonical = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${createHash("sha256").update(canonical).digest("hex")}`;
  const kDate = createHmac("sha256", "TC3" + secretKey).update(date).digest();
  const kService = createHmac("sha256", kDate).update(service).digest();
  const kSigning = createHmac("sha256", kService).update("tc3_request").digest();
  const expected = createHmac("sha256", kSigning).update(stringToSign).digest("hex");
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return fail(reply, "AuthFailure.SignatureFailure");
  const body = JSON.parse(req.body.toString("utf8"));
  const plaintext = typeof body.Plaintext === "string" ? Buffer.from(body.Plaintext, "base64") : randomBytes(32);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return reply
    .header("content-type", "application/json")
    .send(JSON.stringify({ Response: { CiphertextBlob: sealed.toString("base64"), KeyId: body.KeyId ?? "", RequestId: randomUUID() } }));
});

await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`ceiling listening on http://127.0.0.1:${app.server.address().port}\n`);
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
