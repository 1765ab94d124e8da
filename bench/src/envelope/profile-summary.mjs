// Where the time goes in a .cpuprofile: self time per function (name, file, line), the top N, as shares of the
// profile's samples; plus the share of each coarse bucket: WASM functions; native = functions without a script
// (node:crypto's bindings such as the cipher's `update`, which run OpenSSL) and "(program)"; GC; idle; everything
// else = JavaScript.
import { basename } from "node:path";

export function summarize(profile, top = 8) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const fns = new Map();
  const buckets = { wasm: 0, native: 0, gc: 0, idle: 0, js: 0 };
  for (const [id, n] of counts) {
    const cf = byNode.get(id).callFrame;
    const name = cf.functionName || "(anonymous)";
    const file = cf.url ? basename(cf.url.replace(/^file:\/\//, "")) : "";
    const key = file ? `${name} (${file}:${cf.lineNumber + 1})` : name;
    fns.set(key, (fns.get(key) ?? 0) + n);
    if (cf.url.startsWith("wasm://") || /^\$?wasm-function|^\$/.test(name)) buckets.wasm += n;
    else if (name === "(program)" || (!cf.url && !name.startsWith("("))) buckets.native += n;
    else if (name === "(garbage collector)") buckets.gc += n;
    else if (name === "(idle)") buckets.idle += n;
    else buckets.js += n;
  }
  const rows = [...fns].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, n]) => ({ fn, share: n / total }));
  return { samples: total, top: rows, buckets: Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, v / total])) };
}
