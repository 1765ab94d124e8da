/**
 * SPEC §1 flow 6 (BYOK) through the official SDK against a running server, with the commands of Tencent's import guide
 * (`openssl rand`, `openssl pkeyutl -encrypt` with each of the three paddings, base64), in both editions; then every
 * way an import can go wrong, expiry of parameters and of material on a moved clock, and how the wrapping keys are
 * kept (only root-wrapped, destroyed when superseded or expired, usable by any node of the store).
 */
import { createDecipheriv, createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sm4Gcm } from "@openkms/crypto/sm4-gcm";
import { rootKeyFromBytes } from "../src/root-key.js";
import { wrappingKeyLabel } from "../src/keys/import-token.js";
import type { KeyEvent } from "../src/index.js";
import { WRAPPING_ALGORITHMS, wrapWithNode, wrapWithOpenssl, type WrappingAlgorithm } from "./_byok.js";
import { DAY, testClock, type TestClock } from "./_clock.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
let seq = 0;
const alias = (p: string) => `${p}-${++seq}`;

/** Open a CiphertextBlob v1 (docs/ciphertext-blob.md) with the raw material, outside the server. */
function openLocally(blobB64: string, material: Buffer): Buffer {
  const blob = unb64(blobB64);
  const header = blob.subarray(0, 22), nonce = blob.subarray(22, 34), sealed = blob.subarray(34);
  if (blob[1] === 2) {
    const d = createDecipheriv("aes-256-gcm", material, nonce);
    d.setAAD(header);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  }
  return Buffer.from(sm4Gcm.open(material, nonce, sealed, header));
}

describe.each([["sm", 16], ["fips", 32]] as const)("edition %s: the import guide's flow", (edition, length) => {
  let kms: Running;
  beforeAll(async () => {
    kms = await startServer({ edition, schedulerIntervalSeconds: 0 });
  });
  afterAll(async () => kms.stop());

  it.each(WRAPPING_ALGORITHMS.map((a) => [a]))(
    `CreateKey Type=2 → PendingImport → GetParametersForImport %s → openssl rand ${length} + pkeyutl → ImportKeyMaterial → Enabled`,
    async (algorithm) => {
      const created = await kms.call("CreateKey", { Alias: alias(`byok-${edition}`), Type: 2, Description: "imported" });
      expect(created.KeyState).toBe("PendingImport");
      const keyId = created.KeyId as string;
      const before = (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata;
      expect(before).toMatchObject({ KeyState: "PendingImport", Origin: "EXTERNAL", ValidTo: 0, Type: edition === "sm" ? 4 : 2, KeyRotationEnabled: false });
      expect(await kms.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("ResourceUnavailable.CmkStateNotSupport");

      const params = await kms.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: "RSA_2048" });
      expect(params.KeyId).toBe(keyId);
      const now = Math.floor(Date.now() / 1000);
      expect(params.ParametersValidTo).toBeGreaterThan(now + DAY - 60);
      expect(params.ParametersValidTo).toBeLessThanOrEqual(now + DAY);
      const spki = unb64(params.PublicKey);
      expect(spki.length).toBe(294);
      expect(createPublicKey({ key: spki, format: "der", type: "spki" }).asymmetricKeyDetails?.modulusLength).toBe(2048);

      const { material, encrypted } = wrapWithOpenssl(params.PublicKey, algorithm, length);
      expect(material.length).toBe(length);
      expect(unb64(encrypted).length).toBe(256);
      const r = await kms.call("ImportKeyMaterial", { KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: encrypted, ValidTo: "0" });
      expect(Object.keys(r)).toEqual(["RequestId"]);
      expect((await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata).toMatchObject({ KeyState: "Enabled", Origin: "EXTERNAL", ValidTo: 0 });

      // the key really uses the imported material: its blobs open with it outside the server
      const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("bring your own key") })).CiphertextBlob;
      expect(openLocally(blob, material).toString()).toBe("bring your own key");
      expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("bring your own key");
      const dk = await kms.call("GenerateDataKey", { KeyId: keyId, KeySpec: "AES_256" });
      expect(openLocally(dk.CiphertextBlob, material).equals(unb64(dk.Plaintext))).toBe(true);
    },
  );

  it(`material of any length but ${length} bytes is refused with each padding, and the key stays PendingImport`, async () => {
    const keyId = (await kms.call("CreateKey", { Alias: alias("len"), Type: 2 })).KeyId;
    for (const algorithm of WRAPPING_ALGORITHMS) {
      for (const wrong of [length - 1, length + 1, edition === "sm" ? 32 : 16, 1]) {
        const params = await kms.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: "RSA_2048" });
        const { encrypted } = wrapWithOpenssl(params.PublicKey, algorithm, wrong);
        expect(await kms.fail("ImportKeyMaterial", { KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: encrypted })).toBe(
          "InvalidParameter.DecryptMaterialError",
        );
      }
    }
    expect((await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata.KeyState).toBe("PendingImport");
  });
});

describe("import rules (sm edition)", () => {
  let kms: Running;
  let clock: TestClock;
  const events: KeyEvent[] = [];
  const rootKey = randomBytes(32);
  const root = rootKeyFromBytes(rootKey);
  beforeAll(async () => {
    clock = testClock();
    kms = await startServer({ edition: "sm", clock, rootKey: rootKey.toString("base64"), schedulerIntervalSeconds: 0, onKeyEvent: (e) => void events.push(e) });
  });
  afterAll(async () => {
    await kms.stop();
    clock.restore();
  });

  async function external(): Promise<string> {
    return (await kms.call("CreateKey", { Alias: alias("ext"), Type: 2 })).KeyId;
  }
  async function params(keyId: string, algorithm: WrappingAlgorithm = "RSAES_OAEP_SHA_256") {
    return kms.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: "RSA_2048" });
  }
  async function importInto(keyId: string, material: Buffer, extra: Record<string, unknown> = {}) {
    const p = await params(keyId);
    return kms.call("ImportKeyMaterial", { KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapWithNode(p.PublicKey, "RSAES_OAEP_SHA_256", material), ...extra });
  }
  async function meta(keyId: string) {
    return (await kms.call("DescribeKey", { KeyId: keyId })).KeyMetadata;
  }

  it("a token of another key is refused (TokenExpired), even with material wrapped to that key's public key", async () => {
    const a = await external(), b = await external();
    const pa = await params(a);
    const pb = await params(b);
    const material = randomBytes(16);
    expect(await kms.fail("ImportKeyMaterial", { KeyId: a, ImportToken: pb.ImportToken, EncryptedKeyMaterial: wrapWithNode(pb.PublicKey, "RSAES_OAEP_SHA_256", material) })).toBe(
      "ResourceUnavailable.TokenExpired",
    );
    expect((await meta(a)).KeyState).toBe("PendingImport");
    await kms.call("ImportKeyMaterial", { KeyId: a, ImportToken: pa.ImportToken, EncryptedKeyMaterial: wrapWithNode(pa.PublicKey, "RSAES_OAEP_SHA_256", material) });
    expect((await meta(a)).KeyState).toBe("Enabled");
  });

  it("only the newest parameters are valid: a superseded token is refused and its wrapping key destroyed", async () => {
    const keyId = await external();
    const first = await params(keyId, "RSAES_PKCS1_V1_5");
    const firstStored = await kms.server.store.getImportToken(keyId);
    const second = await params(keyId, "RSAES_OAEP_SHA_1");
    const material = randomBytes(16);
    expect(await kms.fail("ImportKeyMaterial", { KeyId: keyId, ImportToken: first.ImportToken, EncryptedKeyMaterial: wrapWithNode(first.PublicKey, "RSAES_PKCS1_V1_5", material) })).toBe(
      "ResourceUnavailable.TokenExpired",
    );
    // the newest token with material wrapped to the superseded public key does not decrypt
    expect(await kms.fail("ImportKeyMaterial", { KeyId: keyId, ImportToken: second.ImportToken, EncryptedKeyMaterial: wrapWithNode(first.PublicKey, "RSAES_OAEP_SHA_1", material) })).toBe(
      "InvalidParameter.DecryptMaterialError",
    );
    // the first wrapping private key is gone from the database file and its WAL
    const files = ["openkms.db", "openkms.db-wal"].map((f) => join(kms.dataDir, f)).filter(existsSync);
    const inFiles = (bytes: Uint8Array) => files.some((f) => readFileSync(f).includes(Buffer.from(bytes)));
    expect(inFiles(firstStored!.wrappedPrivateKey)).toBe(false);
    expect(inFiles((await kms.server.store.getImportToken(keyId))!.wrappedPrivateKey)).toBe(true); // the search works
    await kms.call("ImportKeyMaterial", { KeyId: keyId, ImportToken: second.ImportToken, EncryptedKeyMaterial: wrapWithNode(second.PublicKey, "RSAES_OAEP_SHA_1", material) });
    expect((await meta(keyId)).KeyState).toBe("Enabled");
  });

  it("the wrapping private key is stored only wrapped under the root key, and matches the PublicKey handed out", async () => {
    const keyId = await external();
    const p = await params(keyId);
    const stored = (await kms.server.store.getImportToken(keyId))!;
    expect(Buffer.from(stored.publicKey).toString("base64")).toBe(p.PublicKey);
    expect(() => createPrivateKey({ key: Buffer.from(stored.wrappedPrivateKey), format: "der", type: "pkcs8" })).toThrow();
    const pkcs8 = root.unwrap(stored.wrappedPrivateKey, wrappingKeyLabel(keyId, stored.tokenId));
    const pub = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
    expect(pub.toString("base64")).toBe(p.PublicKey);
  });

  it("expired parameters (24 h on the clock) are refused, then destroyed by the scheduler", async () => {
    const keyId = await external();
    const p = await params(keyId);
    const encrypted = wrapWithNode(p.PublicKey, "RSAES_OAEP_SHA_256", randomBytes(16));
    clock.advance(DAY - 60);
    const stillValid = await external();
    const pv = await params(stillValid); // issued later: not yet expired at the end of this test
    clock.advance(60);
    expect(await kms.fail("ImportKeyMaterial", { KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: encrypted })).toBe("ResourceUnavailable.TokenExpired");
    expect(await kms.server.store.getImportToken(keyId)).toBeDefined();
    events.length = 0;
    const report = await kms.server.scheduler.runDue();
    expect(report.importParametersExpired).toBeGreaterThanOrEqual(1);
    expect(events).toContainEqual({ type: "ImportParametersExpired", keyId, at: expect.any(Number) });
    expect(await kms.server.store.getImportToken(keyId)).toBeUndefined();
    expect(await kms.server.store.getImportToken(stillValid)).toBeDefined();
    await kms.call("ImportKeyMaterial", { KeyId: stillValid, ImportToken: pv.ImportToken, EncryptedKeyMaterial: wrapWithNode(pv.PublicKey, "RSAES_OAEP_SHA_256", randomBytes(16)) });
    // fresh parameters work again for the first key
    await importInto(keyId, randomBytes(16));
    expect((await meta(keyId)).KeyState).toBe("Enabled");
  });

  it("re-import takes only the same material (MaterialNotMatch), with a new ValidTo", async () => {
    const keyId = await external();
    const material = randomBytes(16);
    await importInto(keyId, material);
    const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("v1") })).CiphertextBlob;
    expect(await kms.fail("ImportKeyMaterial", await wrapped(keyId, randomBytes(16)))).toBe("InvalidParameterValue.MaterialNotMatch");
    const validTo = clock.now() + 30 * DAY;
    await importInto(keyId, material, { ValidTo: validTo });
    expect(await meta(keyId)).toMatchObject({ KeyState: "Enabled", ValidTo: validTo });
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("v1");
  });

  async function wrapped(keyId: string, material: Buffer, algorithm: WrappingAlgorithm = "RSAES_OAEP_SHA_256") {
    const p = await params(keyId, algorithm);
    return { KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapWithNode(p.PublicKey, algorithm, material) };
  }

  it("DeleteImportedKeyMaterial → PendingImport, ciphertexts undecryptable until the same material is imported again", async () => {
    const keyId = await external();
    const material = randomBytes(16);
    await importInto(keyId, material, { ValidTo: clock.now() + DAY });
    const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("kept safe") })).CiphertextBlob;
    await kms.call("DeleteImportedKeyMaterial", { KeyId: keyId });
    expect(await meta(keyId)).toMatchObject({ KeyState: "PendingImport", ValidTo: 0 });
    expect(await kms.server.store.getKeyVersion(keyId, 1)).toBeUndefined();
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("Encrypt", { KeyId: keyId, Plaintext: b64("x") })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("DeleteImportedKeyMaterial", { KeyId: keyId })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.fail("ImportKeyMaterial", await wrapped(keyId, randomBytes(16)))).toBe("InvalidParameterValue.MaterialNotMatch");
    expect((await meta(keyId)).KeyState).toBe("PendingImport");
    await kms.call("ImportKeyMaterial", await wrapped(keyId, material, "RSAES_PKCS1_V1_5"));
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("kept safe");
  });

  it("ValidTo expiry: at once the key is PendingImport and nothing decrypts; the scheduler destroys the material; the same material brings it back", async () => {
    const keyId = await external();
    const material = randomBytes(16);
    const validTo = clock.now() + 3600;
    await importInto(keyId, material, { ValidTo: validTo });
    const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("until then") })).CiphertextBlob;
    clock.advance(3600);
    // before the scheduler has run
    expect(await meta(keyId)).toMatchObject({ KeyState: "PendingImport", ValidTo: validTo });
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkStateNotSupport");
    expect(await kms.server.store.getKeyVersion(keyId, 1)).toBeDefined();
    events.length = 0;
    const report = await kms.server.scheduler.runDue();
    expect(report.materialExpired).toBe(1);
    expect(events).toContainEqual({ type: "KeyMaterialExpired", keyId, uin: kms.server.uin, at: expect.any(Number), validTo, keyState: "PendingImport" });
    expect(await kms.server.store.getKeyVersion(keyId, 1)).toBeUndefined();
    expect((await kms.server.scheduler.runDue()).materialExpired).toBe(0); // done once
    expect(await kms.fail("ImportKeyMaterial", await wrapped(keyId, randomBytes(16)))).toBe("InvalidParameterValue.MaterialNotMatch");
    await importInto(keyId, material);
    expect(await meta(keyId)).toMatchObject({ KeyState: "Enabled", ValidTo: 0 });
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("until then");
  });

  it("an expiry computed from a stale read does not destroy material re-imported meanwhile", async () => {
    const keyId = await external();
    const material = randomBytes(16);
    const validTo = clock.now() + 60;
    await importInto(keyId, material, { ValidTo: validTo });
    clock.advance(60);
    await importInto(keyId, material, { ValidTo: clock.now() + DAY }); // re-imported before the scheduler ran
    expect(await kms.server.store.expireMaterial(keyId, validTo, clock.now())).toBeUndefined();
    expect((await meta(keyId)).KeyState).toBe("Enabled");
    expect(await kms.server.store.getKeyVersion(keyId, 1)).toBeDefined();
  });

  it("a failed import leaves the key exactly as it was", async () => {
    const keyId = await external();
    const material = randomBytes(16);
    await importInto(keyId, material, { ValidTo: clock.now() + 10 * DAY });
    const blob = (await kms.call("Encrypt", { KeyId: keyId, Plaintext: b64("same") })).CiphertextBlob;
    const snapshot = async () => ({
      meta: await meta(keyId),
      version: await kms.server.store.getKeyVersion(keyId, 1),
      record: await kms.server.store.getKey(kms.server.uin, keyId),
    });
    const before = await snapshot();
    let superseded: Record<string, unknown> = {};
    const attempts: [() => Promise<Record<string, unknown>>, string][] = [
      [() => wrapped(keyId, randomBytes(16)), "InvalidParameterValue.MaterialNotMatch"],
      [() => wrapped(keyId, randomBytes(17)), "InvalidParameter.DecryptMaterialError"],
      [async () => ({ ...(await wrapped(keyId, material)), EncryptedKeyMaterial: randomBytes(256).toString("base64") }), "InvalidParameter.DecryptMaterialError"],
      [async () => ({ ...(await wrapped(keyId, material)), ValidTo: clock.now() - 1 }), "InvalidParameter"],
      [async () => ({ ...(superseded = await wrapped(keyId, material)), ImportToken: (await params(await external())).ImportToken }), "ResourceUnavailable.TokenExpired"],
      [async () => (await wrapped(keyId, material), superseded), "ResourceUnavailable.TokenExpired"],
    ];
    for (const [make, code] of attempts) {
      expect(await kms.fail("ImportKeyMaterial", await make())).toBe(code);
      const after = await snapshot();
      expect(after.meta).toEqual(before.meta);
      expect(after.record).toEqual(before.record);
      expect(after.version).toEqual(before.version);
    }
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("same");
  });

  it("ValidTo: 0 or absent never expires; otherwise after now and at most 2147443200", async () => {
    const keyId = await external();
    const material = randomBytes(16);
    for (const bad of [clock.now(), clock.now() - DAY, 2147443201, 1]) {
      expect(await kms.fail("ImportKeyMaterial", { ...(await wrapped(keyId, material)), ValidTo: bad })).toBe("InvalidParameter");
    }
    for (const bad of ["soon", -5, 1.5]) {
      expect(await kms.fail("ImportKeyMaterial", { ...(await wrapped(keyId, material)), ValidTo: bad })).toBe("InvalidParameter");
    }
    await importInto(keyId, material, { ValidTo: 2147443200 });
    expect((await meta(keyId)).ValidTo).toBe(2147443200);
    const soon = clock.now() + 60;
    await importInto(keyId, material, { ValidTo: String(soon) });
    expect((await meta(keyId)).ValidTo).toBe(soon);
    await importInto(keyId, material);
    expect((await meta(keyId)).ValidTo).toBe(0);
  });

  it("EXTERNAL keys are listed by Origin and by KeyState 4 (PendingImport)", async () => {
    const keyId = await external();
    const ext = await kms.call("ListKeyDetail", { Origin: "EXTERNAL", Limit: 200 });
    expect(ext.KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toContain(keyId);
    expect(ext.KeyMetadatas.every((m: { Origin: string }) => m.Origin === "EXTERNAL")).toBe(true);
    const pending = await kms.call("ListKeyDetail", { KeyState: 4, Limit: 200 });
    expect(pending.KeyMetadatas.map((m: { KeyId: string }) => m.KeyId)).toContain(keyId);
    expect((await kms.call("ListKeys", { Limit: 200 })).Keys.map((k: { KeyId: string }) => k.KeyId)).toContain(keyId);
  });

  describe("bad input", () => {
    let ext: string, own: string, token: string;
    beforeAll(async () => {
      ext = await external();
      own = (await kms.call("CreateKey", { Alias: alias("own") })).KeyId;
      token = (await params(ext)).ImportToken;
    });
    const B256 = Buffer.alloc(256, 1).toString("base64");
    it.each<[string, (ids: { ext: string; own: string; token: string }) => Record<string, unknown>, string]>([
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingAlgorithm: "RSAES_OAEP_SHA_384", WrappingKeySpec: "RSA_2048" }), "InvalidParameter"],
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingAlgorithm: "rsaes_oaep_sha_256", WrappingKeySpec: "RSA_2048" }), "InvalidParameter"],
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_4096" }), "InvalidParameter"],
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingAlgorithm: "RSAES_OAEP_SHA_256" }), "MissingParameter"],
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingKeySpec: "RSA_2048" }), "MissingParameter"],
      ["GetParametersForImport", () => ({ WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }), "MissingParameter"],
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingAlgorithm: 1, WrappingKeySpec: "RSA_2048" }), "InvalidParameter"],
      ["GetParametersForImport", (i) => ({ KeyId: i.ext, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048", Extra: 1 }), "UnknownParameter"],
      ["GetParametersForImport", () => ({ KeyId: "nope", WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }), "InvalidParameterValue.InvalidKeyId"],
      ["GetParametersForImport", () => ({ KeyId: UNKNOWN, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }), "ResourceUnavailable.CmkNotFound"],
      ["GetParametersForImport", (i) => ({ KeyId: i.own, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }), "UnsupportedOperation.NotExternalCmk"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token }), "MissingParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, EncryptedKeyMaterial: B256 }), "MissingParameter"],
      ["ImportKeyMaterial", (i) => ({ ImportToken: i.token, EncryptedKeyMaterial: B256 }), "MissingParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token, EncryptedKeyMaterial: B256, Extra: "x" }), "UnknownParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token, EncryptedKeyMaterial: 5 }), "InvalidParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: "not base64!", EncryptedKeyMaterial: B256 }), "InvalidParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: b64("short"), EncryptedKeyMaterial: B256 }), "InvalidParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: Buffer.concat([Buffer.from([2]), unb64(i.token).subarray(1)]).toString("base64"), EncryptedKeyMaterial: B256 }), "InvalidParameter"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token, EncryptedKeyMaterial: "%%%" }), "InvalidParameter.DecryptMaterialError"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token, EncryptedKeyMaterial: B256.replace(/=+$/, "") }), "InvalidParameter.DecryptMaterialError"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token, EncryptedKeyMaterial: Buffer.alloc(255, 1).toString("base64") }), "InvalidParameter.DecryptMaterialError"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.ext, ImportToken: i.token, EncryptedKeyMaterial: "" }), "InvalidParameter.DecryptMaterialError"],
      ["ImportKeyMaterial", (i) => ({ KeyId: "bad", ImportToken: i.token, EncryptedKeyMaterial: B256 }), "InvalidParameterValue.InvalidKeyId"],
      ["ImportKeyMaterial", (i) => ({ KeyId: UNKNOWN, ImportToken: i.token, EncryptedKeyMaterial: B256 }), "ResourceUnavailable.CmkNotFound"],
      ["ImportKeyMaterial", (i) => ({ KeyId: i.own, ImportToken: i.token, EncryptedKeyMaterial: B256 }), "UnsupportedOperation.NotExternalCmk"],
      ["DeleteImportedKeyMaterial", () => ({}), "MissingParameter"],
      ["DeleteImportedKeyMaterial", () => ({ KeyId: "bad" }), "InvalidParameterValue.InvalidKeyId"],
      ["DeleteImportedKeyMaterial", () => ({ KeyId: UNKNOWN }), "ResourceUnavailable.CmkNotFound"],
      ["DeleteImportedKeyMaterial", (i) => ({ KeyId: i.own }), "UnsupportedOperation.NotExternalCmk"],
      ["DeleteImportedKeyMaterial", (i) => ({ KeyId: i.ext, MemberAccount: {} }), "UnknownParameter"],
      ["CreateKey", () => ({ Alias: alias("asym-ext"), Type: 2, KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" }), "InvalidParameterValue.InvalidType"],
    ])("%s %# → %s", async (action, make, code) => {
      expect(await kms.fail(action, make({ ext, own, token }))).toBe(code);
    });
    it("none of the bad calls changed the EXTERNAL key", async () => {
      expect((await meta(ext)).KeyState).toBe("PendingImport");
    });
  });
});

describe("import parameters live in the store: any node sharing it accepts the token", () => {
  let a: Running, b: Running;
  beforeAll(async () => {
    a = await startServer({ schedulerIntervalSeconds: 0 });
    b = await startServer({ dataDir: a.dataDir, schedulerIntervalSeconds: 0 });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });
  it("GetParametersForImport on one node, ImportKeyMaterial on the other, Decrypt on the first", async () => {
    const keyId = (await a.call("CreateKey", { Alias: "two-nodes", Type: 2 })).KeyId;
    const p = await a.call("GetParametersForImport", { KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_1", WrappingKeySpec: "RSA_2048" });
    await b.call("ImportKeyMaterial", { KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapWithNode(p.PublicKey, "RSAES_OAEP_SHA_1", randomBytes(16)) });
    const blob = (await b.call("Encrypt", { KeyId: keyId, Plaintext: b64("shared") })).CiphertextBlob;
    expect(unb64((await a.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("shared");
  });
});
