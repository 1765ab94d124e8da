/**
 * No secret in any log line, audit record or database file: a busy session (root and sub-user, every kind of secret
 * passing through — SecretKeys, plaintexts, data keys, ciphertexts, asymmetric plaintexts, failed signatures) with the
 * server logging at `trace`, then every log line, every audit record and the raw bytes of every store file are
 * searched for each secret in every encoding it travelled in.
 */
import { constants, publicEncrypt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { queryAuditLog } from "../src/audit/query.js";
import { b64, callerFor, openAdmin, sdkClient, startServer, unb64 } from "./_harness.js";

describe("secrets stay out of logs, audit records and store files", () => {
  it("finds none of them anywhere", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "trace" }, { write: (s: string) => void lines.push(s) });
    const kms = await startServer({ logger });
    const secrets: string[] = [kms.server.credential.secretKey];
    const addBytes = (bytes: Uint8Array | Buffer) => {
      const buf = Buffer.from(bytes);
      secrets.push(buf.toString("base64"), buf.toString("hex"));
      if (buf.every((c) => c >= 0x20 && c < 0x7f)) secrets.push(buf.toString("utf8"));
    };
    try {
      const { admin, close } = await openAdmin(kms);
      let sub;
      try {
        await admin.createUser("app");
        await admin.attachPolicy("app", "all", JSON.stringify({ version: "2.0", statement: [{ effect: "allow", action: "kms:*", resource: "*" }] }));
        const ak = await admin.createAccessKey("app");
        secrets.push(ak.SecretKey);
        sub = callerFor(kms, ak.SecretId, ak.SecretKey);
        const denied = await admin.createAccessKey("root");
        secrets.push(denied.SecretKey);
        await admin.deleteAccessKey(denied.SecretId);
      } finally {
        await close();
      }

      const { KeyId } = await kms.call("CreateKey", { Alias: "app-key" });
      const plaintext = Buffer.from("PLAINTEXT-MARKER-7f3a9c-do-not-log");
      addBytes(plaintext);
      const enc = await sub.call("Encrypt", { KeyId, Plaintext: plaintext.toString("base64"), EncryptionContext: '{"tenant":"t1"}' });
      secrets.push(enc.CiphertextBlob);
      const dec = await kms.call("Decrypt", { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: '{"tenant":"t1"}' });
      expect(unb64(dec.Plaintext).equals(plaintext)).toBe(true);
      await kms.fail("Decrypt", { CiphertextBlob: enc.CiphertextBlob }); // wrong context: an error path
      const dk = await sub.call("GenerateDataKey", { KeyId, KeySpec: "AES_256" });
      addBytes(unb64(dk.Plaintext));
      secrets.push(dk.CiphertextBlob);
      const re = await kms.call("ReEncrypt", { CiphertextBlob: dk.CiphertextBlob, DestinationEncryptionContext: '{"a":"b"}' });
      secrets.push(re.CiphertextBlob);
      // hosted data keys: generated, imported (a printable marker, so its raw bytes are searched too), read back
      const hosted = await sub.call("GenerateDataKey", { KeyId, KeySpec: "AES_256", IsHostedByKms: 1, DataKeyName: "hosted-1" });
      addBytes(unb64(hosted.Plaintext));
      secrets.push(hosted.CiphertextBlob);
      const dataKeyMarker = Buffer.from("DATAKEY-MARKER-5e8d0c2b4a6f1e3d");
      addBytes(dataKeyMarker);
      const imported = await sub.call("ImportDataKey", { DataKeyName: "imported-1", ImportType: 2, KeyId, ImportKeyMaterial: dataKeyMarker.toString("base64") });
      expect(unb64((await sub.call("GetDataKeyPlaintext", { DataKeyId: imported.DataKeyId })).Plaintext).equals(dataKeyMarker)).toBe(true);
      expect(unb64((await kms.call("GetDataKeyPlaintext", { DataKeyId: hosted.DataKeyId })).Plaintext).equals(unb64(hosted.Plaintext))).toBe(true);
      const rnd = await kms.call("GenerateRandom", { NumberOfBytes: 32 });
      addBytes(unb64(rnd.Plaintext));
      const rsa = (await kms.call("CreateKey", { Alias: "rsa", KeyUsage: "ASYMMETRIC_DECRYPT_RSA_2048" })).KeyId;
      const pem = (await kms.call("GetPublicKey", { KeyId: rsa })).PublicKeyPem;
      const rsaPlain = Buffer.from("RSA-PLAINTEXT-MARKER-19be");
      addBytes(rsaPlain);
      const rsaCt = publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, rsaPlain).toString("base64");
      await sub.call("AsymmetricRsaDecrypt", { KeyId: rsa, Ciphertext: rsaCt, Algorithm: "RSAES_OAEP_SHA_256" });
      await kms.fail("AsymmetricRsaDecrypt", { KeyId: rsa, Ciphertext: Buffer.alloc(256, 1).toString("base64"), Algorithm: "RSAES_PKCS1_V1_5" });
      const wrongSecret = "WRONG-SECRET-KEY-b1c2d3e4f5a6b7c8";
      secrets.push(wrongSecret);
      await sdkClient(kms.port, kms.server.credential.secretId, wrongSecret).request("GetRegions", {}).catch(() => undefined);
      await kms.fail("Encrypt", { KeyId, Plaintext: "bad base64 " + plaintext.toString("base64") });

      const rootKey = readFileSync(join(kms.dataDir, "root.key"), "utf8").trim();
      secrets.push(rootKey, Buffer.from(rootKey, "base64").toString("hex"));

      // 1. every log line
      expect(lines.length).toBeGreaterThan(10);
      // 2. every audit record (through the query API) …
      const { dir, close: closeDir } = await openAdmin(kms);
      let records: string[];
      try {
        records = queryAuditLog(dir.audit, { limit: 100_000 }).map((r) => JSON.stringify(r));
      } finally {
        await closeDir();
      }
      expect(records.length).toBeGreaterThan(15);
      // 3. … and the raw bytes of every store file (SQLite files and their WALs); credentials.json holds the root
      //    credential by design (0600) and root.key is the root key itself.
      const files = readdirSync(kms.dataDir).filter((f) => f !== "credentials.json" && f !== "root.key");
      expect(files).toEqual(expect.arrayContaining(["openkms.db", "audit.db"]));
      const blobs = files.map((f) => ({ f, text: readFileSync(join(kms.dataDir, f)).toString("latin1") }));

      const leaks: string[] = [];
      for (const s of secrets) {
        lines.forEach((l, i) => l.includes(s) && leaks.push(`log line ${i}: ${s.slice(0, 12)}…`));
        records.forEach((r, i) => r.includes(s) && leaks.push(`audit record ${i}: ${s.slice(0, 12)}…`));
        blobs.forEach(({ f, text }) => text.includes(s) && leaks.push(`${f}: ${s.slice(0, 12)}…`));
      }
      expect(leaks).toEqual([]);
      // the search is not vacuous: what is not secret is there
      expect(lines.join("\n")).toContain(KeyId);
      expect(records.join("\n")).toContain(KeyId);
    } finally {
      await kms.stop();
    }
  });
});
