/**
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) for the NIST post-quantum algorithms: AlgorithmIdentifier with the
 * algorithm OID and parameters absent, subjectPublicKey = the raw public key as a BIT STRING with 0 unused bits
 * (the encoding of RFC 9935 §4 for ML-KEM and RFC 9881 §4 for ML-DSA).
 */
import { DerError, DerReader, TAG, bitString, oid, readSequence, sequence, tlv } from "./_der.js";
import { InvalidKeyError } from "./_errors.js";
import { abytes } from "./_validate.js";

const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** SPKI DER of a raw public key under the algorithm OID (dotted form). */
export function encodePqcSpki(dottedOid: string, publicKey: Uint8Array): Uint8Array {
  return sequence(sequence(oid(dottedOid)), bitString(publicKey));
}

/**
 * The raw public key inside SPKI DER, strictly: the given OID, no parameters, no unused bits, exactly `length` bytes.
 * @throws InvalidKeyError for anything else
 */
export function parsePqcSpki(dottedOid: string, length: number, name: string, spki: Uint8Array): Uint8Array {
  abytes(spki, undefined, "spki");
  try {
    const outer = readSequence(spki);
    const alg = new DerReader(outer.read(TAG.SEQUENCE));
    const algOid = tlv(TAG.OID, alg.read(TAG.OID));
    alg.end();
    if (!eq(algOid, oid(dottedOid))) throw new InvalidKeyError(`not an ${name} public key`);
    const bits = outer.read(TAG.BIT_STRING);
    outer.end();
    if (bits[0] !== 0 || bits.length !== length + 1) throw new InvalidKeyError(`${name} public key must be ${length} bytes`);
    return bits.slice(1);
  } catch (err) {
    if (err instanceof DerError) throw new InvalidKeyError("malformed SubjectPublicKeyInfo");
    throw err;
  }
}
