/**
 * @openkms/core-wasm — the WebAssembly crypto core (AssemblyScript): SM3 / HMAC-SM3 (GB/T 32905-2016), SM4
 * (GB/T 32907-2016) and AES-128/192/256 (FIPS 197) in ECB / CBC / CTR (SP 800-38A) and GCM (SP 800-38D; SM4-GCM as
 * RFC 8998), and GHASH.
 *
 * Two builds of the same source ship inside this module as base64 (no network or file fetch): scalar, and SIMD128.
 * {@link simdSupported} tells whether the platform validates the SIMD one; {@link loadCore} / {@link loadCoreSync}
 * pick it when supported unless told otherwise.
 *
 * Use {@link loadCore} (async) in browsers: synchronous compilation blocks the main thread. Node may use
 * {@link loadCoreSync}, which compiles with `new WebAssembly.Module` (the binaries are ~15 KB).
 */
import { CORE_SIMD_WASM, CORE_WASM } from "./_binaries.js";
import { Core, type CoreExports } from "./_core.js";

export {
  AuthenticationError,
  PaddingError,
  Core,
  constantTimeEqual,
  type BlockCipher,
  type CtrStream,
  type GcmDecryptStream,
  type GcmEncryptStream,
  type GcmKey,
  type Sm3Hasher,
} from "./_core.js";

/** Which build to load: `"simd"`, `"scalar"`, or `"auto"` (SIMD when {@link simdSupported}). */
export type CoreFlavor = "auto" | "simd" | "scalar";

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const binaries: { scalar?: Uint8Array<ArrayBuffer>; simd?: Uint8Array<ArrayBuffer> } = {};
/** The raw `.wasm` bytes of a build (a fresh copy). */
export function wasmBytes(flavor: "simd" | "scalar"): Uint8Array<ArrayBuffer> {
  const b = (binaries[flavor] ??= decodeBase64(flavor === "simd" ? CORE_SIMD_WASM : CORE_WASM));
  return b.slice();
}

let simdCache: boolean | undefined;
/** True when this platform's WebAssembly accepts the SIMD128 build (`WebAssembly.validate`). */
export function simdSupported(): boolean {
  return (simdCache ??= WebAssembly.validate(wasmBytes("simd")));
}

function resolveFlavor(flavor: CoreFlavor): "simd" | "scalar" {
  if (flavor === "auto") return simdSupported() ? "simd" : "scalar";
  if (flavor === "simd" && !simdSupported()) throw new Error("SIMD128 WebAssembly is not supported here");
  return flavor;
}

const imports = { env: { abort: () => { throw new Error("core-wasm: abort"); } } };

/** A new, independent core instance, compiled synchronously (Node, workers; not a browser's main thread). */
export function loadCoreSync(flavor: CoreFlavor = "auto"): Core {
  const module = new WebAssembly.Module(wasmBytes(resolveFlavor(flavor)));
  return new Core(new WebAssembly.Instance(module, imports).exports as unknown as CoreExports);
}

/** A new, independent core instance, compiled asynchronously. */
export async function loadCore(flavor: CoreFlavor = "auto"): Promise<Core> {
  const module = await WebAssembly.compile(wasmBytes(resolveFlavor(flavor)));
  const instance = await WebAssembly.instantiate(module, imports);
  return new Core(instance.exports as unknown as CoreExports);
}
