// Builds @openkms/browser: one ESM bundle per capability entry (esbuild, browser platform, code splitting so shared
// code and the lazily imported WebAssembly modules are separate chunks), then prints each entry's gzip size — what
// a page downloads up front (the entry and its static imports) and what it may fetch later (dynamic imports).
// Fails when a Node built-in is imported anywhere in the graph. Writes dist/sizes.json (read by bench:browser).
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { noNodeBuiltins } from "./no-node-builtins.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const ENTRIES = ["index", "encrypt", "verify", "client", "envelope"];

await rm(join(root, "dist"), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, `src/${e}.ts`])),
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  minify: true,
  sourcemap: true,
  metafile: true,
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  plugins: [noNodeBuiltins(root)],
  logLevel: "warning",
});

const outputs = result.metafile.outputs;
const gz = async (file) => gzipSync(await readFile(join(root, file)), { level: 9 }).length;
/** Files reached from `file` through static imports (what loads before the entry's code runs). */
function staticClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imp of outputs[file].imports) if (imp.kind === "import-statement") staticClosure(imp.path, seen);
  return seen;
}
function lazyClosure(file) {
  const eager = staticClosure(file);
  const lazy = new Set();
  for (const f of eager) for (const imp of outputs[f].imports) if (imp.kind === "dynamic-import") for (const g of staticClosure(imp.path)) if (!eager.has(g)) lazy.add(g);
  return lazy;
}
const sizes = {};
for (const e of ENTRIES) {
  const file = `dist/${e}.js`;
  let initial = 0, lazy = 0;
  for (const f of staticClosure(file)) initial += await gz(f);
  for (const f of lazyClosure(file)) lazy += await gz(f);
  sizes[e] = { initialGzipBytes: initial, lazyGzipBytes: lazy };
}
await writeFile(join(root, "dist", "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
console.log("entry                      gzip up front   + gzip loaded on first use (WASM modules)");
for (const e of ENTRIES) {
  const name = e === "index" ? "@openkms/browser" : `@openkms/browser/${e}`;
  console.log(`${name.padEnd(27)}${kb(sizes[e].initialGzipBytes)}      ${kb(sizes[e].lazyGzipBytes)}`);
}
