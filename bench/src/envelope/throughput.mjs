// Streamed throughput of one implementation at one message size: encrypt from the generated source into a counting
// sink (the first run's ciphertext kept), then decrypt that ciphertext replayed in the chunks the encryptor wrote.
// Messages ≤ 1 MiB repeat until BUDGET_MS has passed (at least 3 runs); 64 MiB runs twice; 1 GiB once.
import { MiB, replay, sink, source, timed } from "./streams.mjs";

const runsFor = (size) => (size <= MiB ? Infinity : size <= 64 * MiB ? 2 : 1);

/** @returns { encryptMBps, decryptMBps, runs, ciphertextBytes } (MB = 10^6 bytes) */
export async function throughput(impl, size, budgetMs) {
  const maxRuns = runsFor(size);
  let kept;
  let encMs = 0;
  let encRuns = 0;
  do {
    const { stream, meta } = impl.encrypt();
    const out = sink(kept === undefined);
    encMs += await timed(source(size), stream, out);
    if (kept === undefined) kept = { chunks: out.chunks, bytes: out.bytes, meta: meta() };
    encRuns++;
  } while (encRuns < maxRuns && (encMs < budgetMs || encRuns < 3));

  let decMs = 0;
  let decRuns = 0;
  do {
    const out = sink(false);
    decMs += await timed(replay(kept.chunks), impl.decrypt(kept.meta), out);
    if (out.bytes !== size) throw new Error(`${impl.id} ${size}: decrypted ${out.bytes} bytes, expected ${size}`);
    decRuns++;
  } while (decRuns < maxRuns && (decMs < budgetMs || decRuns < 3));
  const ciphertextBytes = kept.bytes;
  kept = undefined;
  return {
    encryptMBps: (size * encRuns) / 1e6 / (encMs / 1000),
    decryptMBps: (size * decRuns) / 1e6 / (decMs / 1000),
    runs: { encrypt: encRuns, decrypt: decRuns },
    ciphertextBytes,
  };
}
