// Types of the module that scripts/build.mjs generates as src/_binaries.ts (the two builds, base64). Lets the package
// typecheck before the first build; once generated, the .ts file takes precedence.
/** core.wasm (scalar build), base64. */
export declare const CORE_WASM: string;
/** core-simd.wasm (SIMD128 build), base64. */
export declare const CORE_SIMD_WASM: string;
