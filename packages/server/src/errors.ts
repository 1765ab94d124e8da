/**
 * The API's error codes (reference §5) and the one error type the server throws for user-visible failures.
 * A `KmsError` becomes `{"Response":{"Error":{"Code","Message"},"RequestId"}}` with HTTP 200; anything else that
 * escapes an action is an internal fault and becomes `InternalError` without its message (no secrets leak).
 */
export const ErrorCode = {
  AuthFailure: "AuthFailure",
  AuthFailureInvalidAuthorization: "AuthFailure.InvalidAuthorization",
  AuthFailureSecretIdNotFound: "AuthFailure.SecretIdNotFound",
  AuthFailureSignatureExpire: "AuthFailure.SignatureExpire",
  AuthFailureSignatureFailure: "AuthFailure.SignatureFailure",
  AuthFailureTokenFailure: "AuthFailure.TokenFailure",
  AuthFailureUnauthorizedOperation: "AuthFailure.UnauthorizedOperation",
  FailedOperationCmkUsedByCloudProduct: "FailedOperation.CmkUsedByCloudProduct",
  FailedOperationDecryptError: "FailedOperation.DecryptError",
  FailedOperationEncryptionError: "FailedOperation.EncryptionError",
  FailedOperationRotateTaskRunning: "FailedOperation.RotateTaskRunning",
  InternalError: "InternalError",
  InvalidAction: "InvalidAction",
  InvalidParameter: "InvalidParameter",
  InvalidParameterDecryptMaterialError: "InvalidParameter.DecryptMaterialError",
  InvalidParameterInvalidPendingWindowInDays: "InvalidParameter.InvalidPendingWindowInDays",
  InvalidParameterValue: "InvalidParameterValue",
  InvalidParameterValueAliasAlreadyExists: "InvalidParameterValue.AliasAlreadyExists",
  InvalidParameterValueDataKeyNameAlreadyExists: "InvalidParameterValue.DataKeyNameAlreadyExists",
  InvalidParameterValueDuplicatedDataKeyId: "InvalidParameterValue.DuplicatedDataKeyId",
  InvalidParameterValueDuplicatedKeyId: "InvalidParameterValue.DuplicatedKeyId",
  InvalidParameterValueInvalidAlias: "InvalidParameterValue.InvalidAlias",
  InvalidParameterValueInvalidCiphertext: "InvalidParameterValue.InvalidCiphertext",
  InvalidParameterValueInvalidDataKeyId: "InvalidParameterValue.InvalidDataKeyId",
  InvalidParameterValueInvalidDataKeyName: "InvalidParameterValue.InvalidDataKeyName",
  InvalidParameterValueInvalidHsmClusterId: "InvalidParameterValue.InvalidHsmClusterId",
  InvalidParameterValueInvalidImportKeyMaterial: "InvalidParameterValue.InvalidImportKeyMaterial",
  InvalidParameterValueInvalidKeyId: "InvalidParameterValue.InvalidKeyId",
  InvalidParameterValueInvalidKeyUsage: "InvalidParameterValue.InvalidKeyUsage",
  InvalidParameterValueInvalidPlaintext: "InvalidParameterValue.InvalidPlaintext",
  InvalidParameterValueInvalidType: "InvalidParameterValue.InvalidType",
  InvalidParameterValueMaterialNotMatch: "InvalidParameterValue.MaterialNotMatch",
  InvalidParameterValueTagKeysDuplicated: "InvalidParameterValue.TagKeysDuplicated",
  LimitExceededCmkLimitExceeded: "LimitExceeded.CmkLimitExceeded",
  LimitExceededDataKeyLimitExceeded: "LimitExceeded.DataKeyLimitExceeded",
  MissingParameter: "MissingParameter",
  NoSuchVersion: "NoSuchVersion",
  RequestLimitExceeded: "RequestLimitExceeded",
  RequestLimitExceededRotateRateLimited: "RequestLimitExceeded.RotateRateLimited",
  RequestSizeLimitExceeded: "RequestSizeLimitExceeded",
  ResourceUnavailableCloudResourceBindingNotFound: "ResourceUnavailable.CloudResourceBindingNotFound",
  ResourceUnavailableCmkArchived: "ResourceUnavailable.CmkArchived",
  ResourceUnavailableCmkDisabled: "ResourceUnavailable.CmkDisabled",
  ResourceUnavailableCmkNotFound: "ResourceUnavailable.CmkNotFound",
  ResourceUnavailableCmkNotPendingDelete: "ResourceUnavailable.CmkNotPendingDelete",
  ResourceUnavailableCmkShouldBeDisabled: "ResourceUnavailable.CmkShouldBeDisabled",
  ResourceUnavailableCmkStateNotSupport: "ResourceUnavailable.CmkStateNotSupport",
  ResourceUnavailableDataKeyDisabled: "ResourceUnavailable.DataKeyDisabled",
  ResourceUnavailableDataKeyNotFound: "ResourceUnavailable.DataKeyNotFound",
  ResourceUnavailableDataKeyNotPendingDelete: "ResourceUnavailable.DataKeyNotPendingDelete",
  ResourceUnavailableDataKeyPendingDelete: "ResourceUnavailable.DataKeyPendingDelete",
  ResourceUnavailableDataKeyStateNotSupport: "ResourceUnavailable.DataKeyStateNotSupport",
  ResourceUnavailableKeyPendingDelete: "ResourceUnavailable.KeyPendingDelete",
  ResourceUnavailableTokenExpired: "ResourceUnavailable.TokenExpired",
  UnauthorizedOperation: "UnauthorizedOperation",
  UnknownParameter: "UnknownParameter",
  UnsupportedOperation: "UnsupportedOperation",
  UnsupportedOperationExternalCmkCanNotRotate: "UnsupportedOperation.ExternalCmkCanNotRotate",
  UnsupportedOperationNotExternalCmk: "UnsupportedOperation.NotExternalCmk",
  UnsupportedOperationNotUserCreatedCmk: "UnsupportedOperation.NotUserCreatedCmk",
  UnsupportedOperationRotateNotSupported: "UnsupportedOperation.RotateNotSupported",
  UnsupportedOperationUnsupportedKeyUsageInCurrentRegion: "UnsupportedOperation.UnsupportedKeyUsageInCurrentRegion",
  UnsupportedProtocol: "UnsupportedProtocol",
  UnsupportedRegion: "UnsupportedRegion",
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A failure the caller caused or may see: carries the API error code. Recognise it with {@link isKmsError}. */
export class KmsError extends Error {
  readonly kmsErrorCode: ErrorCodeValue;
  constructor(code: ErrorCodeValue, message: string) {
    super(message);
    this.name = "KmsError";
    this.kmsErrorCode = code;
  }
}

/** True for a {@link KmsError} from any copy of this package (marker check, not `instanceof`). */
export function isKmsError(err: unknown): err is KmsError {
  return typeof err === "object" && err !== null && typeof (err as { kmsErrorCode?: unknown }).kmsErrorCode === "string";
}
