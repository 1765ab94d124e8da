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
import { wasmBuilds, type Flavor } from "./_loader.js";

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
export type CoreFlavor = Flavor;

const builds = wasmBuilds("core-wasm", CORE_WASM, CORE_SIMD_WASM, (exports) => new Core(exports as unknown as CoreExports));

/** The raw `.wasm` bytes of a build (a fresh copy). */
export function wasmBytes(flavor: "simd" | "scalar"): Uint8Array<ArrayBuffer> {
  return builds.bytes(flavor);
}

/** True when this platform's WebAssembly accepts the SIMD128 build (`WebAssembly.validate`). */
export function simdSupported(): boolean {
  return builds.simdSupported();
}

/** A new, independent core instance, compiled synchronously (Node, workers; not a browser's main thread). */
export function loadCoreSync(flavor: CoreFlavor = "auto"): Core {
  return builds.loadSync(flavor);
}

/** A new, independent core instance, compiled asynchronously. */
export function loadCore(flavor: CoreFlavor = "auto"): Promise<Core> {
  return builds.load(flavor);
}
