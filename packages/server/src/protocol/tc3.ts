/**
 * TC3-HMAC-SHA256 request signature (TencentCloud API 3.0 signature v3; reference §2.3) — computation and
 * server-side verification.
 *
 * Verification follows the reference's rules for real SDKs: the service name comes from the credential scope (the
 * Node SDK signs `127` for endpoint `127.0.0.1:8080`), the host is tried both as sent and without `:port`, the payload
 * hash is over the raw body bytes (or the literal `UNSIGNED-PAYLOAD`), the timestamp must be within ±300 s, and
 * signatures are compared in constant time.
 */
import { constantTimeEqualText } from "@openkms/crypto/constant-time";
import { hmacSha256, sha256 } from "@openkms/crypto/sha256";
import { ErrorCode, KmsError } from "../errors.js";

const ENCODER = new TextEncoder();
const utf8 = (s: string) => ENCODER.encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export const TC3_ALGORITHM = "TC3-HMAC-SHA256";
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface Tc3SignInput {
  method: string;
  /** The query string exactly as sent, without `?` ("" for POST). */
  canonicalQuery: string;
  /** Signed headers as [lower-case name, value] pairs, sorted by name. */
  headers: [string, string][];
  /** Lower-case hex SHA-256 of the body, or of "UNSIGNED-PAYLOAD". */
  payloadHash: string;
  timestamp: number;
  /** YYYY-MM-DD (UTC). */
  date: string;
  service: string;
  secretKey: string;
}

/** Lower-case hex SHA-256 of the CanonicalRequest (reference §2.3). */
export function canonicalRequestHash(i: Omit<Tc3SignInput, "timestamp" | "date" | "service" | "secretKey">): string {
  const canonicalHeaders = i.headers.map(([k, v]) => `${k}:${v}\n`).join("");
  const signedHeaders = i.headers.map(([k]) => k).join(";");
  const canonical = [i.method, "/", i.canonicalQuery, canonicalHeaders, signedHeaders, i.payloadHash].join("\n");
  return hex(sha256(utf8(canonical)));
}

/** The 32-byte signing key: HMAC chain "TC3"+SecretKey → date → service → "tc3_request" (reference §2.3). */
export function tc3SigningKey(secretKey: string, date: string, service: string): Uint8Array {
  const kDate = hmacSha256(utf8("TC3" + secretKey), utf8(date));
  const kService = hmacSha256(kDate, utf8(service));
  kDate.fill(0);
  const kSigning = hmacSha256(kService, utf8("tc3_request"));
  kService.fill(0);
  return kSigning;
}

/** The signature (64 hex chars) of a canonical request hash under a signing key. */
function signatureWith(kSigning: Uint8Array, timestamp: number, date: string, service: string, canonicalHash: string): string {
  const stringToSign = `${TC3_ALGORITHM}\n${timestamp}\n${date}/${service}/tc3_request\n${canonicalHash}`;
  return hex(hmacSha256(kSigning, utf8(stringToSign)));
}

/** The 64-hex-char TC3 signature for a request. */
export function tc3Signature(i: Tc3SignInput): string {
  const kSigning = tc3SigningKey(i.secretKey, i.date, i.service);
  try {
    return signatureWith(kSigning, i.timestamp, i.date, i.service, canonicalRequestHash(i));
  } finally {
    kSigning.fill(0);
  }
}

/** The last timestamp's UTC day and its date: requests in one day share it. */
let lastDay = { day: Number.NaN, date: "" };

/** UTC date (YYYY-MM-DD) of a Unix timestamp in seconds. */
export function utcDate(timestamp: number): string {
  const day = Math.floor(timestamp / 86400);
  if (day !== lastDay.day) lastDay = { day, date: new Date(timestamp * 1000).toISOString().slice(0, 10) };
  return lastDay.date;
}


export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE = /^TC3-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^,\s]+)\/tc3_request\s*,\s*SignedHeaders=([a-z0-9;\-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Parse an `Authorization` header; throws `AuthFailure.InvalidAuthorization` when it is not a TC3 header. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "Authorization header is missing");
  const m = AUTH_RE.exec(header.trim());
  if (!m) throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "Authorization header is not a valid TC3-HMAC-SHA256 header");
  const signedHeaders = m[4]!.split(";");
  if (!signedHeaders.includes("content-type") || !signedHeaders.includes("host")) {
    throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "SignedHeaders must include content-type and host");
  }
  const sorted = [...signedHeaders].sort();
  if (sorted.join(";") !== signedHeaders.join(";")) {
    throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "SignedHeaders must be sorted");
  }
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders, signature: m[5]! };
}

export interface VerifyRequest {
  method: string;
  rawQuery: string;
  /** Header values by lower-case name (first value when repeated). */
  headers: Record<string, string | undefined>;
  body: Uint8Array;
  nowSeconds: number;
  /**
   * Refuse (`AuthFailure.InvalidAuthorization`) a signature that does not cover `x-tc-action`, and, when
   * `signedPayload` is set too, an `UNSIGNED-PAYLOAD` one (`openkms serve --require-signed-action`, for actions
   * that change state).
   */
  require?: { signedAction: boolean; signedPayload: boolean };
  /**
   * Returns the SecretKey for a SecretId (or a source of its signing keys, {@link SigningKeySource}), or undefined
   * when unknown or disabled.
   */
  secretKeyFor(secretId: string): Promise<string | SigningKeySource | undefined>;
}

/** Gives the 32-byte TC3 signing key of one credential for a date and service, without handing out its SecretKey. */
export interface SigningKeySource {
  /** @returns 32 bytes the verifier only reads during the (synchronous) check: it neither keeps nor zeroes them */
  signingKey(date: string, service: string): Uint8Array;
}

/**
 * Verify a request's TC3 signature.
 * @returns the SecretId that signed it
 * @throws KmsError `AuthFailure.InvalidAuthorization` (malformed), `AuthFailure.SignatureExpire` (> 300 s skew),
 *   `AuthFailure.SecretIdNotFound`, `AuthFailure.SignatureFailure`, `AuthFailure.TokenFailure` (STS token sent)
 */
export async function verifyTc3(req: VerifyRequest): Promise<string> {
  const auth = parseAuthorization(req.headers["authorization"]);
  if (req.require?.signedAction && !auth.signedHeaders.includes("x-tc-action")) {
    throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "SignedHeaders must include x-tc-action: this server requires the action to be signed (--require-signed-action)");
  }
  const unsignedPayload = req.headers["x-tc-content-sha256"] === "UNSIGNED-PAYLOAD";
  if (req.require?.signedPayload && unsignedPayload) {
    throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "UNSIGNED-PAYLOAD is refused for actions that change state: sign the body (--require-signed-action)");
  }
  const tsText = req.headers["x-tc-timestamp"];
  if (!tsText || !/^\d{1,12}$/.test(tsText)) {
    throw new KmsError(ErrorCode.AuthFailureInvalidAuthorization, "X-TC-Timestamp must be Unix seconds");
  }
  const timestamp = Number(tsText);
  if (Math.abs(req.nowSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    throw new KmsError(ErrorCode.AuthFailureSignatureExpire, "Signature expired: X-TC-Timestamp differs from server time by more than 300 seconds");
  }
  if (auth.date !== utcDate(timestamp)) {
    throw new KmsError(ErrorCode.AuthFailureSignatureFailure, "Credential date does not match X-TC-Timestamp");
  }
  const secretKey = await req.secretKeyFor(auth.secretId);
  if (secretKey === undefined) throw new KmsError(ErrorCode.AuthFailureSecretIdNotFound, "SecretId not found or disabled");
  if (req.headers["x-tc-token"]) {
    throw new KmsError(ErrorCode.AuthFailureTokenFailure, "Temporary credentials (X-TC-Token) are not issued by this server");
  }

  const payloadHash = unsignedPayload ? hex(sha256(utf8("UNSIGNED-PAYLOAD"))) : hex(sha256(req.body));

  // Readings of the signed headers, most likely first (each checked once): as sent; the host without :port (the Node
  // SDK signs the hostname only); values lower-cased (Tencent's canonical form). The first that matches is enough.
  const host = (req.headers["host"] ?? "").trim();
  const hosts = [...new Set([host, host.replace(/:\d+$/, ""), host.toLowerCase(), host.replace(/:\d+$/, "").toLowerCase()])];
  const valueOf = (name: string) => (req.headers[name] ?? "").trim();
  const seen = new Set<string>();
  const borrowed = typeof secretKey !== "string";
  const kSigning = borrowed ? secretKey.signingKey(auth.date, auth.service) : tc3SigningKey(secretKey, auth.date, auth.service);
  let ok = false;
  try {
    for (const lower of [false, true]) {
      for (const h of hosts) {
        const headers: [string, string][] = auth.signedHeaders.map((name) => {
          const v = name === "host" ? h : valueOf(name);
          return [name, lower ? v.toLowerCase() : v];
        });
        const key = headers.map(([k, v]) => `${k}:${v}`).join("\n");
        if (seen.has(key)) continue;
        seen.add(key);
        const canonicalHash = canonicalRequestHash({ method: req.method, canonicalQuery: req.method === "GET" ? req.rawQuery : "", headers, payloadHash });
        if (constantTimeEqualText(signatureWith(kSigning, timestamp, auth.date, auth.service, canonicalHash), auth.signature)) {
          ok = true;
          break;
        }
      }
      if (ok) break;
    }
  } finally {
    if (!borrowed) kSigning.fill(0);
  }
  if (!ok) {
    throw new KmsError(ErrorCode.AuthFailureSignatureFailure, "The provided credentials could not be validated. Please check your signature is correct.");
  }
  return auth.secretId;
}
