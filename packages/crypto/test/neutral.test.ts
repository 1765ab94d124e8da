// The runtime-neutral cases (test/neutral/cases.ts) under Node, against the Node backend (`#platform` → node:crypto).
// The same cases run in Chromium against the browser backend in chromium.test.ts.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { platform } from "#platform";
import { neutralCases } from "./neutral/cases.js";
import type { VectorSource } from "./neutral/_io.js";
import { vectorsDir } from "./_vectors.js";

const here = dirname(fileURLToPath(import.meta.url));
const io: VectorSource = {
  vectors: async (path) => JSON.parse(await readFile(join(vectorsDir(), path), "utf8")),
  golden: async (name) => JSON.parse(await readFile(join(here, "golden", name), "utf8")),
};

it("runs on the Node backend", () => {
  expect(platform.runtime).toBe("node");
});

for (const suite of new Set(neutralCases.map((c) => c.suite))) {
  describe(`neutral ${suite} (node)`, () => {
    for (const c of neutralCases.filter((x) => x.suite === suite)) it(c.name, () => c.run(io));
  });
}
