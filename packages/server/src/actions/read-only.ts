/**
 * Which actions only read. A read-only action changes no key, alias, state, rotation setting or import parameter, so
 * its one audit record, written after it ran, is enough: if that record cannot be written the caller gets
 * `InternalError` and nothing changed.
 *
 * Every other action — CreateKey, UpdateAlias, UpdateKeyDescription, Enable/DisableKey(s), Schedule/CancelKeyDeletion,
 * Archive/CancelKeyArchive, Enable/DisableKeyRotation, RotateKey, GetParametersForImport (it stores import
 * parameters), ImportKeyMaterial, DeleteImportedKeyMaterial, Bind/UnbindCloudResource, ImportDataKey,
 * Enable/DisableDataKey(s), Schedule/CancelDataKeyDeletion, UpdateDataKeyName/Description, and any action added later
 * and not listed here — is state-changing: dispatch writes a durable `Started` record before it runs
 * (protocol/dispatch.ts). GenerateDataKey is read-only except with `IsHostedByKms` 1, when it stores a hosted data
 * key ({@link isReadOnlyRequest}).
 *
 * Read-only actions may still settle what time made due (`settleDue`: deletions, rotations, expiries); those changes
 * are the scheduler's and are audited as `scheduler.<event>`.
 */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  // Describe*, List*, Get* (except GetParametersForImport)
  "DescribeKey", "DescribeKeys", "ListAlgorithms", "ListKeyDetail", "ListKeys",
  "GetKeyRotationStatus", "GetPublicKey", "GetRegions", "GetServiceStatus",
  // symmetric cryptography
  "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom",
  // asymmetric cryptography
  "AsymmetricRsaDecrypt", "AsymmetricSm2Decrypt", "SignByAsymmetricKey", "VerifyByAsymmetricKey",
  // post-quantum cryptography
  "PostQuantumCryptoEncrypt", "PostQuantumCryptoDecrypt", "PostQuantumCryptoSign", "PostQuantumCryptoVerify",
  // hosted data keys: reads
  "DescribeDataKey", "DescribeDataKeys", "ListDataKeys", "ListDataKeyDetail", "GetDataKeyPlaintext", "GetDataKeyCiphertextBlob",
  // OpenKMS's own
  "OpenKMS.ListAuditRecords",
]);

/** True only for an action listed in {@link READ_ONLY_ACTIONS}; unknown names count as state-changing. */
export const isReadOnlyAction = (name: string): boolean => READ_ONLY_ACTIONS.has(name);

/**
 * Whether one request (action and its validated parameters) only reads: {@link isReadOnlyAction}, except
 * GenerateDataKey with `IsHostedByKms` 1, which stores a hosted data key and so is state-changing.
 */
export function isReadOnlyRequest(name: string, params: unknown): boolean {
  if (!isReadOnlyAction(name)) return false;
  if (name === "GenerateDataKey") return (params as { IsHostedByKms?: unknown } | undefined)?.IsHostedByKms !== 1;
  return true;
}
