/** `@openkms/envelope/node`: everything of `@openkms/envelope` (node:crypto binding) plus Node `Transform` streams. */
export * from "./main.js";
export { encryptTransform, decryptTransform } from "./transforms.js";
