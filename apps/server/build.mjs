// Bundles the `openkms` command into one ESM file. better-sqlite3 and pkcs11js stay external: they are native addons.
import { build } from "esbuild";
import { chmodSync, readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/openkms.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  // pg-native: pg's optional native binding, never used (the pure-JS client is). pkcs11js: a native addon.
  external: ["better-sqlite3", "pg-native", "pkcs11js"],
  banner: {
    // UV_THREADPOOL_SIZE: read by libuv when its pool first starts, so set before any work reaches it. 16 threads let
    // the audit log and the key store overlap their WAL fsyncs (packages/server/src/store/fsync-concurrency.ts) with
    // log writes and file reads to spare; a value the user set wins.
    js: "#!/usr/bin/env node\nimport { createRequire as __openkmsCreateRequire } from 'node:module'; const require = __openkmsCreateRequire(import.meta.url);\nprocess.env.UV_THREADPOOL_SIZE ??= '16';",
  },
  logLevel: "warning",
  define: { OPENKMS_VERSION: JSON.stringify(version) },
});
chmodSync("dist/openkms.js", 0o755);
