/**
 * The post-quantum engine: the WASM PQC module of `@openkms/core-wasm/pqc` (Node 20 has no ML-KEM / ML-DSA), in the
 * build the backend choice (`./backend`) asks for — `"wasm-scalar"` → scalar, `"wasm-simd"` → SIMD128, anything
 * else → SIMD128 when the platform validates it. One instance per build, compiled synchronously on first use.
 */
import { loadPqcSync, type PqcCore } from "@openkms/core-wasm/pqc";
import { getBackend } from "./backend.js";
import { InvalidKeyError } from "./_errors.js";

const cores: { simd?: PqcCore; scalar?: PqcCore; auto?: PqcCore } = {};

export function pqcEngine(): PqcCore {
  const b = getBackend();
  const flavor = b === "wasm-scalar" ? "scalar" : b === "wasm-simd" ? "simd" : "auto";
  return (cores[flavor] ??= loadPqcSync(flavor));
}

/** Re-throws the core's key-check failures as this package's {@link InvalidKeyError}; anything else unchanged. */
export function rethrowKeyError(err: unknown): never {
  if (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "INVALID_KEY") {
    throw new InvalidKeyError((err as Error).message);
  }
  throw err;
}
