/**
 * Which actions only read. A read-only action changes no key, alias, state, rotation setting or import parameter, so
 * its one audit record, written after it ran, is enough: if that record cannot be written the caller gets
 * `InternalError` and nothing changed.
 *
 * Every other action — CreateKey, UpdateAlias, UpdateKeyDescription, Enable/DisableKey(s), Schedule/CancelKeyDeletion,
 * Archive/CancelKeyArchive, Enable/DisableKeyRotation, RotateKey, GetParametersForImport (it stores import
 * parameters), ImportKeyMaterial, DeleteImportedKeyMaterial, and any action added later and not listed here — is
 * state-changing: dispatch writes a durable `Started` record before it runs (protocol/dispatch.ts).
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
  // OpenKMS's own
  "OpenKMS.ListAuditRecords",
]);

/** True only for an action listed in {@link READ_ONLY_ACTIONS}; unknown names count as state-changing. */
export const isReadOnlyAction = (name: string): boolean => READ_ONLY_ACTIONS.has(name);
