/**
 * `@openkms/envelope`, `@openkms/client`, `@openkms/crypto` and `@openkms/core-wasm` install from their `pnpm pack`
 * tarballs into a project outside the workspace (`npm install ./*.tgz`) and work there: a RawKeyring round trip in
 * both suites, one-shot and through the Node Transforms. The tarballs carry real versions, not `workspace:*`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGES = ["core-wasm", "crypto", "client", "envelope"];
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_loglevel: "error" } });

const SCRIPT = `
import { createHash } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { encrypt, decrypt, RawKeyring, EnvelopeError } from "@openkms/envelope";
import { encryptTransform, decryptTransform } from "@openkms/envelope/node";
import { KmsClient } from "@openkms/client";
const keyring = new RawKeyring({ keyName: "packed", key: new Uint8Array(32).fill(42) });
const out = {};
for (const suite of ["AES_256_GCM", "SM4_GCM"]) {
  const pt = new TextEncoder().encode("hello from outside the workspace, " + suite);
  const ct = await encrypt(pt, { keyring, suite, encryptionContext: { where: "tarball" } });
  const back = await decrypt(ct, { keyring, encryptionContext: { where: "tarball" } });
  out[suite] = { same: Buffer.from(back.plaintext).equals(Buffer.from(pt)), suite: back.header.suite };
}
const data = Buffer.alloc(300000, 7);
const parts = [];
await pipeline(Readable.from([data]), encryptTransform({ keyring, frameLength: 4096 }), decryptTransform({ keyring }),
  new Writable({ write(c, e, cb) { parts.push(c); cb(); } }));
out.stream = Buffer.concat(parts).equals(data);
try { await decrypt(new Uint8Array([9, 9, 9]), { keyring }); } catch (e) { out.error = e instanceof EnvelopeError ? e.code : String(e); }
out.client = typeof KmsClient;
console.log(JSON.stringify(out));
`;

describe("packaging", () => {
  const dir = mkdtempSync(join(tmpdir(), "openkms-envelope-pack-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the packed tarballs install with npm outside the workspace and round-trip there", () => {
    const tarballs: string[] = [];
    for (const p of PACKAGES) {
      const before = new Set(readdirSync(dir));
      run("npx", ["-y", "pnpm@12.4.2", "pack", "--pack-destination", dir], join(packagesDir, p));
      const made = readdirSync(dir).filter((f) => f.endsWith(".tgz") && !before.has(f));
      expect(made, p).toHaveLength(1);
      tarballs.push(made[0]!);
    }
    for (const t of tarballs) {
      const manifest = JSON.parse(run("tar", ["-xzOf", t, "package/package.json"], dir)) as Record<string, Record<string, string> | undefined>;
      const deps = { ...manifest.dependencies, ...manifest.devDependencies };
      expect(Object.values(deps).some((v) => v.startsWith("workspace:")), t).toBe(false);
      const files = run("tar", ["-tzf", t], dir).split("\n");
      expect(files.some((f) => f.startsWith("package/dist/")), t).toBe(true);
      expect(files.some((f) => f.startsWith("package/src/") || f.startsWith("package/test/")), t).toBe(false);
    }
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "outside", private: true, type: "module" }));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs.map((t) => `./${t}`)], dir);
    writeFileSync(join(dir, "round-trip.mjs"), SCRIPT);
    const result = JSON.parse(run("node", ["round-trip.mjs"], dir).trim().split("\n").pop()!);
    expect(result).toEqual({
      AES_256_GCM: { same: true, suite: "AES_256_GCM" },
      SM4_GCM: { same: true, suite: "SM4_GCM" },
      stream: true,
      error: "UnsupportedVersion",
      client: "function",
    });
  }, 600_000);
});
