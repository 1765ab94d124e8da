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
import { PqcCore, type PqcExports } from "./_pqc.js";

export { InvalidKeyError, ML_DSA_65, ML_KEM_768, PqcCore, type PqcExports } from "./_pqc.js";

/** Which build to load: `"simd"`, `"scalar"`, or `"auto"` (SIMD when {@link pqcSimdSupported}). */
export type PqcFlavor = "auto" | "simd" | "scalar";

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const binaries: { scalar?: Uint8Array<ArrayBuffer>; simd?: Uint8Array<ArrayBuffer> } = {};
/** The raw `.wasm` bytes of a build of the PQC module (a fresh copy). */
export function pqcWasmBytes(flavor: "simd" | "scalar"): Uint8Array<ArrayBuffer> {
  const b = (binaries[flavor] ??= decodeBase64(flavor === "simd" ? PQC_SIMD_WASM : PQC_WASM));
  return b.slice();
}

let simdCache: boolean | undefined;
/** True when this platform's WebAssembly accepts the SIMD128 build (`WebAssembly.validate`). */
export function pqcSimdSupported(): boolean {
  return (simdCache ??= WebAssembly.validate(pqcWasmBytes("simd")));
}

function resolveFlavor(flavor: PqcFlavor): "simd" | "scalar" {
  if (flavor === "auto") return pqcSimdSupported() ? "simd" : "scalar";
  if (flavor === "simd" && !pqcSimdSupported()) throw new Error("SIMD128 WebAssembly is not supported here");
  return flavor;
}

const imports = { env: { abort: () => { throw new Error("core-wasm pqc: abort"); } } };

/** A new, independent PQC instance, compiled synchronously (Node, workers; not a browser's main thread). */
export function loadPqcSync(flavor: PqcFlavor = "auto"): PqcCore {
  const module = new WebAssembly.Module(pqcWasmBytes(resolveFlavor(flavor)));
  return new PqcCore(new WebAssembly.Instance(module, imports).exports as unknown as PqcExports);
}

/** A new, independent PQC instance, compiled asynchronously. */
export async function loadPqc(flavor: PqcFlavor = "auto"): Promise<PqcCore> {
  const module = await WebAssembly.compile(pqcWasmBytes(resolveFlavor(flavor)));
  const instance = await WebAssembly.instantiate(module, imports);
  return new PqcCore(instance.exports as unknown as PqcExports);
}
