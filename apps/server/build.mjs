// Bundles the `openkms` command into one ESM file. better-sqlite3 stays external: it is a native addon.
import { build } from "esbuild";
import { chmodSync } from "node:fs";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/openkms.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: ["better-sqlite3"],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __openkmsCreateRequire } from 'node:module'; const require = __openkmsCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
chmodSync("dist/openkms.js", 0o755);
