/** The core is runtime-neutral: no `node:` (or bare Node built-in) import outside the thin Node binding `src/node/`. */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

it("no file outside src/node imports a Node built-in", () => {
  const offenders: string[] = [];
  const all = files(src);
  expect(all.length).toBeGreaterThan(15);
  for (const f of all) {
    const rel = relative(src, f);
    if (rel.startsWith("node/")) continue;
    for (const m of readFileSync(f, "utf8").matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith("node:") || builtinModules.includes(spec)) offenders.push(`${rel}: ${spec}`);
    }
    if (/\bBuffer\b|\bprocess\./.test(readFileSync(f, "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ""))) offenders.push(`${rel}: Buffer/process`);
  }
  expect(offenders).toEqual([]);
});
