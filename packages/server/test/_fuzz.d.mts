/** Types of _fuzz.mjs (see there). */
export interface FuzzRequest {
  action: string;
  kind: "object" | "raw";
  entries?: [string, unknown][];
  raw?: string;
}
export interface FuzzTally {
  sent: number;
  success: number;
  byCode: Record<string, number>;
  byAction: Record<string, { success: number; error: number }>;
  problems: string[];
  /** Requests fetch refused to send (an action name with control characters). */
  unsendable?: number;
}
export function fuzzRequests(o: { actions: { name: string; params: string[] }[]; count: number; seed: number; seeds: { keyIds: string[]; blobs: string[] } }): FuzzRequest[];
export function runFuzz(o: {
  url: string; sign(i: { host: string; payload: string; timestamp: number }): Promise<string> | string; region: string; requests: FuzzRequest[]; concurrency?: number;
  allowedCodes: Set<string>; onProgress?: (done: number) => void;
}): Promise<FuzzTally>;
