/**
 * The client against a running OpenKMS server: a typed method for every action the server has (checked against the
 * server's action table, so an action added to the server without a type here fails this test), real values back,
 * API errors as KmsApiError with the server's code and RequestId (not retried), and a server that is not there.
 */
import { constants, createPublicKey, publicEncrypt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actions, AccountAdmin, openDataDir } from "@openkms/server";
import { ACTION_NAMES, methodName, isKmsApiError, isKmsNetworkError, KmsClient, type KmsApiError } from "../src/index.js";
import { b64, startServer, unb64, type TestServer } from "./_server.js";

let s: TestServer;
let kms: KmsClient;
const retried: string[] = [];

beforeAll(async () => {
  s = await startServer();
  kms = s.client({ onRetry: (e) => retried.push(e.action) });
});
afterAll(async () => s.stop());

it("has a typed method for every action the server answers", () => {
  const typed = new Set<string>(ACTION_NAMES);
  const missing = [...actions.keys()].filter((a) => !typed.has(a));
  expect(missing).toEqual([]);
  for (const a of ACTION_NAMES) expect(typeof (kms as unknown as Record<string, unknown>)[methodName(a)]).toBe("function");
});

describe("every server action through its typed method", () => {
  it("symmetric keys, lifecycle and service actions", async () => {
    const created = await kms.createKey({ Alias: "client-key", Description: "made by @openkms/client", Tags: [{ TagKey: "t", TagValue: "v" }] });
    expect(created).toMatchObject({ Alias: "client-key", KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT" });
    const KeyId = created.KeyId;
    expect((await kms.describeKey({ KeyId })).KeyMetadata).toMatchObject({ KeyId, Alias: "client-key", CreatorUin: Number(s.server.uin) });
    expect((await kms.describeKeys({ KeyIds: [KeyId] })).KeyMetadatas.map((m) => m.KeyId)).toEqual([KeyId]);
    expect((await kms.listKeys({ Limit: 200 })).Keys!.map((k) => k.KeyId)).toContain(KeyId);
    expect((await kms.listKeyDetail({ SearchKeyAlias: "client-key" })).TotalCount).toBe(1);
    await kms.updateAlias({ KeyId, Alias: "client-key-2" });
    await kms.updateKeyDescription({ KeyId, Description: "changed" });
    expect((await kms.describeKey({ KeyId })).KeyMetadata).toMatchObject({ Alias: "client-key-2", Description: "changed" });
    await kms.disableKey({ KeyId });
    await kms.enableKey({ KeyId });
    await kms.disableKeys({ KeyIds: [KeyId] });
    expect((await kms.describeKey({ KeyId })).KeyMetadata.KeyState).toBe("Disabled");
    await kms.enableKeys({ KeyIds: [KeyId] });

    const enc = await kms.encrypt({ KeyId, Plaintext: b64("hello from the client"), EncryptionContext: '{"app":"c"}' });
    const dec = await kms.decrypt({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: '{"app":"c"}' });
    expect(unb64(dec.Plaintext).toString()).toBe("hello from the client");
    const re = await kms.reEncrypt({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: '{"app":"c"}' });
    expect(re).toMatchObject({ KeyId, SourceKeyId: KeyId, ReEncrypted: true });
    const dk = await kms.generateDataKey({ KeyId, KeySpec: "AES_256" });
    expect(unb64(dk.Plaintext)).toHaveLength(32);
    expect((await kms.decrypt({ CiphertextBlob: dk.CiphertextBlob })).Plaintext).toBe(dk.Plaintext);
    expect(unb64((await kms.generateRandom({ NumberOfBytes: 24 })).Plaintext)).toHaveLength(24);
    expect((await kms.listAlgorithms()).SymmetricAlgorithms[0]).toEqual({ Algorithm: "SM4", KeyUsage: "ENCRYPT_DECRYPT" });
    expect((await kms.getServiceStatus()).ServiceEnabled).toBe(true);
    expect((await kms.getRegions()).Regions).toEqual(["ap-guangzhou"]);
    // OpenKMS's own action, under its openkms-prefixed method: the calls above, newest first.
    const audit = await kms.openkmsListAuditRecords({ KeyId, Result: "Success", Action: "UpdateAlias" });
    expect(audit.TotalCount).toBe(1);
    expect(audit.Records[0]).toMatchObject({ Action: "UpdateAlias", KeyIds: [KeyId], Code: "Success", Uin: s.server.uin });
  });

  it("asymmetric actions", async () => {
    const rsa = (await kms.createKey({ Alias: "client-rsa", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" })).KeyId;
    const pub = await kms.getPublicKey({ KeyId: rsa });
    expect(pub.PublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const ct = publicEncrypt({ key: pub.PublicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from("rsa via client"));
    const plain = await kms.asymmetricRsaDecrypt({ KeyId: rsa, Ciphertext: ct.toString("base64"), Algorithm: "RSAES_OAEP_SHA_256" });
    expect(unb64(plain.Plaintext).toString()).toBe("rsa via client");

    const sm2dec = (await kms.createKey({ Alias: "client-sm2", KeyUsage: "ASYMMETRIC_DECRYPT_SM2" })).KeyId;
    const e = await kms.asymmetricSm2Decrypt({ KeyId: sm2dec, Ciphertext: b64("not sm2") }).catch((x) => x);
    expect((e as KmsApiError).code).toBe("FailedOperation.DecryptError");

    const signer = (await kms.createKey({ Alias: "client-ecc", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" })).KeyId;
    const sig = await kms.signByAsymmetricKey({ KeyId: signer, Algorithm: "ECC_P256_R1", Message: b64("signed by client") });
    const ok = await kms.verifyByAsymmetricKey({ KeyId: signer, Algorithm: "ECC_P256_R1", Message: b64("signed by client"), SignatureValue: sig.Signature });
    expect(ok.SignatureValid).toBe(true);
    const bad = await kms.verifyByAsymmetricKey({ KeyId: signer, Algorithm: "ECC_P256_R1", Message: b64("other"), SignatureValue: sig.Signature });
    expect(bad.SignatureValid).toBe(false);
  });

  it("lifecycle, rotation, key import and post-quantum actions", async () => {
    const KeyId = (await kms.createKey({ Alias: "client-life" })).KeyId;
    await kms.archiveKey({ KeyId });
    expect((await kms.describeKey({ KeyId })).KeyMetadata.KeyState).toBe("Archived");
    await kms.cancelKeyArchive({ KeyId });
    await kms.enableKeyRotation({ KeyId, RotateDays: 90 });
    expect((await kms.getKeyRotationStatus({ KeyId })).KeyRotationEnabled).toBe(true);
    expect((await kms.rotateKey({ KeyId })).TaskId).toMatch(/^[0-9a-f-]{36}$/);
    await kms.disableKeyRotation({ KeyId });
    expect((await kms.getKeyRotationStatus({ KeyId })).KeyRotationEnabled).toBe(false);
    await kms.disableKey({ KeyId });
    const scheduled = await kms.scheduleKeyDeletion({ KeyId, PendingWindowInDays: 7 });
    expect(scheduled.KeyId).toBe(KeyId);
    expect(scheduled.DeletionDate).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect((await kms.cancelKeyDeletion({ KeyId })).KeyId).toBe(KeyId);

    const ext = (await kms.createKey({ Alias: "client-byok", Type: 2 })).KeyId;
    const params = await kms.getParametersForImport({ KeyId: ext, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    const pub = createPublicKey({ key: unb64(params.PublicKey), format: "der", type: "spki" });
    const material = Buffer.alloc(16, 3); // sm edition
    const EncryptedKeyMaterial = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, material).toString("base64");
    await kms.importKeyMaterial({ KeyId: ext, ImportToken: params.ImportToken, EncryptedKeyMaterial });
    expect((await kms.describeKey({ KeyId: ext })).KeyMetadata).toMatchObject({ KeyState: "Enabled", Origin: "EXTERNAL" });
    await kms.deleteImportedKeyMaterial({ KeyId: ext });
    expect((await kms.describeKey({ KeyId: ext })).KeyMetadata.KeyState).toBe("PendingImport");

    const kyber = (await kms.createKey({ Alias: "client-kyber", KeyUsage: "ASYMMETRIC_Encrypt_Decrypt_Kyber_AES" })).KeyId;
    const pq = await kms.postQuantumCryptoEncrypt({ KeyId: kyber, PlainText: b64("post-quantum via client") });
    expect(unb64((await kms.postQuantumCryptoDecrypt({ CiphertextBlob: pq.CiphertextBlob })).PlainText).toString()).toBe("post-quantum via client");
    const dilithium = (await kms.createKey({ Alias: "client-dilithium", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_DILITHIUM" })).KeyId;
    const sig = await kms.postQuantumCryptoSign({ KeyId: dilithium, Message: b64("pq signed") });
    expect((await kms.postQuantumCryptoVerify({ KeyId: dilithium, Message: b64("pq signed"), SignatureValue: sig.Signature })).SignatureValid).toBe(true);
  });
});

describe("errors", () => {
  it.each<[string, () => Promise<unknown>, string]>([
    ["an unknown key", () => kms.describeKey({ KeyId: "00000000-0000-4000-8000-000000000000" }), "ResourceUnavailable.CmkNotFound"],
    ["a malformed key id", () => kms.encrypt({ KeyId: "nope", Plaintext: b64("x") }), "InvalidParameterValue.InvalidKeyId"],
    ["an out-of-range value", () => kms.generateRandom({ NumberOfBytes: 5000 }), "InvalidParameter"],
    ["a missing parameter", () => kms.requestAny("Encrypt", {}), "MissingParameter"],
    ["an unknown parameter", () => kms.requestAny("GetRegions", { Extra: 1 }), "UnknownParameter"],
    ["an unknown action", () => kms.requestAny("NoSuchAction", {}), "InvalidAction"],
  ])("%s → KmsApiError with the server's code, not retried", async (_what, call, code) => {
    const before = retried.length;
    const e = await call().catch((x) => x);
    expect(isKmsApiError(e)).toBe(true);
    expect(e).toMatchObject({ code, attempts: 1 });
    expect((e as KmsApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(retried.length).toBe(before);
  });
  it("wrong credentials, another region, a sub-user without permission", async () => {
    const wrong = new KmsClient({ endpoint: s.url, secretId: s.server.credential.secretId, secretKey: "not-the-key-000000000000" });
    expect(await wrong.getRegions().catch((e) => e.code)).toBe("AuthFailure.SignatureFailure");
    const elsewhere = s.client({ region: "ap-beijing" });
    expect(await elsewhere.getRegions().catch((e) => e.code)).toBe("UnsupportedRegion");
    const dir = await openDataDir({ dataDir: s.dataDir, create: false, nowSeconds: Math.floor(Date.now() / 1000) });
    let ak;
    try {
      const admin = new AccountAdmin(dir.accounts, dir.root, dir.audit, dir.rootUin);
      await admin.createUser("client-user");
      ak = await admin.createAccessKey("client-user");
    } finally {
      await dir.close();
    }
    const sub = new KmsClient({ endpoint: s.url, secretId: ak.SecretId, secretKey: ak.SecretKey });
    expect(await sub.getRegions().catch((e) => e.code)).toBe("UnauthorizedOperation");
  });
  it("a server that is not there: network errors, retried, then a KmsNetworkError", async () => {
    const waits: number[] = [];
    const gone = new KmsClient({
      endpoint: "http://127.0.0.1:9", secretId: "AKIDx", secretKey: "y".repeat(20),
      retry: { maxAttempts: 3 }, sleep: async (ms) => void waits.push(ms),
    });
    const e = await gone.getRegions().catch((x) => x);
    expect(isKmsNetworkError(e)).toBe(true);
    expect(e).toMatchObject({ attempts: 3, action: "GetRegions" });
    expect(waits).toHaveLength(2);
    for (const [i, w] of waits.entries()) expect(w).toBeLessThan(100 * 2 ** i);
  });
});
