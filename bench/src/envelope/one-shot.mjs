// The WASM SM4-GCM one-shot rate (`@openkms/crypto/sm4-gcm`: sm4Gcm.seal/open, and a prepared sm4GcmKey) on whole
// buffers of a frame's size: what the SM4 envelope's frames cost at best, for the SM4 target.
import { randomBytes } from "node:crypto";
import { sm4Gcm, sm4GcmKey } from "@openkms/crypto/sm4-gcm";

function rate(fn, bytes, budgetMs) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    n++;
    if ((n & 3) === 0) t = performance.now();
  } while (t - t0 < budgetMs || n < 5);
  t = performance.now();
  return (bytes * n) / 1e6 / ((t - t0) / 1000);
}

/** MB/s of seal and open, one-shot and prepared-key, at each size. */
export function sm4GcmOneShot(sizes, budgetMs) {
  const key = new Uint8Array(randomBytes(16));
  const nonce = new Uint8Array(randomBytes(12));
  const prepared = sm4GcmKey(key);
  const rows = [];
  for (const size of sizes) {
    const pt = new Uint8Array(randomBytes(size));
    const sealed = sm4Gcm.seal(key, nonce, pt);
    rows.push({
      size,
      sealMBps: rate(() => sm4Gcm.seal(key, nonce, pt), size, budgetMs),
      openMBps: rate(() => sm4Gcm.open(key, nonce, sealed), size, budgetMs),
      preparedSealMBps: rate(() => prepared.seal(nonce, pt), size, budgetMs),
      preparedOpenMBps: rate(() => prepared.open(nonce, sealed), size, budgetMs),
    });
  }
  prepared.dispose();
  return rows;
}
