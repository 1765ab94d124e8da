// The browser build's guard: a Node built-in anywhere in the graph fails the build, naming the importer; the built
// package itself contains no Node built-in import and no synchronous WebAssembly compile on its load path.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { noNodeBuiltins } from "../scripts/no-node-builtins.mjs";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");

describe("no Node built-ins in the browser build", () => {
  for (const specifier of ["node:crypto", "fs", "buffer"]) {
    it(`an import of "${specifier}" fails the build`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "openkms-guard-"));
      try {
        writeFileSync(join(dir, "leaf.js"), `import * as x from "${specifier}"; export const y = x;`);
        writeFileSync(join(dir, "entry.js"), `export { y } from "./leaf.js";`);
        const attempt = build({ entryPoints: [join(dir, "entry.js")], bundle: true, write: false, platform: "browser", logLevel: "silent", plugins: [noNodeBuiltins(dir)] });
        await expect(attempt).rejects.toThrow(new RegExp(`Node built-in "${specifier}" imported by leaf\\.js`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("the built dist/ imports no Node module", () => {
    const files = [...readdirSync(dist).filter((f) => f.endsWith(".js")), ...readdirSync(join(dist, "chunks")).filter((f) => f.endsWith(".js")).map((f) => `chunks/${f}`)];
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const js = readFileSync(join(dist, f), "utf8");
      expect(js, f).not.toMatch(/from\s*"node:|import\("node:|require\(/);
    }
  });
});
