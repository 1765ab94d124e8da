/**
 * How many fsyncs (`fdatasync` of a WAL) one log may have running at once on libuv's thread pool. Overlapping fsyncs
 * of one file share the file system's journal commits and let a commit's fsync start at once instead of waiting for
 * the one before it to end, which is what sets a request's latency when every answer waits for its durable record.
 *
 * The pool has `UV_THREADPOOL_SIZE` threads (4 by default; `openkms serve` asks for 16): 3 in flight with the default
 * pool (as before), otherwise the pool less 4 threads kept for everything else (log writes, file reads), at most 8.
 */
function poolSize(): number {
  const n = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

const size = poolSize();
export const FSYNCS_IN_FLIGHT = size <= 4 ? 3 : Math.max(3, Math.min(8, size - 4));
