/**
 * The lifecycle story of issue 6 in both editions, through the official SDK (STYLE practice 12): create → encrypt →
 * rotate → encrypt → decrypt both → schedule deletion → restart → the clock passes the date → gone. And the BYOK
 * story: import → encrypt → delete material → refused → re-import → decrypts → material expires → refused.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wrapWithOpenssl } from "./_byok.js";
import { DAY, testClock, type TestClock } from "./_clock.js";
import { b64, startServer, unb64, type Running } from "./_harness.js";

describe.each(["sm", "fips"] as const)("edition %s", (edition) => {
  let kms: Running;
  let clock: TestClock;
  beforeAll(async () => {
    clock = testClock();
    kms = await startServer({ edition, clock, schedulerIntervalSeconds: 0 });
  });
  afterAll(async () => {
    await kms.stop();
    clock.restore();
  });

  it("create → encrypt → rotate → encrypt → decrypt both → schedule deletion → restart → date passes → gone", async () => {
    const { KeyId } = await kms.call("CreateKey", { Alias: `story-${edition}`, Description: "payments" });
    const first = randomBytes(100);
    const v1 = (await kms.call("Encrypt", { KeyId, Plaintext: first.toString("base64"), EncryptionContext: '{"tenant":"a"}' })).CiphertextBlob;
    const dek = await kms.call("GenerateDataKey", { KeyId, KeySpec: "AES_256" });

    await kms.call("EnableKeyRotation", { KeyId, RotateDays: 180 });
    await kms.call("RotateKey", { KeyId });
    const second = randomBytes(100);
    const v2 = (await kms.call("Encrypt", { KeyId, Plaintext: second.toString("base64") })).CiphertextBlob;
    expect([unb64(v1).readUInt32BE(18), unb64(v2).readUInt32BE(18)]).toEqual([1, 2]);

    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: v1, EncryptionContext: '{"tenant":"a"}' })).Plaintext).equals(first)).toBe(true);
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: v2 })).Plaintext).equals(second)).toBe(true);
    expect((await kms.call("Decrypt", { CiphertextBlob: dek.CiphertextBlob })).Plaintext).toBe(dek.Plaintext);

    await kms.call("DisableKey", { KeyId });
    expect(await kms.fail("Decrypt", { CiphertextBlob: v2 })).toBe("ResourceUnavailable.CmkDisabled");
    const { DeletionDate } = await kms.call("ScheduleKeyDeletion", { KeyId, PendingWindowInDays: 7 });

    await kms.restart();
    expect((await kms.call("DescribeKey", { KeyId })).KeyMetadata).toMatchObject({ KeyState: "PendingDelete", DeletionDate });
    clock.advance(DeletionDate - clock.now());
    await kms.server.scheduler.runDue();

    expect(await kms.fail("DescribeKey", { KeyId })).toBe("ResourceUnavailable.CmkNotFound");
    for (const blob of [v1, v2, dek.CiphertextBlob]) expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkNotFound");
    expect(await kms.fail("CancelKeyDeletion", { KeyId })).toBe("ResourceUnavailable.CmkNotFound");
    expect(await kms.server.store.getKeyVersion(KeyId, 1)).toBeUndefined();
    expect(await kms.server.store.getKeyVersion(KeyId, 2)).toBeUndefined();
    await kms.restart();
    expect(await kms.fail("DescribeKey", { KeyId })).toBe("ResourceUnavailable.CmkNotFound");
  });

  it("BYOK: import → encrypt → delete material → refused → re-import → decrypts → material expires → refused", async () => {
    const length = edition === "sm" ? 16 : 32;
    const { KeyId } = await kms.call("CreateKey", { Alias: `byok-story-${edition}`, Type: 2 });
    let p = await kms.call("GetParametersForImport", { KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
    const { material, encrypted } = wrapWithOpenssl(p.PublicKey, "RSAES_OAEP_SHA_256", length);
    await kms.call("ImportKeyMaterial", { KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: encrypted });
    const blob = (await kms.call("Encrypt", { KeyId, Plaintext: b64("mine") })).CiphertextBlob;

    await kms.call("DeleteImportedKeyMaterial", { KeyId });
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkStateNotSupport");

    await kms.restart();
    p = await kms.call("GetParametersForImport", { KeyId, WrappingAlgorithm: "RSAES_PKCS1_V1_5", WrappingKeySpec: "RSA_2048" });
    const validTo = clock.now() + 2 * DAY;
    await kms.call("ImportKeyMaterial", {
      KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapWithOpenssl(p.PublicKey, "RSAES_PKCS1_V1_5", material).encrypted, ValidTo: validTo,
    });
    expect(unb64((await kms.call("Decrypt", { CiphertextBlob: blob })).Plaintext).toString()).toBe("mine");

    clock.advance(2 * DAY);
    expect(await kms.fail("Decrypt", { CiphertextBlob: blob })).toBe("ResourceUnavailable.CmkStateNotSupport");
    await kms.server.scheduler.runDue();
    expect((await kms.call("DescribeKey", { KeyId })).KeyMetadata).toMatchObject({ KeyState: "PendingImport", ValidTo: validTo });
  });
});
