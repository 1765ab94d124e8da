// Streams for the envelope benchmark: a source that makes `size` bytes on the fly (one random 64 KiB block handed out
// again and again, so making data costs nothing), a sink that counts (and optionally keeps) what reaches it, and a
// timer around one pipeline.
import { randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
const CHUNK = 64 * KiB;
const block = randomBytes(CHUNK);

/** `size` bytes in 64 KiB chunks (the last one shorter), as a file read stream delivers them. */
export function source(size) {
  let left = size;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(n === CHUNK ? block : block.subarray(0, n));
    },
  });
}

/** The chunks of a kept ciphertext, replayed. */
export function replay(chunks) {
  let i = 0;
  return new Readable({
    read() {
      this.push(i < chunks.length ? chunks[i++] : null);
    },
  });
}

/** Counts bytes; keeps the chunks when `keep`. */
export function sink(keep = false) {
  const s = new Writable({
    highWaterMark: CHUNK,
    write(chunk, _enc, done) {
      s.bytes += chunk.length;
      if (keep) s.chunks.push(chunk);
      done();
    },
  });
  s.bytes = 0;
  s.chunks = [];
  return s;
}

/** Milliseconds one pipeline of these streams takes. */
export async function timed(...streams) {
  const t0 = performance.now();
  await pipeline(...streams);
  return performance.now() - t0;
}
