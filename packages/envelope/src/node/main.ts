/** `@openkms/envelope` under Node: the neutral API bound to node:crypto (AES-256-GCM, HKDF). */
import { setPlatform } from "../platform.js";
import { nodePlatform } from "./platform.js";

setPlatform(nodePlatform);

export * from "../api.js";
