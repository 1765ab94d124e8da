// The envelope report's view of a CPU profile, on top of cpuprofile-summary.mjs: the shares of coarse buckets
// (WASM, native = node:crypto's OpenSSL calls and other C++ without a script, GC, idle, everything else = JavaScript)
// and the top functions by self time.
import { summarise } from "../cpuprofile-summary.mjs";

/** @param path a .cpuprofile file */
export function profileBuckets(path, top = 8) {
  const s = summarise(path);
  const buckets = { wasm: 0, native: 0, gc: 0, idle: 0, js: 0 };
  for (const { name, share } of s.byArea) {
    if (name.startsWith("wasm://")) buckets.wasm += share;
    else if (name === "(native)" || name === "(program)") buckets.native += share;
    else if (name === "(gc)") buckets.gc += share;
    else if (name === "(idle)") buckets.idle += share;
    else buckets.js += share;
  }
  return { totalMs: s.totalMs, buckets, byArea: s.byArea.slice(0, top), top: s.byFunction.slice(0, top).map((f) => ({ fn: f.name, share: f.share })) };
}
