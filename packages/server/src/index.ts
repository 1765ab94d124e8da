/** @openkms/server — the KMS as a library. */
export { createKmsServer, StartupError, type KmsServer, type KmsServerOptions } from "./server.js";
export { ErrorCode, KmsError, isKmsError, type ErrorCodeValue } from "./errors.js";
export { systemClock, type Clock } from "./clock.js";
export { EDITIONS, type Edition } from "./edition.js";
export { tc3Signature, canonicalRequestHash, verifyTc3, utcDate } from "./protocol/tc3.js";
export { actions } from "./actions/index.js";
export type { KeyEvent, KeyEventListener } from "./key-events.js";
export { DEFAULT_SCHEDULER_INTERVAL_SECONDS, type Scheduler, type DueReport } from "./scheduler.js";
