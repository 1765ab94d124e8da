// Streamed throughput of one implementation at one message size: encrypt from the generated source into a counting
// sink (the first run's ciphertext kept), then decrypt that ciphertext replayed in the chunks the encryptor wrote.
// Messages ≤ 1 MiB repeat until budgetMs has passed (at least 3 runs); larger ones run once. Both the wall time and
// the process's CPU time (user + system, all threads: GC helpers included) are measured; on a shared machine the
// CPU-time rate moves far less with other processes' load than the wall-clock rate.
import { MiB, replay, sink, source, timed } from "./streams.mjs";

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function repeat(size, budgetMs, once) {
  const many = size <= MiB;
  let wall = 0, cpu = 0, runs = 0;
  do {
    const c0 = cpuMs();
    wall += await once(runs);
    cpu += cpuMs() - c0;
    runs++;
  } while (many && (wall < budgetMs || runs < 3));
  return { MBps: (size * runs) / 1e6 / (wall / 1000), cpuMBps: (size * runs) / 1e6 / (cpu / 1000), runs };
}

/** @returns { encryptMBps, decryptMBps, encryptCpuMBps, decryptCpuMBps, runs, ciphertextBytes } (MB = 10^6 bytes) */
export async function throughput(impl, size, budgetMs) {
  let kept;
  const enc = await repeat(size, budgetMs, async (i) => {
    const { stream, meta } = impl.encrypt();
    const out = sink(i === 0);
    const ms = await timed(source(size), stream, out);
    if (i === 0) kept = { chunks: out.chunks, bytes: out.bytes, meta: meta() };
    return ms;
  });
  const dec = await repeat(size, budgetMs, async () => {
    const out = sink(false);
    const ms = await timed(replay(kept.chunks), impl.decrypt(kept.meta), out);
    if (out.bytes !== size) throw new Error(`${impl.id} ${size}: decrypted ${out.bytes} bytes, expected ${size}`);
    return ms;
  });
  return {
    encryptMBps: enc.MBps, decryptMBps: dec.MBps, encryptCpuMBps: enc.cpuMBps, decryptCpuMBps: dec.cpuMBps,
    runs: { encrypt: enc.runs, decrypt: dec.runs }, ciphertextBytes: kept.bytes,
  };
}

/**
 * The best of `rounds` interleaved measurements of each implementation at `size` (each round runs every
 * implementation once, so a burst of load from other processes hits all of them rather than one): the highest
 * wall-clock and the highest CPU-time rate of each direction.
 */
export async function bestOfRounds(impls, size, budgetMs, rounds, log) {
  const best = new Map();
  for (let r = 0; r < rounds; r++) {
    for (const impl of impls) {
      const m = await throughput(impl, size, budgetMs);
      log?.(`round ${r + 1}/${rounds} ${impl.id} ${size}: encrypt ${m.encryptMBps.toFixed(1)} MB/s (${m.encryptCpuMBps.toFixed(1)} per CPU-s), decrypt ${m.decryptMBps.toFixed(1)} (${m.decryptCpuMBps.toFixed(1)})`);
      const b = best.get(impl.id);
      if (!b) best.set(impl.id, { ...m, rounds: 1 });
      else {
        for (const k of ["encryptMBps", "decryptMBps", "encryptCpuMBps", "decryptCpuMBps"]) b[k] = Math.max(b[k], m[k]);
        b.rounds++;
      }
    }
  }
  return best;
}
