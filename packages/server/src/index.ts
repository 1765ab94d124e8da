/** @openkms/server — the KMS as a library. */
export { createKmsServer, StartupError, type KmsServer, type KmsServerOptions } from "./server.js";
export { ErrorCode, KmsError, isKmsError, type ErrorCodeValue } from "./errors.js";
export { ManualClock, systemClock, type Clock } from "./clock.js";
export { EDITIONS, type Edition } from "./edition.js";
export { tc3Signature, canonicalRequestHash, verifyTc3, utcDate } from "./protocol/tc3.js";
export { actions } from "./actions/index.js";
export { registerStaticSite, STATIC_CSP, type StaticFile, type StaticSite } from "./http-static.js";
export { parseCorsOrigins, CORS_ALLOWED_HEADERS, CORS_ALLOWED_METHODS, CORS_MAX_AGE_SECONDS, type CorsCounters } from "./http-cors.js";
export { inspectAuditLog, openDataDir, type AuditInspection, type DataDir, type DataDirOptions } from "./data-dir.js";
export { AccountAdmin, AdminError, type NewAccessKey, type PrincipalView } from "./accounts/admin.js";
export { parsePolicy, evaluatePolicies, PolicyError, type PolicyDocument, type PolicyStatement, type Decision } from "./access/policy.js";
export { keyResource, accountResource } from "./access/request-resources.js";
export {
  DEFAULT_RATE_LIMITS, SHARED_LIMIT_GROUPS, ACTION_RATES, DEFAULT_ACTION_RATE, limitGroup, groupRate, parseRateOverrides,
  type RateLimitConfig,
} from "./limits/rate-limits.js";
export { SqliteAuditLog, nullAuditSink, type AppendOptions, type AuditSink } from "./audit/log.js";
export { CHECKPOINT_META, type AuditCheckpoint } from "./audit/checkpoint.js";
export { missingAuditLog, verifyAuditLog, type AuditVerification, type AuditProblem } from "./audit/verify.js";
export { STARTED } from "./audit/record.js";
export { isReadOnlyAction, READ_ONLY_ACTIONS } from "./actions/read-only.js";
export { countAuditLog, queryAuditLog, sqliteAuditReader, type AuditFilter, type AuditReader } from "./audit/query.js";
export type { AuditEvent, AuditRecord } from "./audit/record.js";
export type { KeyEvent, KeyEventListener } from "./key-events.js";
export { DEFAULT_SCHEDULER_INTERVAL_SECONDS, type Scheduler, type DueReport } from "./scheduler.js";
export { openNodeStores, type NodeStores, type NodeStoreOptions } from "./node-stores.js";
export { openPgNode, type PgNode, type PgNodeOptions } from "./store/postgres/open.js";
export { isPostgresUrl, redactUrl, openPgPool, DEFAULT_PG_TIMEOUTS, type PgTimeouts } from "./store/postgres/pool.js";
export { migrate as migratePgSchema, SCHEMA_VERSION, SchemaTooNewError } from "./store/postgres/migrations.js";
export { PgAuditLog } from "./audit/pg-log.js";
export { verifyPgAuditLog, queryPgAuditLog } from "./audit/pg-verify.js";
export { ClusterRateLimiter, leaseSize, LEASE_MS, type TokenLeaseSource } from "./limits/cluster-rate-limits.js";
export { copyEmbeddedToPostgres, CopyError, EMBEDDED_TABLES, type CopyReport, type TableCopy } from "./store/postgres/copy-embedded.js";
export { ProductAdmin, type CreateProductTokenInput, type NewProductToken, type ProductTokenView, type ProductMountView } from "./gateway/product-admin.js";
export { productAdminFor } from "./gateway/admin-for-data-dir.js";
export type { ProductStore, ProductMount, ProductTokenRecord, ProductKeyRef } from "./gateway/product-store.js";
export type { ProductKeySource } from "./gateway/key-source.js";
export { DEFAULT_GATEWAY_RATE_PER_TOKEN, DEFAULT_GATEWAY_REFUSALS_PER_ADDRESS, type GatewayRateLimits } from "./gateway/limits.js";
export { loadRootKey, RootKeyError, RootUnavailableError, type RootOfTrust } from "./root-key.js";
export { rewrapDataDir, RewrapError, REWRAP_MARKER, type RewrapReport } from "./root-of-trust/rewrap.js";
export { rewrapPgStore, REWRAP_GRACE_MS, type PgRewrapOptions } from "./root-of-trust/pg-rewrap.js";
export { ROOT_FENCE_POLL_MS } from "./root-of-trust/root-fence.js";
export { ROOT_CHECK_LABEL } from "./data-dir.js";
export { backupDataDir, restoreDataDir, BackupError, BACKUP_FORMAT, type BackupManifest } from "./store/sqlite-backup.js";
export { backupPostgres, restorePostgres, type PgBackupManifest, type PgTableBackup } from "./store/postgres/backup.js";
export {
  hostedDataKeys, DEFAULT_HOSTED_DATA_KEY_BYTES,
  type HostedDataKeys, type HostedDataKeyView, type CreateHostedDataKeyInput, type HostedDataKeyDeps,
} from "./data-keys/hosted-data-keys.js";
export { DATA_KEY_NAME_RE, MAX_DATA_KEY_BYTES } from "./data-keys/data-key-access.js";
export { SERVICE_PRODUCT_RE, serviceKeyAlias, isServiceKey } from "./data-keys/service-keys.js";
export { PRODUCT_ID_RE, withCloudBindings, type CloudBindingView } from "./data-keys/cloud-bindings.js";
export type {
  KeyStore, KeyRecord, DataKeyRecord, DataKeyVersionRecord, DataKeyState, CloudBindingRecord,
} from "./store/types.js";
