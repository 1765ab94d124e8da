/** Where the cases get their vector files: the file system in Node, HTTP in the Chromium page. */
export interface VectorSource {
  /** Parses a JSON file under the official vectors dir (`../shared/vectors`), e.g. `wycheproof/x.json`. */
  vectors<T = unknown>(path: string): Promise<T>;
  /** Parses a JSON file under `packages/crypto/test/golden/`. */
  golden<T = unknown>(name: string): Promise<T>;
}

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: "valid" | "invalid" | "acceptable";
  [k: string]: unknown;
}
export interface WycheproofFile<G> {
  testGroups: (G & { tests: WycheproofTest[] })[];
}
