// Summarise a V8 .cpuprofile (node --cpu-prof): self time by function and by area (file / package), as shares of the
// samples. `node src/cpuprofile-summary.mjs <file.cpuprofile> [top]` prints both tables; api.mjs uses summarise().
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** Which part of the stack a call frame belongs to, from its URL. */
function areaOf(url, functionName) {
  if (!url) return functionName === "(garbage collector)" ? "(gc)" : functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(packages|apps)\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}/${own[3]}`;
  if (url.startsWith("node:")) return url.split("/")[0] === "node:internal" ? url.replace(/^node:internal\//, "node:").split("/")[0] : url;
  return url.replace(/^file:\/\/.*\//, "");
}

/**
 * @param {string} path a .cpuprofile file
 * @returns {{ totalMs: number, byArea: {name: string, share: number}[], byFunction: {name: string, share: number}[] }}
 */
export function summarise(path) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    hits.set(id, (hits.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...hits.values()].reduce((a, b) => a + b, 0) || 1;
  const area = new Map();
  const fn = new Map();
  for (const [id, us] of hits) {
    const { callFrame } = byId.get(id);
    const a = areaOf(callFrame.url, callFrame.functionName);
    area.set(a, (area.get(a) ?? 0) + us);
    const f = `${callFrame.functionName || "(anonymous)"} ${a}:${callFrame.lineNumber + 1}`;
    fn.set(f, (fn.get(f) ?? 0) + us);
  }
  // Inclusive time: every function on a sample's stack is charged once for it.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  for (const [id, us] of hits) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { callFrame } = byId.get(cur);
      const f = `${callFrame.functionName || "(anonymous)"} ${areaOf(callFrame.url, callFrame.functionName)}:${callFrame.lineNumber + 1}`;
      if (seen.has(f)) continue;
      seen.add(f);
      incl.set(f, (incl.get(f) ?? 0) + us);
    }
  }
  const rank = (m) => [...m].sort((x, y) => y[1] - x[1]).map(([name, us]) => ({ name, share: us / total }));
  return { totalMs: total / 1000, byArea: rank(area), byFunction: rank(fn), inclusive: rank(incl) };
}

/**
 * The server's busy time by part of a request (shares of non-idle samples; inclusive, so nested parts overlap: the
 * principal lookup is inside the TC3 verification).
 */
export function requestParts(s) {
  const inApp = (fn) => s.inclusive.filter((r) => r.name.startsWith(`${fn} `) && /apps\/server|packages\/server/.test(r.name)).reduce((a, r) => Math.max(a, r.share), 0);
  const self = (prefix) => s.byFunction.find((r) => r.name.startsWith(prefix))?.share ?? 0;
  const busy = 1 - self("(idle)");
  const parts = {
    "audit append (commit, fsync, checkpoint)": inApp("flush") + inApp("startSync") + inApp("settle") + inApp("syncLoop"),
    "TC3 verification (incl. principal lookup)": inApp("verifyTc3"),
    "principal lookup (credential, account, SecretKey unwrap)": inApp("resolvePrincipal"),
    "key record + material + seal/open": inApp("loadKey") + inApp("sealUnderKey") + inApp("openBlob"),
    "request log line (pino)": inApp("LOG"),
    "parameter validation (zod)": inApp("parseParams"),
    "garbage collection": self("(garbage collector)"),
  };
  return { busy, parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v / busy])) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const top = Number(process.argv[3] ?? 25);
  const s = summarise(process.argv[2]);
  const pct = (x) => `${(x * 100).toFixed(1).padStart(5)}%`;
  console.log(`total ${s.totalMs.toFixed(0)} ms sampled\n\nby area:`);
  for (const r of s.byArea.slice(0, top)) console.log(`${pct(r.share)}  ${r.name}`);
  console.log("\nby function (self):");
  for (const r of s.byFunction.slice(0, top)) console.log(`${pct(r.share)}  ${r.name}`);
  const { busy, parts } = requestParts(s);
  console.log(`\nbusy ${(busy * 100).toFixed(1)}% of samples; parts of a request (of busy time):`);
  for (const [k, v] of Object.entries(parts)) console.log(`${pct(v)}  ${k}`);
  console.log("\nby function (inclusive):");
  for (const r of s.inclusive.slice(0, top * 2)) console.log(`${pct(r.share)}  ${r.name}`);
}
