/**
 * TC3-HMAC-SHA256 request signing (TencentCloud API 3.0 signature v3), on WebCrypto so it runs in Node 20+ and
 * browsers alike. No dependency on the Tencent SDK.
 *
 *   CanonicalRequest = Method \n "/" \n CanonicalQuery \n "content-type:<ct>\nhost:<host>\n" \n "content-type;host" \n
 *                      hex(SHA-256(payload))
 *   StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/Service/"tc3_request" \n hex(SHA-256(CanonicalRequest))
 *   kDate = HMAC-SHA-256("TC3" + SecretKey, Date); kService = HMAC(kDate, Service); kSigning = HMAC(kService, "tc3_request")
 *   Signature = hex(HMAC-SHA-256(kSigning, StringToSign))
 *
 * Date is the UTC date (YYYY-MM-DD) of the timestamp (Unix seconds). Header names and values are lower-cased and
 * trimmed, as Tencent's signature v3 rules say. `content-type` and `host` are always signed (as every official SDK
 * does); {@link Tc3SignInput.extraHeaders} adds more (KmsClient signs `x-tc-action` and `x-tc-timestamp` too, so a
 * captured signature cannot be replayed as another action — what `openkms serve --require-signed-action` insists on).
 */

const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array<ArrayBuffer> => encoder.encode(s) as Uint8Array<ArrayBuffer>;
/** WebCrypto wants bytes over a plain ArrayBuffer; copy anything else (e.g. a view of a SharedArrayBuffer). */
const own = (b: Uint8Array): Uint8Array<ArrayBuffer> => (b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b));

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const x of b) out += x.toString(16).padStart(2, "0");
  return out;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("WebCrypto (globalThis.crypto.subtle) is not available; TC3 signing needs it");
  return s;
}

/** SHA-256 (FIPS 180-4) of `data`: 32 bytes. */
export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest("SHA-256", typeof data === "string" ? utf8(data) : own(data)));
}

/** HMAC-SHA-256 (RFC 2104): 32 bytes. */
export async function hmacSha256(key: Uint8Array, message: Uint8Array | string): Promise<Uint8Array> {
  const k = await subtle().importKey("raw", own(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle().sign("HMAC", k, typeof message === "string" ? utf8(message) : own(message)));
}

export const TC3_ALGORITHM = "TC3-HMAC-SHA256";

/** UTC date (YYYY-MM-DD) of a Unix timestamp in seconds. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export interface Tc3SignInput {
  secretId: string;
  secretKey: string;
  /** Credential-scope service, `kms` for KMS. */
  service: string;
  /** The Host header as sent (`host[:port]`). */
  host: string;
  /** Content-Type header as sent, e.g. `application/json`. */
  contentType: string;
  /** `POST` (JSON body) or `GET` (parameters in the query). */
  method: "POST" | "GET";
  /** GET: the query string exactly as sent, without `?`; POST: "". */
  canonicalQuery?: string;
  /** The exact body bytes (POST) — hashed as sent, never re-serialised; "" for GET. */
  payload: Uint8Array | string;
  /** X-TC-Timestamp, Unix seconds. */
  timestamp: number;
  /** More headers to sign, by name (any case) → value as sent; e.g. `{ "X-TC-Action": "Encrypt" }`. */
  extraHeaders?: Record<string, string>;
}

export interface Tc3Signature {
  /** The `Authorization` header value. */
  authorization: string;
  /** 64 lower-case hex chars. */
  signature: string;
  /** YYYY-MM-DD (UTC) of the timestamp. */
  date: string;
  /** hex SHA-256 of the payload. */
  payloadHash: string;
  /** hex SHA-256 of the canonical request. */
  canonicalRequestHash: string;
}

/** The three derived keys (32 bytes each) for a SecretKey, date and service. */
export async function tc3SigningKeys(secretKey: string, date: string, service: string): Promise<{ kDate: Uint8Array; kService: Uint8Array; kSigning: Uint8Array }> {
  const kDate = await hmacSha256(utf8("TC3" + secretKey), date);
  const kService = await hmacSha256(kDate, service);
  const kSigning = await hmacSha256(kService, "tc3_request");
  return { kDate, kService, kSigning };
}

/**
 * Sign one request.
 * @returns the Authorization header and the intermediate values (for tests against published vectors)
 * @throws TypeError when the SecretId, service or timestamp cannot appear in a TC3 header
 */
export async function signTc3(i: Tc3SignInput): Promise<Tc3Signature> {
  if (!/^[^/,\s]+$/.test(i.secretId)) throw new TypeError('"secretId" must be non-empty without "/", "," or spaces');
  if (!/^[^/,\s]+$/.test(i.service)) throw new TypeError('"service" must be non-empty without "/", "," or spaces');
  if (!Number.isInteger(i.timestamp) || i.timestamp < 0) throw new TypeError(`"timestamp" expected Unix seconds, got ${i.timestamp}`);
  const date = tc3Date(i.timestamp);
  const payloadHash = toHex(await sha256(i.payload));
  const signed = new Map<string, string>([["content-type", i.contentType], ["host", i.host]]);
  for (const [name, value] of Object.entries(i.extraHeaders ?? {})) {
    const lower = name.toLowerCase();
    if (!/^[a-z0-9-]+$/.test(lower) || signed.has(lower)) throw new TypeError(`"extraHeaders" has a bad or repeated header name: ${name}`);
    signed.set(lower, value);
  }
  const names = [...signed.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${signed.get(n)!.trim().toLowerCase()}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [i.method, "/", i.canonicalQuery ?? "", canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const canonicalRequestHash = toHex(await sha256(canonicalRequest));
  const scope = `${date}/${i.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(i.timestamp), scope, canonicalRequestHash].join("\n");
  const { kSigning } = await tc3SigningKeys(i.secretKey, date, i.service);
  const signature = toHex(await hmacSha256(kSigning, stringToSign));
  return {
    authorization: `${TC3_ALGORITHM} Credential=${i.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    signature, date, payloadHash, canonicalRequestHash,
  };
}

export { toHex };
