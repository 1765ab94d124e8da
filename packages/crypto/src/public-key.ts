/**
 * Public keys on every runtime: PEM (RFC 7468, label `PUBLIC KEY`) and SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7)
 * read with this package's strict DER reader, no `node:crypto` — what a browser needs to use the PEM that
 * `GetPublicKey` returns. Key types: RSA (rsaEncryption, RFC 8017 RSAPublicKey), SM2 and P-256 (id-ecPublicKey with
 * the named curve, RFC 5480; points checked on the curve), ML-KEM-768 and ML-DSA-65 (NIST OIDs, FIPS 203/204 raw
 * keys inside, draft-ietf-lamps-kyber-certificates / dilithium-certificates).
 *
 * Errors: a value that is not a string / Uint8Array → `TypeError`; anything malformed, of another type or curve,
 * or an RSA modulus outside 2048..4096 bits → `InvalidKeyError` (code `INVALID_KEY`, the message says what).
 */
import { bytesToNumberBE } from "@noble/curves/utils.js";
import { p256 } from "@noble/curves/nist.js";
import { DerError, DerReader, TAG, oid, readSequence, tlv } from "./_der.js";
import { InvalidKeyError } from "./_errors.js";
import { parsePqcSpki } from "./_pqc-spki.js";
import { abytes } from "./_validate.js";
import { Point as Sm2Point } from "./_sm2-curve.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** A parsed public key. `spki` is the DER it came from. */
export type PublicKeyInfo =
  | { type: "RSA"; spki: Uint8Array; /** n */ modulus: bigint; /** e */ exponent: bigint; /** modulus length in bits */ bits: number }
  | { type: "SM2"; spki: Uint8Array; /** 65 B, 0x04 ‖ x ‖ y */ point: Uint8Array }
  | { type: "P-256"; spki: Uint8Array; /** 65 B, 0x04 ‖ x ‖ y */ point: Uint8Array }
  | { type: "ML-KEM-768"; spki: Uint8Array; /** encapsulation key, 1184 B */ key: Uint8Array }
  | { type: "ML-DSA-65"; spki: Uint8Array; /** 1952 B */ key: Uint8Array };

export type PublicKeyType = PublicKeyInfo["type"];

const OID_RSA = oid("1.2.840.113549.1.1.1");
const OID_EC = oid("1.2.840.10045.2.1");
const OID_P256 = oid("1.2.840.10045.3.1.7");
const OID_SM2 = oid("1.2.156.10197.1.301");
const OID_ML_KEM_768 = "2.16.840.1.101.3.4.4.2";
const OID_ML_DSA_65 = "2.16.840.1.101.3.4.3.18";
/** RSA moduli accepted, in bits. */
export const RSA_BITS = Object.freeze({ min: 2048, max: 4096 });

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

const PEM_RE = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----\s*$/;

/**
 * One PEM block → its label and DER bytes (RFC 7468 §2; strict base64, whitespace between lines ignored).
 * @throws TypeError when `pem` is not a string; InvalidKeyError when it is not exactly one PEM block
 */
export function fromPem(pem: string): { label: string; der: Uint8Array } {
  if (typeof pem !== "string") throw new TypeError(`"pem" expected string, got ${pem === null ? "null" : typeof pem}`);
  const m = PEM_RE.exec(pem);
  if (!m) throw new InvalidKeyError("not a PEM block");
  const body = m[2]!.replace(/\s+/g, "");
  if (body.length === 0 || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body)) {
    throw new InvalidKeyError("bad base64 in PEM");
  }
  const bin = atob(body);
  const der = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
  return { label: m[1]!, der };
}

function ecPoint(type: "SM2" | "P-256", bytes: Uint8Array): Uint8Array {
  try {
    const pt = (type === "SM2" ? Sm2Point : p256.Point).fromBytes(bytes);
    pt.assertValidity();
    if (pt.is0()) throw new Error("infinity");
    return pt.toBytes(false);
  } catch {
    throw new InvalidKeyError(`${type} public key is not a point on the curve`);
  }
}

/**
 * SubjectPublicKeyInfo DER → the key.
 * @throws TypeError when `spki` is not a Uint8Array; InvalidKeyError for malformed DER, unsupported algorithms or
 *   curves, points off the curve, RSA moduli outside {@link RSA_BITS} or even/too-small exponents
 */
export function parseSpki(spki: Uint8Array): PublicKeyInfo {
  abytes(spki, undefined, "spki");
  try {
    const outer = readSequence(spki);
    const alg = new DerReader(outer.read(TAG.SEQUENCE));
    const algOid = tlv(TAG.OID, alg.read(TAG.OID));
    if (eq(algOid, OID_RSA)) {
      alg.read(TAG.NULL); // RFC 8017 A.1: parameters NULL
      alg.end();
      const bits = outer.read(TAG.BIT_STRING);
      outer.end();
      if (bits[0] !== 0) throw new InvalidKeyError("bad BIT STRING");
      const rsa = readSequence(bits.subarray(1));
      const modulus = rsa.readUnsignedInteger();
      const exponent = rsa.readUnsignedInteger();
      rsa.end();
      const size = modulus.toString(2).length;
      if (size < RSA_BITS.min || size > RSA_BITS.max) throw new InvalidKeyError(`RSA modulus ${size} bits, expected ${RSA_BITS.min}..${RSA_BITS.max}`);
      if (exponent < 3n || exponent % 2n === 0n || exponent >= modulus) throw new InvalidKeyError("RSA public exponent invalid");
      return { type: "RSA", spki, modulus, exponent, bits: size };
    }
    if (eq(algOid, OID_EC)) {
      const curve = tlv(TAG.OID, alg.read(TAG.OID));
      alg.end();
      const bits = outer.read(TAG.BIT_STRING);
      outer.end();
      if (bits[0] !== 0) throw new InvalidKeyError("bad BIT STRING");
      if (eq(curve, OID_SM2)) return { type: "SM2", spki, point: ecPoint("SM2", bits.subarray(1)) };
      if (eq(curve, OID_P256)) return { type: "P-256", spki, point: ecPoint("P-256", bits.subarray(1)) };
      throw new InvalidKeyError("unsupported elliptic curve");
    }
    if (eq(algOid, oid(OID_ML_KEM_768))) return { type: "ML-KEM-768", spki, key: parsePqcSpki(OID_ML_KEM_768, 1184, "ML-KEM-768", spki) };
    if (eq(algOid, oid(OID_ML_DSA_65))) return { type: "ML-DSA-65", spki, key: parsePqcSpki(OID_ML_DSA_65, 1952, "ML-DSA-65", spki) };
    throw new InvalidKeyError("unsupported public key algorithm");
  } catch (err) {
    if (err instanceof DerError) throw new InvalidKeyError("malformed SubjectPublicKeyInfo");
    throw err;
  }
}

/**
 * A PEM public key (label `PUBLIC KEY`), e.g. `GetPublicKey`'s `PublicKeyPem` → the key.
 * @throws TypeError when `pem` is not a string; InvalidKeyError for other labels (private keys, certificates) and
 *   everything {@link parseSpki} refuses
 */
export function parsePublicKeyPem(pem: string): PublicKeyInfo {
  const { label, der } = fromPem(pem);
  if (label !== "PUBLIC KEY") throw new InvalidKeyError(`unsupported PEM label "${label}", expected "PUBLIC KEY"`);
  return parseSpki(der);
}

/** Big-endian bytes of a non-negative bigint, left-padded to `length`. */
export function bigintToBytes(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, x >>= 8n) out[i] = Number(x & 0xffn);
  return out;
}

export { bytesToNumberBE as bytesToBigint };
