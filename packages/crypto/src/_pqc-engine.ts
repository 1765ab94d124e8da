/**
 * The post-quantum engine: the WASM PQC module of `@openkms/core-wasm/pqc` (Node 20 has no ML-KEM / ML-DSA), in the
 * build the backend choice (`./backend`) asks for — `"wasm-scalar"` → scalar, `"wasm-simd"` → SIMD128, anything
 * else → SIMD128 when the platform validates it. One instance per build, compiled synchronously on first use in Node;
 * in a browser compiled asynchronously by {@link pqcReady}, which must complete before the first synchronous call.
 */
import { loadPqc, loadPqcSync, type PqcCore } from "@openkms/core-wasm/pqc";
import { platform } from "#platform";
import { getBackend } from "./backend.js";
import { InvalidKeyError } from "./_errors.js";

const cores: { simd?: PqcCore; scalar?: PqcCore; auto?: PqcCore } = {};

function flavor(): "simd" | "scalar" | "auto" {
  const b = getBackend();
  return b === "wasm-scalar" ? "scalar" : b === "wasm-simd" ? "simd" : "auto";
}

/** @throws Error in a browser when {@link pqcReady} has not completed */
export function pqcEngine(): PqcCore {
  const f = flavor();
  const c = cores[f];
  if (c) return c;
  if (!platform.syncWasmCompile) throw new Error("the post-quantum WASM module is not loaded yet: await pqcReady() (ml-kem / ml-dsa / kyber-aes) first");
  return (cores[f] = loadPqcSync(f));
}

/**
 * Compiles and instantiates the post-quantum WASM module for the current backend choice asynchronously
 * (`WebAssembly.compile`), once. Required in browsers before ML-KEM / ML-DSA / Kyber_AES calls; harmless in Node.
 */
export async function pqcReady(): Promise<void> {
  const f = flavor();
  cores[f] ??= await loadPqc(f);
}

/** Re-throws the core's key-check failures as this package's {@link InvalidKeyError}; anything else unchanged. */
export function rethrowKeyError(err: unknown): never {
  if (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "INVALID_KEY") {
    throw new InvalidKeyError((err as Error).message);
  }
  throw err;
}
