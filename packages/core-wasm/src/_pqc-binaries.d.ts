// Types of the module that scripts/build.mjs generates as src/_pqc-binaries.ts (the two PQC builds, base64). Lets the
// package typecheck before the first build; once generated, the .ts file takes precedence.
/** pqc.wasm (scalar build), base64. */
export declare const PQC_WASM: string;
/** pqc-simd.wasm (SIMD128 build), base64. */
export declare const PQC_SIMD_WASM: string;
