/**
 * A FIFO of byte chunks read without copying: `take(n)` returns views of the queued chunks. Chunks are held until
 * taken (callers must not change a chunk after handing it over, as with any stream).
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The byte at `i` (< length). */
  byteAt(i: number): number {
    let k = this.head + i;
    for (const c of this.chunks) {
      if (k < c.length) return c[k]!;
      k -= c.length;
    }
    throw new RangeError("ByteQueue.byteAt past the end");
  }

  /** A copy of the first `n` (≤ length) bytes, without removing them. */
  peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let off = 0;
    let first = true;
    for (const c of this.chunks) {
      if (off >= n) break;
      const src = first ? c.subarray(this.head) : c;
      first = false;
      const m = Math.min(src.length, n - off);
      out.set(src.subarray(0, m), off);
      off += m;
    }
    return out;
  }

  /** Removes and returns the first `n` (≤ length) bytes as views, in order. */
  take(n: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (n > 0) {
      const c = this.chunks[0]!;
      const avail = c.length - this.head;
      if (avail <= n) {
        out.push(this.head === 0 ? c : c.subarray(this.head));
        this.chunks.shift();
        this.head = 0;
        n -= avail;
        this.total -= avail;
      } else {
        out.push(c.subarray(this.head, this.head + n));
        this.head += n;
        this.total -= n;
        n = 0;
      }
    }
    return out;
  }

  /** Drops the first `n` (≤ length) bytes. */
  skip(n: number): void {
    this.take(n);
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }
}
