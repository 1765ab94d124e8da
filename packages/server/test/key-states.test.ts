/**
 * Every cell of the key state machine (reference §8, with the decisions of docs/key-states.md where it says
 * "inferred") through the official SDK: for each origin × state, a fresh key is brought into that state by API calls
 * only, one operation is called, and the outcome is checked — success and the state it leaves, or the error code and
 * an unchanged state. The table below is the one in docs/key-states.md.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wrapWithNode } from "./_byok.js";
import { DAY, testClock, type TestClock } from "./_clock.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

type State = "Enabled" | "Disabled" | "PendingDelete" | "PendingImport" | "Archived";
type Origin = "TENCENT_KMS" | "EXTERNAL";

const OPS = [
  "Encrypt", "GenerateDataKey", "Decrypt", "ReEncrypt (same key)", "ReEncrypt (to another key)", "EnableKey", "DisableKey",
  "ScheduleKeyDeletion", "CancelKeyDeletion", "ArchiveKey", "CancelKeyArchive", "UpdateAlias", "UpdateKeyDescription",
  "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial", "EnableKeyRotation", "DisableKeyRotation",
  "GetKeyRotationStatus", "RotateKey", "DescribeKey",
] as const;
type Op = (typeof OPS)[number];

// Outcomes: "ok" = succeeds, state unchanged; "→State" = succeeds and moves the key there; anything else = error code.
const ok = "ok";
const CSNS = "ResourceUnavailable.CmkStateNotSupport";
const DIS = "ResourceUnavailable.CmkDisabled";
const ARC = "ResourceUnavailable.CmkArchived";
const KPD = "ResourceUnavailable.KeyPendingDelete";
const SBD = "ResourceUnavailable.CmkShouldBeDisabled";
const NPD = "ResourceUnavailable.CmkNotPendingDelete";
const NEXT = "UnsupportedOperation.NotExternalCmk";
const EXTROT = "UnsupportedOperation.ExternalCmkCanNotRotate";
const ROTNS = "UnsupportedOperation.RotateNotSupported";

/** Rows: origin/state. Columns: OPS, in order. */
const TABLE: Record<string, [Origin, State, string[]]> = {
  //                                  Enc   GDK   Dec   ReSame ReOther Enable        Disable        Schedule          CancelDel     Archive       CancelArch   Alias Desc  GetParams Import      DelMat           EnableRot RotOff RotStatus Rotate Describe
  "TENCENT_KMS Enabled":       ["TENCENT_KMS", "Enabled",       [ok,   ok,   ok,   ok,    ok,     ok,           "→Disabled",   SBD,              NPD,          "→Archived",  CSNS,        ok,   ok,   NEXT,     NEXT,       NEXT,            ok,       ok,    ok,       ok,    ok]],
  "TENCENT_KMS Disabled":      ["TENCENT_KMS", "Disabled",      [DIS,  DIS,  DIS,  DIS,   DIS,    "→Enabled",   ok,            "→PendingDelete", NPD,          "→Archived",  CSNS,        ok,   ok,   NEXT,     NEXT,       NEXT,            CSNS,     ok,    ok,       CSNS,  ok]],
  "TENCENT_KMS PendingDelete": ["TENCENT_KMS", "PendingDelete", [CSNS, KPD,  CSNS, CSNS,  CSNS,   CSNS,         CSNS,          CSNS,             "→Disabled",  CSNS,         CSNS,        CSNS, CSNS, NEXT,     NEXT,       NEXT,            CSNS,     ok,    ok,       CSNS,  ok]],
  "TENCENT_KMS Archived":      ["TENCENT_KMS", "Archived",      [ARC,  ARC,  ok,   ok,    ok,     CSNS,         "→Disabled",   SBD,              NPD,          CSNS,         "→Enabled",  ok,   ok,   NEXT,     NEXT,       NEXT,            CSNS,     ok,    ok,       CSNS,  ok]],
  "EXTERNAL PendingImport":    ["EXTERNAL",    "PendingImport", [CSNS, CSNS, CSNS, CSNS,  CSNS,   CSNS,         CSNS,          "→PendingDelete", NPD,          CSNS,         CSNS,        ok,   ok,   ok,       "→Enabled", CSNS,            EXTROT,   ok,    ok,       ROTNS, ok]],
  "EXTERNAL Enabled":          ["EXTERNAL",    "Enabled",       [ok,   ok,   ok,   ok,    ok,     ok,           "→Disabled",   SBD,              NPD,          "→Archived",  CSNS,        ok,   ok,   ok,       ok,         "→PendingImport", EXTROT,  ok,    ok,       ROTNS, ok]],
  "EXTERNAL Disabled":         ["EXTERNAL",    "Disabled",      [DIS,  DIS,  DIS,  DIS,   DIS,    "→Enabled",   ok,            "→PendingDelete", NPD,          "→Archived",  CSNS,        ok,   ok,   ok,       CSNS,       "→PendingImport", EXTROT,  ok,    ok,       ROTNS, ok]],
  "EXTERNAL PendingDelete":    ["EXTERNAL",    "PendingDelete", [CSNS, KPD,  CSNS, CSNS,  CSNS,   CSNS,         CSNS,          CSNS,             "→Disabled",  CSNS,         CSNS,        CSNS, CSNS, CSNS,     CSNS,       CSNS,            EXTROT,   ok,    ok,       ROTNS, ok]],
  "EXTERNAL Archived":         ["EXTERNAL",    "Archived",      [ARC,  ARC,  ok,   ok,    ok,     CSNS,         "→Disabled",   SBD,              NPD,          CSNS,         "→Enabled",  ok,   ok,   ok,       CSNS,       "→PendingImport", EXTROT,  ok,    ok,       ROTNS, ok]],
};

let kms: Running;
let otherKeyId: string;
let n = 0;
const uniq = () => `st-${++n}-${Math.random().toString(36).slice(2, 8)}`;
const MATERIAL_LENGTH = 16; // sm edition

interface Prepared {
  keyId: string;
  /** A blob encrypted while the key was Enabled. */
  blob: string;
  /** The imported material (EXTERNAL keys). */
  material?: Buffer;
}

async function importMaterial(keyId: string, material: Buffer): Promise<void> {
  const params = await kms.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
  await kms.call("ImportKeyMaterial", { KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapWithNode(params.PublicKey, "RSAES_OAEP_SHA_256", material) });
}

async function state(keyId: string): Promise<string> {
  return (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState;
}

/** A fresh key of `origin`, brought to `target` through the API only. */
async function prepare(origin: Origin, target: State): Promise<Prepared> {
  let keyId: string;
  let material: Buffer | undefined;
  if (origin === "TENCENT_KMS") {
    keyId = (await kms.call("CreateKey", { Alias: uniq() })).KeyId;
    await kms.call("EnableKeyRotation", { KeyId: keyId }); // so that RotateKey depends on the state alone
  } else {
    keyId = (await kms.call("CreateKey", { Alias: uniq(), Type: 2 })).KeyId;
    material = randomBytes(MATERIAL_LENGTH);
    await importMaterial(keyId, material);
  }
  const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("state machine") })).CiphertextBlob as string;
  if (target === "Disabled" || target === "PendingDelete") await kms.call("DisableKey", { KeyId: keyId });
  if (target === "PendingDelete") await kms.call("ScheduleKeyDeletion", { KeyId: keyId, PendingWindowInDays: 7 });
  if (target === "Archived") await kms.call("ArchiveKey", { KeyId: keyId });
  if (target === "PendingImport") await kms.call("DeleteImportedKeyMaterial", { KeyId: keyId });
  expect(await state(keyId)).toBe(target);
  return { keyId, blob, ...(material ? { material } : {}) };
}

const bogusToken = (keyId: string) => Buffer.concat([Buffer.from([1]), Buffer.from(keyId.replace(/-/g, ""), "hex"), Buffer.alloc(16)]).toString("base64");

const RUN: Record<Op, (k: Prepared) => Promise<unknown>> = {
  Encrypt: (k) => kms.call("Encrypt", { KeyId: k.keyId, Plaintext: b64("x") }),
  GenerateDataKey: (k) => kms.call("GenerateDataKey", { KeyId: k.keyId, KeySpec: "AES_256" }),
  Decrypt: async (k) => expect(unb64((await kms.call("Decrypt", { CiphertextBlob: k.blob })).Plaintext).toString()).toBe("state machine"),
  "ReEncrypt (same key)": (k) => kms.call("ReEncrypt", { CiphertextBlob: k.blob }),
  "ReEncrypt (to another key)": (k) => kms.call("ReEncrypt", { CiphertextBlob: k.blob, DestinationKeyId: otherKeyId }),
  EnableKey: (k) => kms.call("EnableKey", { KeyId: k.keyId }),
  DisableKey: (k) => kms.call("DisableKey", { KeyId: k.keyId }),
  ScheduleKeyDeletion: (k) => kms.call("ScheduleKeyDeletion", { KeyId: k.keyId, PendingWindowInDays: 7 }),
  CancelKeyDeletion: (k) => kms.call("CancelKeyDeletion", { KeyId: k.keyId }),
  ArchiveKey: (k) => kms.call("ArchiveKey", { KeyId: k.keyId }),
  CancelKeyArchive: (k) => kms.call("CancelKeyArchive", { KeyId: k.keyId }),
  UpdateAlias: (k) => kms.call("UpdateAlias", { KeyId: k.keyId, Alias: uniq() }),
  UpdateKeyDescription: (k) => kms.call("UpdateKeyDescription", { KeyId: k.keyId, Description: "changed" }),
  GetParametersForImport: (k) => kms.call("GetParametersForImport", { KeyId: k.keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_1", WrappingKeySpec: "RSA_2048" }),
  ImportKeyMaterial: async (k) => {
    let token = bogusToken(k.keyId);
    let encrypted = randomBytes(256).toString("base64");
    try {
      const params = await kms.call("GetParametersForImport", { KeyId: k.keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
      token = params.ImportToken;
      encrypted = wrapWithNode(params.PublicKey, "RSAES_OAEP_SHA_256", k.material ?? randomBytes(MATERIAL_LENGTH));
    } catch {
      // no parameters in this state: the import must be refused before the token is looked at
    }
    return kms.call("ImportKeyMaterial", { KeyId: k.keyId, ImportToken: token, EncryptedKeyMaterial: encrypted });
  },
  DeleteImportedKeyMaterial: (k) => kms.call("DeleteImportedKeyMaterial", { KeyId: k.keyId }),
  EnableKeyRotation: (k) => kms.call("EnableKeyRotation", { KeyId: k.keyId, RotateDays: 30 }),
  DisableKeyRotation: (k) => kms.call("DisableKeyRotation", { KeyId: k.keyId }),
  GetKeyRotationStatus: (k) => kms.call("GetKeyRotationStatus", { KeyId: k.keyId }),
  RotateKey: (k) => kms.call("RotateKey", { KeyId: k.keyId }),
  DescribeKey: (k) => kms.call("DescribeKey", { KeyId: k.keyId }),
};

async function outcome(op: Op, k: Prepared): Promise<string> {
  try {
    await RUN[op](k);
    return ok;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!code) throw e;
    return code;
  }
}

beforeAll(async () => {
  kms = await startServer({ edition: "sm", schedulerIntervalSeconds: 0 });
  otherKeyId = (await kms.call("CreateKey", { Alias: "destination" })).KeyId;
});
afterAll(async () => kms.stop());

const cells = Object.entries(TABLE).flatMap(([row, [origin, from, outcomes]]) => {
  expect(outcomes.length).toBe(OPS.length);
  return OPS.map((op, i) => [row, op, origin, from, outcomes[i]!] as const);
});

describe("reference §8: every state × operation through the SDK", () => {
  it.each(cells)("%s × %s", async (_row, op, origin, from, expected) => {
    const k = await prepare(origin, from);
    const got = await outcome(op, k);
    if (expected.startsWith("→")) {
      expect(got).toBe(ok);
      expect(await state(k.keyId)).toBe(expected.slice(1));
    } else {
      expect(got).toBe(expected);
      expect(await state(k.keyId)).toBe(from); // refused operations (and reads) change nothing
    }
  });
});

describe("after DeletionDate the key is gone for every operation", () => {
  let clock: TestClock;
  let gone: Prepared;
  beforeAll(async () => {
    await kms.stop();
    clock = testClock();
    kms = await startServer({ edition: "sm", schedulerIntervalSeconds: 0, clock });
    otherKeyId = (await kms.call("CreateKey", { Alias: "destination" })).KeyId;
    gone = await prepare("TENCENT_KMS", "PendingDelete");
    clock.advance(7 * DAY);
  });
  afterAll(() => clock.restore());
  it.each(OPS.map((op) => [op]))("%s → ResourceUnavailable.CmkNotFound", async (op) => {
    expect(await outcome(op, gone)).toBe("ResourceUnavailable.CmkNotFound");
  });
});
