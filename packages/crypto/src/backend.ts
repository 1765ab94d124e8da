/**
 * Backend selection for the symmetric primitives of this package.
 *
 * - `"auto"` (default): the WASM core (SIMD128 build when the platform validates it) for SM3, HMAC-SM3 and SM4 in
 *   every mode; `node:crypto` (OpenSSL, AES-NI) for AES-CBC / AES-CTR / AES-GCM — AES-NI is constant time in hardware
 *   and about ten times faster than any WebAssembly AES.
 * - `"wasm"`: the WASM core for everything (SIMD when supported); `"wasm-simd"` / `"wasm-scalar"`: one build forced.
 *   The SIMD128 build is constant time for every algorithm, AES included (vector-permute S-box); the scalar build's
 *   SM4 and AES are T-table ciphers, not constant time (`"wasm"` falls back to it only where SIMD128 is missing).
 * - `"node"`: `node:crypto` for everything it has; SM4-GCM then uses OpenSSL `sm4-ecb` under the portable GCM.
 *
 * Set it with {@link setBackend} or the `OPENKMS_CRYPTO_BACKEND` environment variable (read once at import). Tests use
 * it to run every suite on every backend.
 *
 * In a browser (the `"browser"` build of `#platform`) there is no `node:crypto`: `"auto"` means the WASM core for
 * everything, `"node"` is refused, and the core is never compiled synchronously — `await ready()` once before the
 * first synchronous call (it compiles with `WebAssembly.compile`, off the main thread's critical path).
 */
import { loadCore, loadCoreSync, simdSupported, type Core } from "@openkms/core-wasm";
import { platform } from "#platform";

export type BackendChoice = "auto" | "wasm" | "wasm-simd" | "wasm-scalar" | "node";
const CHOICES: readonly BackendChoice[] = ["auto", "wasm", "wasm-simd", "wasm-scalar", "node"];

function fromEnv(): BackendChoice {
  const v = typeof process !== "undefined" ? process.env?.OPENKMS_CRYPTO_BACKEND : undefined;
  if (v === undefined || v === "") return "auto";
  if (!(CHOICES as readonly string[]).includes(v)) {
    throw new RangeError(`"OPENKMS_CRYPTO_BACKEND" expected one of ${CHOICES.join(", ")}, got ${v}`);
  }
  return v as BackendChoice;
}

let choice: BackendChoice = fromEnv();
if (choice === "node" && platform.runtime !== "node") choice = "auto";

/** Selects the backend for all later calls. @throws RangeError on an unknown name */
export function setBackend(backend: BackendChoice): void {
  if (!CHOICES.includes(backend)) throw new RangeError(`"backend" expected one of ${CHOICES.join(", ")}, got ${String(backend)}`);
  if (backend === "node" && platform.runtime !== "node") throw new RangeError(`"backend" "node" needs Node.js (this is ${platform.runtime})`);
  choice = backend;
}

/** The current backend choice. */
export function getBackend(): BackendChoice {
  return choice;
}

const cores: { simd?: Core; scalar?: Core } = {};

/**
 * The WASM core of a flavour: compiled synchronously once in Node (`new WebAssembly.Module`, ~15 KB); elsewhere the
 * instance {@link ready} compiled asynchronously.
 * @throws Error in a browser when {@link ready} has not completed
 */
function core(flavor: "simd" | "scalar"): Core {
  const c = cores[flavor];
  if (c) return c;
  if (!platform.syncWasmCompile) throw new Error("the WASM crypto core is not loaded yet: await ready() from @openkms/crypto/backend first");
  return (cores[flavor] = loadCoreSync(flavor));
}

/** The flavour the current choice uses. */
function flavorOf(c: BackendChoice): "simd" | "scalar" {
  return c === "wasm-scalar" ? "scalar" : c === "wasm-simd" ? "simd" : simdSupported() ? "simd" : "scalar";
}

/**
 * Compiles and instantiates the WASM core the current backend choice needs, asynchronously (`WebAssembly.compile`),
 * once; later calls resolve at once. Required in browsers before the synchronous APIs (SM3, SM4, SM2, …); harmless
 * in Node.
 */
export async function ready(): Promise<void> {
  const flavor = flavorOf(choice === "node" ? "auto" : choice);
  cores[flavor] ??= await loadCore(flavor);
}

/**
 * The engine for one primitive: a WASM {@link Core}, or `"node"`.
 * @param preferNode whether `"auto"` should pick `node:crypto` for this primitive
 */
export function engine(preferNode: boolean): Core | "node" {
  switch (choice) {
    case "node":
      return "node";
    case "wasm-simd":
      return core("simd");
    case "wasm-scalar":
      return core("scalar");
    case "wasm":
      return core(simdSupported() ? "simd" : "scalar");
    default:
      return preferNode && platform.runtime === "node" ? "node" : core(simdSupported() ? "simd" : "scalar");
  }
}
