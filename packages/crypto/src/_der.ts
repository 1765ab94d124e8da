/**
 * A tiny, strict DER (ITU-T X.690 §10) writer and reader for the few fixed structures this package needs:
 * ECDSA/SM2 signatures (SEQUENCE of two INTEGERs), GM/T 0009 SM2 ciphertexts, and EC SubjectPublicKeyInfo /
 * PKCS#8 templates. Not a general ASN.1 library: definite lengths only, minimal length and INTEGER encodings only,
 * no trailing bytes. Every violation throws {@link DerError} so callers can map it to their own single error.
 */

/** Thrown for any input that is not strict DER of the expected shape. Recognise by `code === "DER_INVALID"`. */
export class DerError extends Error {
  readonly code = "DER_INVALID" as const;
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

/** X.690 §8.1.3: definite length, short form below 128, otherwise the minimal long form. */
function encodeLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Tag ‖ length ‖ content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), encodeLength(body.length), body]);
}

/** INTEGER holding a non-negative value, minimal two's-complement encoding (X.690 §8.3.2). */
export function integer(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError("DER INTEGER: negative values are not used here");
  let hex = value.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let bytes: Uint8Array = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  if (bytes[0]! & 0x80) bytes = concat([Uint8Array.of(0), bytes]);
  return tlv(TAG.INTEGER, bytes);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...items);
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, bytes);
/** BIT STRING with zero unused bits (X.690 §8.6.2). */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, Uint8Array.of(0), bytes);

/** OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const first = arcs[0]! * 40n + arcs[1]!;
  const out: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const group: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

/** Sequential strict reader over one DER buffer. */
export class DerReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  /** Reads one element with tag `tag` and returns its content (a view into the input). */
  read(tag: number): Uint8Array {
    const b = this.buf;
    if (this.pos + 2 > b.length) throw new DerError("truncated element");
    if (b[this.pos] !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, got 0x${b[this.pos]!.toString(16)}`);
    let len = b[this.pos + 1]!;
    let off = this.pos + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      // 0x80 is the indefinite form (BER only); more than 3 length bytes is never needed here.
      if (n === 0 || n > 3) throw new DerError("indefinite or oversized length");
      if (off + n > b.length) throw new DerError("truncated length");
      if (b[off] === 0) throw new DerError("non-minimal length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[off + i]!;
      if (len < 0x80) throw new DerError("non-minimal length");
      off += n;
    }
    if (off + len > b.length) throw new DerError("truncated content");
    this.pos = off + len;
    return b.subarray(off, off + len);
  }

  /** Reads a non-negative INTEGER, rejecting empty, negative and non-minimal encodings (X.690 §8.3.2). */
  readUnsignedInteger(): bigint {
    const c = this.read(TAG.INTEGER);
    if (c.length === 0) throw new DerError("empty INTEGER");
    if (c[0]! & 0x80) throw new DerError("negative INTEGER");
    if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) throw new DerError("non-minimal INTEGER");
    let v = 0n;
    for (const byte of c) v = (v << 8n) | BigInt(byte);
    return v;
  }

  /** Throws unless every byte was consumed. */
  end(): void {
    if (this.pos !== this.buf.length) throw new DerError("trailing bytes");
  }
}

/**
 * An (r, s) signature, `SEQUENCE { INTEGER r, INTEGER s }` (ECDSA: SEC 1 / RFC 3279 Ecdsa-Sig-Value; SM2: GB/T
 * 32918.2), in strict DER.
 * @returns r and s (non-negative; the caller checks their range), or undefined for anything that is not exactly that
 *   (BER forms, trailing bytes, negative or non-minimal INTEGERs)
 */
export function parseRsSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  try {
    const seq = readSequence(der);
    const r = seq.readUnsignedInteger();
    const s = seq.readUnsignedInteger();
    seq.end();
    return { r, s };
  } catch (err) {
    if (err instanceof DerError) return undefined;
    throw err;
  }
}

/** Reads the single top-level SEQUENCE of `der` (no trailing bytes) and returns a reader over its content. */
export function readSequence(der: Uint8Array): DerReader {
  const outer = new DerReader(der);
  const content = outer.read(TAG.SEQUENCE);
  outer.end();
  return new DerReader(content);
}
