/**
 * `@openkms/envelope` — envelope encryption for data of any size (docs/envelope-format.md). This entry binds the
 * neutral core to WebCrypto (browsers); under Node the package's `"node"` export condition loads `node/main.ts`
 * instead (node:crypto). Same API either way.
 */
import { setPlatform } from "./platform.js";
import { webPlatform } from "./web/platform.js";

setPlatform(webPlatform);

export * from "./api.js";
