/**
 * Public and private key encodings for the asymmetric key types of OpenKMS:
 *
 * - public keys as SubjectPublicKeyInfo DER (RFC 5280 §4.1.2.7) and PEM (RFC 7468 §13, label `PUBLIC KEY`,
 *   64-column base64 lines, trailing newline), the shape of `GetPublicKey`;
 * - parsing a PEM public key back (`EncryptionPublicKey`: RSA-2048 or SM2) into the raw form each algorithm takes;
 * - private keys as PKCS#8 DER (RFC 5208 / RFC 5958 OneAsymmetricKey v1) and back, so they can be stored wrapped.
 *
 * Key forms per type (what `rsa.ts`, `sm2.ts`, `ecdsa-p256.ts` take):
 *
 * | type    | public key                       | secret key                  |
 * | ------- | -------------------------------- | --------------------------- |
 * | `RSA`   | SPKI DER (rsaEncryption)         | PKCS#8 DER                  |
 * | `SM2`   | 65 B 0x04 ‖ x ‖ y                | 32 B scalar                 |
 * | `P-256` | 65 B 0x04 ‖ x ‖ y                | 32 B scalar                 |
 * | `P-384` | 97 B 0x04 ‖ x ‖ y                | 48 B scalar                 |
 *
 * EC keys use id-ecPublicKey (RFC 5480 §2.1.1) with namedCurve prime256v1 (1.2.840.10045.3.1.7), secp384r1
 * (1.3.132.0.34) or the SM2 curve
 * OID 1.2.156.10197.1.301 (GM/T 0006), the form `openssl pkey -pubin` loads. EC private keys are PKCS#8 wrapping
 * an RFC 5915 ECPrivateKey with the public key, as OpenSSL writes them.
 *
 * Errors: anything malformed, of another type, curve or size → `InvalidKeyError` (code `INVALID_KEY`).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { p256, p384 } from "@noble/curves/nist.js";
import { DerError, DerReader, TAG, bitString, integer, octetString, oid, readSequence, sequence, tlv } from "./_der.js";
import { InvalidKeyError } from "./_errors.js";
import { abytes } from "./_validate.js";
import { Point as Sm2Point, getPublicKey as sm2GetPublicKey } from "./sm2.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** The asymmetric key types OpenKMS handles. */
export type KeyType = "RSA" | "SM2" | "P-256" | "P-384";
/** The curve-based key types. */
export type EcKeyType = "SM2" | "P-256" | "P-384";
const EC_TYPES = ["SM2", "P-256", "P-384"] as const;

/** Scalar (secret key, coordinate) length in bytes per curve; public keys are 1 + 2 × this. */
const SCALAR: Record<EcKeyType, number> = { SM2: 32, "P-256": 32, "P-384": 48 };

const OID_RSA = oid("1.2.840.113549.1.1.1");
const OID_EC_PUBLIC_KEY = oid("1.2.840.10045.2.1");
const OID_CURVE: Record<EcKeyType, Uint8Array> = {
  "P-256": oid("1.2.840.10045.3.1.7"),
  "P-384": oid("1.3.132.0.34"), // secp384r1 (RFC 5480 §2.1.1.1)
  SM2: oid("1.2.156.10197.1.301"),
};
const DER_NULL = Uint8Array.of(TAG.NULL, 0);

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

function curvePoint(type: EcKeyType) {
  return type === "SM2" ? Sm2Point : type === "P-384" ? p384.Point : p256.Point;
}

/** Validates an EC point (compressed or uncompressed) on `type`'s curve; returns 0x04 ‖ x ‖ y (65 B; P-384: 97 B). */
function uncompressedPoint(type: EcKeyType, bytes: Uint8Array): Uint8Array {
  try {
    const pt = curvePoint(type).fromBytes(bytes);
    pt.assertValidity();
    if (pt.is0()) throw new Error("infinity");
    return pt.toBytes(false);
  } catch {
    throw new InvalidKeyError(`${type} public key is not a point on the curve`);
  }
}

/**
 * SubjectPublicKeyInfo DER of a public key.
 * @param type key type
 * @param publicKey RSA: SPKI DER (checked, returned re-encoded); SM2 / P-256: 65 B, P-384: 97 B, 0x04 ‖ x ‖ y
 * @returns SPKI DER (EC: 91 B; RSA-2048: 294 B)
 * @throws InvalidKeyError when the key is malformed or not on the curve
 */
export function encodePublicKey(type: KeyType, publicKey: Uint8Array): Uint8Array {
  if (type === "RSA") {
    abytes(publicKey, undefined, "publicKey");
    const parsed = parsePublicKey(publicKey);
    if (parsed.type !== "RSA") throw new InvalidKeyError(`expected an RSA public key, got ${parsed.type}`);
    return parsed.publicKey;
  }
  if (!(EC_TYPES as readonly string[]).includes(type)) throw new TypeError(`"type" unknown: ${String(type)}`);
  abytes(publicKey, 1 + 2 * SCALAR[type as EcKeyType], "publicKey");
  const point = uncompressedPoint(type, publicKey);
  return sequence(sequence(OID_EC_PUBLIC_KEY, OID_CURVE[type]), bitString(point));
}

/** A parsed public key in the form its algorithm module takes. */
export type ParsedPublicKey =
  | { type: "RSA"; /** SPKI DER */ publicKey: Uint8Array; /** modulus length in bits */ bits: number }
  | { type: EcKeyType; /** 0x04 ‖ x ‖ y: 65 B (SM2, P-256), 97 B (P-384) */ publicKey: Uint8Array };

/**
 * Parses SubjectPublicKeyInfo DER: RSA (rsaEncryption, any size; check `bits`), SM2 or P-256 (id-ecPublicKey with
 * the named curve; compressed points are accepted and returned uncompressed).
 * @throws InvalidKeyError for anything else (RSA-PSS-only keys, other curves, explicit parameters, bad points)
 */
export function parsePublicKey(spki: Uint8Array): ParsedPublicKey {
  abytes(spki, undefined, "spki");
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    throw new InvalidKeyError("not a SubjectPublicKeyInfo public key");
  }
  return fromKeyObject(key);
}

function fromKeyObject(key: KeyObject): ParsedPublicKey {
  // Re-export so the structure we read is OpenSSL's canonical DER, then read the algorithm ourselves.
  const der = new Uint8Array(key.export({ type: "spki", format: "der" }));
  try {
    const spki = readSequence(der);
    const alg = new DerReader(spki.read(TAG.SEQUENCE));
    const algOid = tlv(TAG.OID, alg.read(TAG.OID));
    if (eq(algOid, OID_RSA)) {
      const bits = key.asymmetricKeyDetails?.modulusLength;
      if (key.asymmetricKeyType !== "rsa" || bits === undefined) throw new InvalidKeyError("unsupported RSA key");
      return { type: "RSA", publicKey: der, bits };
    }
    if (eq(algOid, OID_EC_PUBLIC_KEY)) {
      const curveOid = tlv(TAG.OID, alg.read(TAG.OID));
      alg.end();
      const bits = spki.read(TAG.BIT_STRING);
      spki.end();
      if (bits[0] !== 0) throw new InvalidKeyError("bad BIT STRING");
      for (const type of EC_TYPES) {
        if (eq(curveOid, OID_CURVE[type])) return { type, publicKey: uncompressedPoint(type, bits.subarray(1)) };
      }
      throw new InvalidKeyError("unsupported elliptic curve");
    }
    throw new InvalidKeyError("unsupported public key algorithm");
  } catch (err) {
    if (err instanceof DerError) throw new InvalidKeyError("malformed SubjectPublicKeyInfo");
    throw err;
  }
}

/**
 * PEM text of DER bytes (RFC 7468): `-----BEGIN <label>-----`, base64 in 64-column lines, `-----END <label>-----`,
 * each line ending in `\n` (so the text ends with a newline).
 * @param label e.g. `PUBLIC KEY`, `PRIVATE KEY`
 */
export function toPem(label: string, der: Uint8Array): string {
  abytes(der, undefined, "der");
  const b64 = Buffer.from(der).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** SPKI PEM of a public key (the `PublicKeyPem` of GetPublicKey). Same arguments as {@link encodePublicKey}. */
export function encodePublicKeyPem(type: KeyType, publicKey: Uint8Array): string {
  return toPem("PUBLIC KEY", encodePublicKey(type, publicKey));
}

const PEM_RE = /^\s*-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\s]*?)-----END \1-----\s*$/;

/**
 * Reads one PEM block (RFC 7468 §2, strict base64 alphabet; whitespace between lines ignored).
 * @returns the label and the DER bytes
 * @throws InvalidKeyError when the text is not exactly one PEM block
 */
export function fromPem(pem: string): { label: string; der: Uint8Array } {
  if (typeof pem !== "string") throw new TypeError(`"pem" expected string, got ${typeof pem}`);
  const m = PEM_RE.exec(pem);
  if (!m) throw new InvalidKeyError("not a PEM block");
  const body = m[2]!.replace(/\s+/g, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body) || body.length === 0) {
    throw new InvalidKeyError("bad base64 in PEM");
  }
  return { label: m[1]!, der: new Uint8Array(Buffer.from(body, "base64")) };
}

/**
 * Parses a PEM public key (label `PUBLIC KEY`, i.e. SPKI, or `RSA PUBLIC KEY`, i.e. PKCS#1 RSAPublicKey), e.g. the
 * `EncryptionPublicKey` of Decrypt / GenerateDataKey. Callers check the type and size they accept
 * (`type === "RSA" && bits === 2048`, or `type === "SM2"`).
 * @throws InvalidKeyError for private keys, certificates, other labels, malformed or unsupported keys
 */
export function parsePublicKeyPem(pem: string): ParsedPublicKey {
  const { label, der } = fromPem(pem);
  if (label === "PUBLIC KEY") return parsePublicKey(der);
  if (label === "RSA PUBLIC KEY") {
    try {
      return fromKeyObject(createPublicKey({ key: Buffer.from(der), format: "der", type: "pkcs1" }));
    } catch (err) {
      if (err instanceof InvalidKeyError) throw err;
      throw new InvalidKeyError("malformed RSA PUBLIC KEY");
    }
  }
  throw new InvalidKeyError(`unsupported PEM label "${label}"`);
}

/**
 * PKCS#8 DER (RFC 5958 OneAsymmetricKey, version 0) of a secret key, for storage (wrapped) and for OpenSSL.
 * @param type key type
 * @param secretKey RSA: PKCS#8 DER (checked and returned re-encoded); SM2 / P-256: 32 B, P-384: 48 B scalar
 * @returns PKCS#8 DER (EC: 138 B, with the public key inside the RFC 5915 ECPrivateKey)
 * @throws InvalidKeyError when the key is malformed or out of range
 */
export function encodePrivateKey(type: KeyType, secretKey: Uint8Array): Uint8Array {
  if (type === "RSA") {
    abytes(secretKey, undefined, "secretKey");
    const parsed = parsePrivateKey(secretKey);
    if (parsed.type !== "RSA") throw new InvalidKeyError(`expected an RSA private key, got ${parsed.type}`);
    return parsed.secretKey;
  }
  if (!(EC_TYPES as readonly string[]).includes(type)) throw new TypeError(`"type" unknown: ${String(type)}`);
  abytes(secretKey, SCALAR[type as EcKeyType], "secretKey");
  let publicKey: Uint8Array;
  try {
    publicKey = type === "SM2" ? sm2GetPublicKey(secretKey) : type === "P-384" ? p384.getPublicKey(secretKey, false) : p256.getPublicKey(secretKey, false);
  } catch {
    throw new InvalidKeyError(`${type} secret key out of range`);
  }
  // RFC 5915 §3: ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }.
  // The curve is named in the PKCS#8 AlgorithmIdentifier, so [0] is omitted (as OpenSSL writes it).
  const ecPrivateKey = sequence(integer(1n), octetString(secretKey), tlv(0xa1, bitString(publicKey)));
  return sequence(integer(0n), sequence(OID_EC_PUBLIC_KEY, OID_CURVE[type]), octetString(ecPrivateKey));
}

/**
 * Parses PKCS#8 DER (unencrypted) into the form its algorithm module takes.
 * @returns RSA: `secretKey` = PKCS#8 DER (canonical re-encoding), `bits`; EC: `secretKey` = the scalar (32 B; P-384 48 B)
 * @throws InvalidKeyError for anything malformed or unsupported
 */
export function parsePrivateKey(
  pkcs8: Uint8Array,
): { type: "RSA"; secretKey: Uint8Array; bits: number } | { type: EcKeyType; secretKey: Uint8Array } {
  abytes(pkcs8, undefined, "pkcs8");
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  } catch {
    throw new InvalidKeyError("not a PKCS#8 private key");
  }
  const der = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  try {
    const info = readSequence(der);
    if (info.readUnsignedInteger() > 1n) throw new InvalidKeyError("unsupported PKCS#8 version");
    const alg = new DerReader(info.read(TAG.SEQUENCE));
    const algOid = tlv(TAG.OID, alg.read(TAG.OID));
    if (eq(algOid, OID_RSA)) {
      const bits = key.asymmetricKeyDetails?.modulusLength;
      if (key.asymmetricKeyType !== "rsa" || bits === undefined) throw new InvalidKeyError("unsupported RSA key");
      return { type: "RSA", secretKey: der, bits };
    }
    if (eq(algOid, OID_EC_PUBLIC_KEY)) {
      const curveOid = tlv(TAG.OID, alg.read(TAG.OID));
      const ec = readSequence(info.read(TAG.OCTET_STRING));
      if (ec.readUnsignedInteger() !== 1n) throw new InvalidKeyError("unsupported ECPrivateKey version");
      const d = ec.read(TAG.OCTET_STRING);
      for (const type of EC_TYPES) {
        if (eq(curveOid, OID_CURVE[type])) {
          if (d.length !== SCALAR[type]) throw new InvalidKeyError(`${type} private key must be ${SCALAR[type]} bytes`);
          const secretKey = new Uint8Array(d);
          der.fill(0); // only the copied scalar leaves; wipe the exported encoding
          return { type, secretKey };
        }
      }
      throw new InvalidKeyError("unsupported elliptic curve");
    }
    der.fill(0);
    throw new InvalidKeyError("unsupported private key algorithm");
  } catch (err) {
    if (err instanceof DerError) throw new InvalidKeyError("malformed PKCS#8");
    throw err;
  }
}
