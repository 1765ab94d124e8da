/**
 * Loading one WebAssembly module that ships as two base64-embedded builds of the same source (scalar and SIMD128):
 * decoding, feature detection with `WebAssembly.validate`, and sync / async instantiation. Shared by the symmetric
 * core (index.ts) and the post-quantum module (pqc.ts).
 */

/** Which build to load: `"simd"`, `"scalar"`, or `"auto"` (SIMD when the platform validates it). */
export type Flavor = "auto" | "simd" | "scalar";

export interface WasmBuilds<T> {
  /** The raw `.wasm` bytes of a build (a fresh copy). */
  bytes(flavor: "simd" | "scalar"): Uint8Array<ArrayBuffer>;
  /** True when this platform's WebAssembly accepts the SIMD128 build. */
  simdSupported(): boolean;
  /** A new, independent instance, compiled synchronously (Node, workers; not a browser's main thread). */
  loadSync(flavor: Flavor): T;
  /** A new, independent instance, compiled asynchronously. */
  load(flavor: Flavor): Promise<T>;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * @param name module name for error messages
 * @param scalarBase64 / simdBase64 the two builds, base64
 * @param wrap turns an instance's exports into the module's typed API (it owns the instance's memory)
 * @throws Error from `loadSync`/`load` with flavor `"simd"` where SIMD128 is not supported
 */
export function wasmBuilds<T>(name: string, scalarBase64: string, simdBase64: string, wrap: (exports: WebAssembly.Exports) => T): WasmBuilds<T> {
  const decoded: { scalar?: Uint8Array<ArrayBuffer>; simd?: Uint8Array<ArrayBuffer> } = {};
  let simd: boolean | undefined;
  const imports = { env: { abort: () => { throw new Error(`${name}: abort`); } } };
  const builds: WasmBuilds<T> = {
    bytes: (flavor) => (decoded[flavor] ??= decodeBase64(flavor === "simd" ? simdBase64 : scalarBase64)).slice(),
    simdSupported: () => (simd ??= WebAssembly.validate(builds.bytes("simd"))),
    loadSync: (flavor) => wrap(new WebAssembly.Instance(new WebAssembly.Module(builds.bytes(resolve(flavor))), imports).exports),
    load: async (flavor) => {
      const module = await WebAssembly.compile(builds.bytes(resolve(flavor)));
      return wrap((await WebAssembly.instantiate(module, imports)).exports);
    },
  };
  function resolve(flavor: Flavor): "simd" | "scalar" {
    if (flavor === "auto") return builds.simdSupported() ? "simd" : "scalar";
    if (flavor === "simd" && !builds.simdSupported()) throw new Error("SIMD128 WebAssembly is not supported here");
    return flavor;
  }
  return builds;
}
