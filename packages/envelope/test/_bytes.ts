/** Test data helpers. */
import { Readable } from "node:stream";

/** `n` bytes of a fixed pattern (byte i = (31·i + seed) mod 256). */
export function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** Splits `data` into chunks of pseudo-random sizes 1..max (deterministic). */
export function chunked(data: Uint8Array, max: number, seed = 7): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = seed;
  for (let off = 0; off < data.length;) {
    s = (s * 1103515245 + 12345) >>> 0;
    const n = Math.min(data.length - off, 1 + (s % max));
    out.push(data.slice(off, off + n));
    off += n;
  }
  return out;
}

/** A readable stream of the given chunks. */
export function readableOf(chunks: readonly Uint8Array[]): Readable {
  return Readable.from(chunks.map((c) => Buffer.from(c)), { objectMode: false });
}

/** Writes `chunks` through a WHATWG TransformStream; resolves with the output chunks or rejects with its error. */
export async function throughWeb(ts: TransformStream<Uint8Array, Uint8Array>, chunks: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reading = (async () => {
    for await (const c of ts.readable as unknown as AsyncIterable<Uint8Array>) out.push(c);
  })();
  const w = ts.writable.getWriter();
  const writing = (async () => {
    for (const c of chunks) await w.write(c);
    await w.close();
  })();
  await Promise.all([writing.catch(() => undefined), reading]);
  await writing;
  return out;
}
