/**
 * Request and response types of the KMS API (`kms`, 2019-01-18; reference §3) for every action OpenKMS serves: CMK
 * lifecycle, crypto, rotation, import, post-quantum, cloud-resource binding and KMS-hosted data keys. Names and enums are
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

/** A KMS-hosted data key's state. */
export type DataKeyState = "Enabled" | "Disabled" | "PendingDelete";

/** Reference §3.14 DataKeyMetadata. */
export interface DataKeyMetadata {
  DataKeyId: string;
  KeyId: string;
  /** The CMK's alias, while the CMK exists. */
  KeyName?: string;
  DataKeyName: string;
  /** Length of the data key in bytes. */
  NumberOfBytes: number;
  CreateTime: number;
  Description: string;
  KeyState: DataKeyState;
  CreatorUin: number;
  /** `user`, or the product that created it. */
  Owner: string;
  DeletionDate?: number;
  Origin?: "TENCENT_KMS" | "EXTERNAL";
  /** `creatorUin/<uin>/<DataKeyId>`. */
  ResourceId?: string;
  CreatorUinString?: string;
}

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
      DataKeyLimit?: number; FreeDataKeyLimit?: number; DataKeyUsedCount?: number;
    };
  };
  GetRegions: { request: Record<string, never>; response: WithRequestId & { Regions: string[] } };
  /** Reference §3.11: ProductId / ResourceId name the cloud resource that uses the CMK. */
  BindCloudResource: { request: { KeyId: string; ProductId: string; ResourceId: string }; response: WithRequestId };
  UnbindCloudResource: { request: { KeyId: string; ProductId: string; ResourceId: string }; response: WithRequestId };
  /** Reference §3.12. ImportType 1 = a CiphertextBlob (KeyId optional), 2 = base64 plaintext (KeyId required). */
  ImportDataKey: {
    request: { DataKeyName: string; ImportKeyMaterial: string; ImportType: 1 | 2; Description?: string; KeyId?: string; HsmClusterId?: string; Tags?: Tag[] };
    response: WithRequestId & { KeyId: string; DataKeyId: string; TagCode?: number; TagMsg?: string };
  };
  DescribeDataKey: { request: { DataKeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { DataKeyMetadata: DataKeyMetadata } };
  /** 1–100 DataKeyIds. */
  DescribeDataKeys: { request: { DataKeyIds: string[]; MemberAccount?: MemberAccount }; response: WithRequestId & { DataKeyMetadatas: DataKeyMetadata[] } };
  ListDataKeys: {
    request: { Offset?: number; Limit?: number; Role?: 0 | 1; HsmClusterId?: string };
    response: WithRequestId & { DataKeys?: { DataKeyId: string }[]; TotalCount: number };
  };
  /** KeyState 0 all, 1 Enabled, 2 Disabled, 3 PendingDelete; OrderType 0 CreateTime desc, 1 asc. */
  ListDataKeyDetail: {
    request: {
      Offset?: number; Limit?: number; Role?: 0 | 1; OrderType?: 0 | 1; KeyState?: 0 | 1 | 2 | 3; SearchKeyAlias?: string;
      Origin?: "TENCENT_KMS" | "EXTERNAL" | "ALL"; HsmClusterId?: string; KeyId?: string; DataKeyLen?: number; TagFilters?: TagFilter[];
      MemberAccounts?: MemberAccount[];
    };
    response: WithRequestId & { DataKeyMetadatas?: DataKeyMetadata[]; TotalCount: number };
  };
  EnableDataKey: { request: { DataKeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  EnableDataKeys: { request: { DataKeyIds: string[]; MemberAccount?: MemberAccount }; response: WithRequestId };
  DisableDataKey: { request: { DataKeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  DisableDataKeys: { request: { DataKeyIds: string[]; MemberAccount?: MemberAccount }; response: WithRequestId };
  /** PendingWindowInDays 7–30. */
  ScheduleDataKeyDeletion: {
    request: { DataKeyId: string; PendingWindowInDays: number; MemberAccount?: MemberAccount };
    response: WithRequestId & { DeletionDate: number; DataKeyId: string };
  };
  CancelDataKeyDeletion: { request: { DataKeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { DataKeyId?: string } };
  GetDataKeyPlaintext: {
    request: { DataKeyId: string; EncryptionPublicKey?: string; EncryptionAlgorithm?: EncryptionAlgorithm };
    response: WithRequestId & { Plaintext: string };
  };
  GetDataKeyCiphertextBlob: { request: { DataKeyId: string; MemberAccount?: MemberAccount }; response: WithRequestId & { CiphertextBlob: string } };
  UpdateDataKeyName: { request: { DataKeyId: string; DataKeyName: string; MemberAccount?: MemberAccount }; response: WithRequestId };
  /** Description ≤ 100 bytes. */
  UpdateDataKeyDescription: { request: { DataKeyId: string; Description: string; MemberAccount?: MemberAccount }; response: WithRequestId };
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
  "BindCloudResource", "UnbindCloudResource", "ImportDataKey", "DescribeDataKey", "DescribeDataKeys", "ListDataKeys",
  "ListDataKeyDetail", "EnableDataKey", "EnableDataKeys", "DisableDataKey", "DisableDataKeys", "ScheduleDataKeyDeletion",
  "CancelDataKeyDeletion", "GetDataKeyPlaintext", "GetDataKeyCiphertextBlob", "UpdateDataKeyName", "UpdateDataKeyDescription",
  "OpenKMS.ListAuditRecords",
] as const satisfies readonly ActionName[];

// Compile-time check that ACTION_NAMES lists every key of KmsActions.
type Missing = Exclude<ActionName, (typeof ACTION_NAMES)[number]>;
const _allListed: [Missing] extends [never] ? true : Missing = true;
void _allListed;
