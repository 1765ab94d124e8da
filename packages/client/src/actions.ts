/**
 * Request and response types of the KMS API (`kms`, 2019-01-18; reference §3) for every CMK action: the actions
 * OpenKMS serves and the lifecycle, rotation, import and post-quantum actions of the same API. Names and enums are
 * spelled as Tencent spells them (`PlainText` in the post-quantum actions, `ASYMMETRIC_Encrypt_Decrypt_Kyber_AES`).
 *
 * Binary values are standard base64 strings (RFC 4648 with padding); integers are JSON numbers; times are Unix
 * seconds. Every response carries `RequestId`.
 */

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface TagFilter {
  TagKey: string;
  /** Any of these values; absent = any value. */
  TagValue?: string[];
}

/** Trusted-service member account (not offered by OpenKMS: requests with it are refused). */
export interface MemberAccount {
  MemberAppId?: number;
  MemberUin?: number;
}

export type KeyState = "Enabled" | "Disabled" | "PendingDelete" | "PendingImport" | "Archived";

export type KeyUsage =
  | "ENCRYPT_DECRYPT"
  | "ASYMMETRIC_DECRYPT_RSA_2048"
  | "ASYMMETRIC_DECRYPT_SM2"
  | "ASYMMETRIC_SIGN_VERIFY_SM2"
  | "ASYMMETRIC_SIGN_VERIFY_RSA_2048"
  | "ASYMMETRIC_SIGN_VERIFY_ECC"
  | "ASYMMETRIC_SIGN_VERIFY_ECDSA384"
  | "ASYMMETRIC_SIGN_VERIFY_RSA_3072"
  | "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES"
  | "ASYMMETRIC_SIGN_VERIFY_DILITHIUM";

/** `EncryptionAlgorithm` for returning a plaintext encrypted to the caller's public key. */
export type EncryptionAlgorithm = "SM2" | "SM2_C1C3C2_ASN1" | "RSAES_PKCS1_V1_5" | "RSAES_OAEP_SHA_1" | "RSAES_OAEP_SHA_256";

export type SignatureAlgorithm = "SM2DSA" | "ECC_P256_R1" | "RSA_PSS_SHA_256" | "RSA_PKCS1_SHA_256" | (string & {});

export interface KeyMetadata {
  KeyId: string;
  Alias: string;
  CreateTime: number;
  Description: string;
  KeyState: KeyState;
  KeyUsage: KeyUsage;
  /** 2 = FIPS 140-2 (AES), 4 = SM (国密). */
  Type: number;
  CreatorUin: number;
  KeyRotationEnabled: boolean;
  Owner: string;
  NextRotateTime: number;
  DeletionDate?: number;
  Origin?: "TENCENT_KMS" | "EXTERNAL";
  ValidTo?: number;
  /** `creatorUin/<CreatorUin>/<KeyId>`. */
  ResourceId: string;
  HsmClusterId?: string;
  RotateDays?: number;
  LastRotateTime?: number;
  CreatorUinString?: string;
}

export interface AlgorithmInfo {
  KeyUsage: KeyUsage;
  Algorithm: string;
}

interface WithRequestId {
  RequestId: string;
}

/** Every action: its request and response shapes. */
export interface KmsActions {
  CreateKey: {
    request: { Alias: string; Description?: string; KeyUsage?: KeyUsage; Type?: 1 | 2; Tags?: Tag[]; HsmClusterId?: string };
    response: WithRequestId & { KeyId: string; Alias: string; CreateTime: number; Description?: string; KeyState: KeyState; KeyUsage: KeyUsage; TagCode?: number; TagMsg?: string; HsmClusterId?: string };
  };
  DescribeKey: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { KeyMetadata: KeyMetadata } };
  DescribeKeys: { request: { KeyIds: string[]; MemberAccount?: MemberAccount }; response: WithRequestId & { KeyMetadatas: KeyMetadata[] } };
  ListKeys: {
    request: { Offset?: number; Limit?: number; Role?: 0 | 1; HsmClusterId?: string };
    response: WithRequestId & { Keys?: { KeyId: string }[]; TotalCount: number };
  };
  ListKeyDetail: {
    request: {
      Offset?: number; Limit?: number; Role?: 0 | 1; OrderType?: 0 | 1; KeyState?: 0 | 1 | 2 | 3 | 4 | 5; SearchKeyAlias?: string;
      Origin?: "TENCENT_KMS" | "EXTERNAL" | "ALL" | ""; KeyUsage?: KeyUsage | "ALL" | ""; TagFilters?: TagFilter[];
      HsmClusterId?: string; MemberAccounts?: MemberAccount[];
    };
    response: WithRequestId & { TotalCount: number; KeyMetadatas?: KeyMetadata[] };
  };
  EnableKey: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  DisableKey: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  EnableKeys: { request: { KeyIds: string[]; MemberAccount?: MemberAccount }; response: WithRequestId };
  DisableKeys: { request: { KeyIds: string[]; MemberAccount?: MemberAccount }; response: WithRequestId };
  ScheduleKeyDeletion: {
    /** PendingWindowInDays 7–30. */
    request: { KeyId: string; PendingWindowInDays: number; MemberAccount?: MemberAccount };
    response: WithRequestId & { DeletionDate: number; KeyId: string };
  };
  CancelKeyDeletion: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { KeyId: string } };
  ArchiveKey: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  CancelKeyArchive: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  UpdateAlias: { request: { Alias: string; KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  UpdateKeyDescription: { request: { Description: string; KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  Encrypt: {
    /** Plaintext: base64 of 1–4096 bytes; EncryptionContext: JSON object of strings, ≤ 1024 chars. */
    request: { KeyId: string; Plaintext: string; EncryptionContext?: string };
    response: WithRequestId & { CiphertextBlob: string; KeyId: string };
  };
  Decrypt: {
    request: { CiphertextBlob: string; EncryptionContext?: string; EncryptionPublicKey?: string; EncryptionAlgorithm?: EncryptionAlgorithm };
    /** Plaintext: base64 of the plaintext, or of its encryption to EncryptionPublicKey. */
    response: WithRequestId & { KeyId: string; Plaintext: string };
  };
  ReEncrypt: {
    request: { CiphertextBlob: string; DestinationKeyId?: string; SourceEncryptionContext?: string; DestinationEncryptionContext?: string };
    response: WithRequestId & { CiphertextBlob: string; KeyId: string; SourceKeyId: string; ReEncrypted: boolean };
  };
  GenerateDataKey: {
    /** KeySpec AES_128 (16 B) / AES_256 (32 B), or NumberOfBytes 1–1024 (wins). */
    request: {
      KeyId: string; KeySpec?: "AES_128" | "AES_256"; NumberOfBytes?: number; EncryptionContext?: string;
      EncryptionPublicKey?: string; EncryptionAlgorithm?: EncryptionAlgorithm; IsHostedByKms?: 0 | 1; DataKeyName?: string;
      Description?: string; HsmClusterId?: string; Tags?: Tag[];
    };
    response: WithRequestId & { KeyId: string; Plaintext: string; CiphertextBlob: string; DataKeyId?: string; TagCode?: number; TagMsg?: string };
  };
  /** NumberOfBytes 1–1024. */
  GenerateRandom: { request: { NumberOfBytes: number }; response: WithRequestId & { Plaintext: string } };
  GetPublicKey: { request: { KeyId: string }; response: WithRequestId & { KeyId: string; PublicKey: string; PublicKeyPem: string } };
  AsymmetricRsaDecrypt: {
    request: { KeyId: string; Ciphertext: string; Algorithm: "RSAES_PKCS1_V1_5" | "RSAES_OAEP_SHA_1" | "RSAES_OAEP_SHA_256" };
    response: WithRequestId & { KeyId: string; Plaintext: string };
  };
  AsymmetricSm2Decrypt: {
    /** Ciphertext: base64 of ≤ 256 bytes of C1C3C2 ASN.1. */
    request: { KeyId: string; Ciphertext: string };
    response: WithRequestId & { KeyId: string; Plaintext: string };
  };
  SignByAsymmetricKey: {
    /** Message: base64 of ≤ 4096 bytes (RAW) or exactly 32 bytes (DIGEST). */
    request: { Algorithm: SignatureAlgorithm; Message: string; KeyId: string; MessageType?: "RAW" | "DIGEST" };
    response: WithRequestId & { Signature: string };
  };
  VerifyByAsymmetricKey: {
    request: { KeyId: string; SignatureValue: string; Message: string; Algorithm: SignatureAlgorithm; MessageType?: "RAW" | "DIGEST" };
    response: WithRequestId & { SignatureValid: boolean };
  };
  PostQuantumCryptoEncrypt: { request: { KeyId: string; PlainText: string }; response: WithRequestId & { CiphertextBlob: string; KeyId: string } };
  PostQuantumCryptoDecrypt: {
    request: { CiphertextBlob: string; EncryptionPublicKey?: string; EncryptionAlgorithm?: EncryptionAlgorithm };
    response: WithRequestId & { KeyId: string; PlainText: string };
  };
  PostQuantumCryptoSign: { request: { Message: string; KeyId: string }; response: WithRequestId & { Signature: string } };
  PostQuantumCryptoVerify: { request: { KeyId: string; SignatureValue: string; Message: string }; response: WithRequestId & { SignatureValid: boolean } };
  GetParametersForImport: {
    request: { KeyId: string; WrappingAlgorithm: "RSAES_PKCS1_V1_5" | "RSAES_OAEP_SHA_1" | "RSAES_OAEP_SHA_256"; WrappingKeySpec: "RSA_2048" };
    response: WithRequestId & { KeyId: string; ImportToken: string; PublicKey: string; ParametersValidTo: number };
  };
  ImportKeyMaterial: { request: { EncryptedKeyMaterial: string; ImportToken: string; KeyId: string; ValidTo?: number }; response: WithRequestId };
  DeleteImportedKeyMaterial: { request: { KeyId: string }; response: WithRequestId };
  /** RotateDays 7–365 (default 365). */
  EnableKeyRotation: { request: { KeyId: string; RotateDays?: number; MemberAccount?: MemberAccount }; response: WithRequestId };
  DisableKeyRotation: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  GetKeyRotationStatus: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { KeyRotationEnabled: boolean } };
  RotateKey: { request: { KeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { TaskId?: string } };
  GetServiceStatus: {
    request: Record<string, never>;
    response: WithRequestId & {
      ServiceEnabled: boolean; InvalidType: number; UserLevel: number; ProExpireTime: number; ProRenewFlag: number;
      ProResourceId: string; ExclusiveVSMEnabled: boolean; ExclusiveHSMEnabled: boolean; SubscriptionInfo: string;
      CmkUserCount?: number; CmkLimit?: number; IsAllowedDataKeyHosted?: boolean; IsAllowedSync?: boolean;
    };
  };
  GetRegions: { request: Record<string, never>; response: WithRequestId & { Regions: string[] } };
  ListAlgorithms: {
    request: Record<string, never>;
    response: WithRequestId & { SymmetricAlgorithms: AlgorithmInfo[]; AsymmetricAlgorithms: AlgorithmInfo[]; AsymmetricSignVerifyAlgorithms: AlgorithmInfo[] };
  };
  /**
   * OpenKMS's own (not a Tencent action; method `openkmsListAuditRecords`): the calling account's audit records,
   * newest first (docs/access-control.md). Times are Unix seconds; `EndTime` is inclusive.
   */
  "OpenKMS.ListAuditRecords": {
    request: {
      StartTime?: number; EndTime?: number; Action?: string; KeyId?: string;
      /** `Success`, `Error`, `Started` or an error code (exact, or the part before a dot: `AuthFailure`). */
      Result?: string; Offset?: number; Limit?: number; OrderType?: 0 | 1;
    };
    response: WithRequestId & { TotalCount: number; Records: AuditRecord[] };
  };
}

/** One audit record as OpenKMS.ListAuditRecords returns it (never a body or a secret). */
export interface AuditRecord {
  Seq: number;
  /** Unix seconds, and the same time in Unix milliseconds. */
  Time: number;
  TimeMs: number;
  RequestId: string;
  Action: string;
  SecretId: string;
  /** The caller's uin. */
  Uin: string;
  SourceAddress: string;
  KeyIds: string[];
  /** `Success`, the error code, or `Started` (the write-ahead record of a state-changing action). */
  Code: string;
  LatencyMs: number;
}

export type ActionName = keyof KmsActions;
export type KmsRequest<A extends ActionName> = KmsActions[A]["request"];
export type KmsResponse<A extends ActionName> = KmsActions[A]["response"];

/** Every typed action, by name (the runtime list behind the client's methods). */
export const ACTION_NAMES = [
  "CreateKey", "DescribeKey", "DescribeKeys", "ListKeys", "ListKeyDetail", "EnableKey", "DisableKey", "EnableKeys",
  "DisableKeys", "ScheduleKeyDeletion", "CancelKeyDeletion", "ArchiveKey", "CancelKeyArchive", "UpdateAlias",
  "UpdateKeyDescription", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateRandom", "GetPublicKey",
  "AsymmetricRsaDecrypt", "AsymmetricSm2Decrypt", "SignByAsymmetricKey", "VerifyByAsymmetricKey",
  "PostQuantumCryptoEncrypt", "PostQuantumCryptoDecrypt", "PostQuantumCryptoSign", "PostQuantumCryptoVerify",
  "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial", "EnableKeyRotation",
  "DisableKeyRotation", "GetKeyRotationStatus", "RotateKey", "GetServiceStatus", "GetRegions", "ListAlgorithms",
  "OpenKMS.ListAuditRecords",
] as const satisfies readonly ActionName[];

// Compile-time check that ACTION_NAMES lists every key of KmsActions.
type Missing = Exclude<ActionName, (typeof ACTION_NAMES)[number]>;
const _allListed: [Missing] extends [never] ? true : Missing = true;
void _allListed;
