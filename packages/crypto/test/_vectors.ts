/**
 * Loads the project's official test vectors from `../shared/vectors` (beside the repository root), or from
 * `$OPENKMS_VECTORS`. Fails loudly when a file is missing or yields no cases: a suite never passes on nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { WycheproofTest } from "./neutral/_io.js";

const here = dirname(fileURLToPath(import.meta.url));

export function vectorsDir(): string {
  const fromEnv = process.env.OPENKMS_VECTORS;
  const dir = fromEnv ? resolve(fromEnv) : resolve(here, "../../../../shared/vectors");
  if (!existsSync(dir)) throw new Error(`test vectors not found at ${dir} (set OPENKMS_VECTORS)`);
  return dir;
}

/**
 * Official vectors the shared set lacks, kept in the repository: `test/vectors/` (see its README for their origin).
 * A path is looked up in the shared set first.
 */
const repoVectors = join(here, "vectors");

export function loadJson<T = unknown>(relPath: string): T {
  const shared = join(vectorsDir(), relPath);
  const path = existsSync(shared) || !existsSync(join(repoVectors, relPath)) ? shared : join(repoVectors, relPath);
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export type { WycheproofTest };
export interface WycheproofGroup {
  tests: WycheproofTest[];
  [k: string]: unknown;
}

/** Every (group, test) pair of a Wycheproof file, filtered; throws when the filter leaves none. */
export function wycheproofCases(file: string, keep: (g: WycheproofGroup, t: WycheproofTest) => boolean = () => true) {
  const data = loadJson<{ testGroups: WycheproofGroup[] }>(`wycheproof/${file}`);
  const out: { group: WycheproofGroup; test: WycheproofTest }[] = [];
  for (const group of data.testGroups) for (const test of group.tests) if (keep(group, test)) out.push({ group, test });
  if (out.length === 0) throw new Error(`wycheproof/${file}: no test cases`);
  return out;
}

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
