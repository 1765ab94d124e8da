/**
 * @openkms/core-wasm/pqc — the post-quantum WebAssembly module (AssemblyScript): SHA3-256, SHA3-512, SHAKE128,
 * SHAKE256 (FIPS 202), ML-KEM-768 (FIPS 203) and ML-DSA-65 (FIPS 204).
 *
 * A separate module and subpath from the symmetric core (`@openkms/core-wasm`) so that a browser bundle that does not
 * use post-quantum algorithms never carries or compiles it. Like the core it ships two builds of the same source as
 * base64 — scalar and SIMD128 — and {@link loadPqc} / {@link loadPqcSync} pick SIMD when `WebAssembly.validate`
 * accepts it. Use {@link loadPqc} (async) on a browser's main thread.
 */
import { PQC_SIMD_WASM, PQC_WASM } from "./_pqc-binaries.js";
import { wasmBuilds, type Flavor } from "./_loader.js";
import { PqcCore, type PqcExports } from "./_pqc.js";

export { InvalidKeyError, ML_DSA_65, ML_KEM_768, PqcCore, type PqcExports } from "./_pqc.js";

/** Which build to load: `"simd"`, `"scalar"`, or `"auto"` (SIMD when {@link pqcSimdSupported}). */
export type PqcFlavor = Flavor;

const builds = wasmBuilds("core-wasm pqc", PQC_WASM, PQC_SIMD_WASM, (exports) => new PqcCore(exports as unknown as PqcExports));

/** The raw `.wasm` bytes of a build of the PQC module (a fresh copy). */
export function pqcWasmBytes(flavor: "simd" | "scalar"): Uint8Array<ArrayBuffer> {
  return builds.bytes(flavor);
}

/** True when this platform's WebAssembly accepts the SIMD128 build (`WebAssembly.validate`). */
export function pqcSimdSupported(): boolean {
  return builds.simdSupported();
}

/** A new, independent PQC instance, compiled synchronously (Node, workers; not a browser's main thread). */
export function loadPqcSync(flavor: PqcFlavor = "auto"): PqcCore {
  return builds.loadSync(flavor);
}

/** A new, independent PQC instance, compiled asynchronously. */
export function loadPqc(flavor: PqcFlavor = "auto"): Promise<PqcCore> {
  return builds.load(flavor);
}
