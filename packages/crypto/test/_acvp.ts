/**
 * Loaders for the ACVP (`acvp/<dir>/internalProjection.json`) and ShangMi (`sm/sm-standard-vectors.json`) vector
 * files, on top of `_vectors.ts`. Like it, they throw when a selection yields no cases.
 */
import { loadJson } from "./_vectors.js";

export interface AcvpGroup {
  tgId: number;
  testType: string;
  direction?: string;
  keyLen?: number;
  ivLen?: number;
  tagLen?: number;
  tests: AcvpTest[];
  [k: string]: unknown;
}
export interface AcvpTest {
  tcId: number;
  [k: string]: unknown;
}

/** Every (group, test) pair of an ACVP internalProjection file, filtered; throws when the filter leaves none. */
export function acvpCases(dir: string, keep: (g: AcvpGroup, t: AcvpTest) => boolean = () => true) {
  const data = loadJson<{ testGroups: AcvpGroup[] }>(`acvp/${dir}/internalProjection.json`);
  const out: { group: AcvpGroup; test: AcvpTest }[] = [];
  for (const group of data.testGroups) for (const test of group.tests) if (keep(group, test)) out.push({ group, test });
  if (out.length === 0) throw new Error(`acvp/${dir}: no test cases`);
  return out;
}

export interface SmVectors {
  sm3: { id: string; msg?: string; msgAscii?: string; digest: string }[];
  hmacSm3: { id: string; key?: string; keyAscii?: string; msg?: string; msgAscii?: string; mac: string }[];
  sm4: { id: string; mode: string; key: string; iv?: string; pt: string; ct: string; iterations?: number }[];
  sm4Aead: { id: string; mode: string; key: string; iv: string; aad: string; pt: string; ct: string; tag: string }[];
}

/** Entries of one section of `sm/sm-standard-vectors.json`, filtered; throws when none are left. */
export function smCases<K extends keyof SmVectors>(section: K, keep: (v: SmVectors[K][number]) => boolean = () => true): SmVectors[K] {
  const all = loadJson<SmVectors>("sm/sm-standard-vectors.json")[section];
  const out = (all as SmVectors[K][number][]).filter(keep) as SmVectors[K];
  if (out.length === 0) throw new Error(`sm/sm-standard-vectors.json ${section}: no test cases`);
  return out;
}

const enc = new TextEncoder();
/** Bytes of a field given as hex (`name`) or ASCII (`nameAscii`). */
export function field(v: Record<string, unknown>, name: string): Uint8Array {
  const ascii = v[`${name}Ascii`];
  if (typeof ascii === "string") return enc.encode(ascii);
  const hexValue = v[name];
  if (typeof hexValue !== "string") throw new Error(`vector ${String(v.id)} has no ${name}`);
  return new Uint8Array(Buffer.from(hexValue, "hex"));
}
