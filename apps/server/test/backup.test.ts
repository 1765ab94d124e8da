/**
 * `openkms backup` while the server serves under load, and `openkms restore` into a new data dir: the restored store
 * decrypts every ciphertext made before the backup and passes `openkms audit verify`; bad input → exit 2, one line.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { killChildren, ok, run, sdkFor, serve } from "./_serve.js";

const scratch = mkdtempSync(join(tmpdir(), "openkms-backup-"));
afterAll(() => {
  killChildren();
  rmSync(scratch, { recursive: true, force: true });
});
const b64 = (s: string) => Buffer.from(s).toString("base64");
const creds = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));

describe("openkms backup / restore", () => {
  const dataDir = join(scratch, "data");
  const file = join(scratch, "kms.backup");

  it("an online backup under load restores to a store that decrypts everything made before it and verifies", async () => {
    const s = await serve(["--data-dir", dataDir]);
    const kms = sdkFor(creds(dataDir));
    const { KeyId } = (await kms.request("CreateKey", { Alias: "backed-up" })) as { KeyId: string };
    const ecc = (await kms.request("CreateKey", { Alias: "ecc", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" })) as { KeyId: string };
    const before: { blob: string; plain: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const plain = `record ${i}`;
      before.push({ plain, blob: ((await kms.request("Encrypt", { KeyId, Plaintext: b64(plain) })) as { CiphertextBlob: string }).CiphertextBlob });
    }
    // Load while the backup runs: encryptions and new keys keep being written.
    let stop = false;
    let written = 0;
    const load = (async () => {
      while (!stop) {
        await kms.request("Encrypt", { KeyId, Plaintext: b64("during") });
        if (written++ % 10 === 0) await kms.request("CreateKey", { Alias: `during-${written}` });
      }
    })();
    const backup = await ok(["backup", file, "--data-dir", dataDir]);
    stop = true;
    await load;
    expect(written).toBeGreaterThan(0);
    expect(backup.Files.map((f: { name: string }) => f.name)).toEqual(["openkms.db", "audit.db"]);
    expect(backup.RootKey).toMatch(/not included/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(scratch).filter((f) => f.startsWith("."))).toEqual([]); // no temporary files left
    // The backup holds no root key.
    expect(readFileSync(file).includes(Buffer.from(readFileSync(join(dataDir, "root.key"), "utf8").trim()))).toBe(false);
    expect(await s.stop()).toBe(0);

    const restored = join(scratch, "restored");
    const r = await ok(["restore", file, "--data-dir", restored]);
    expect(r.Edition).toBe("sm");
    expect(statSync(restored).mode & 0o777).toBe(0o700);
    for (const f of ["openkms.db", "audit.db"]) expect(statSync(join(restored, f)).mode & 0o777).toBe(0o600);
    // Without its root key the restored dir does not open.
    expect((await run(["audit", "verify", "--data-dir", restored])).code).toBe(2);
    copyFileSync(join(dataDir, "root.key"), join(restored, "root.key"));
    const verified = await run(["audit", "verify", "--data-dir", restored]);
    expect(verified.err).toBe("");
    expect(verified.code).toBe(0);

    const s2 = await serve(["--data-dir", restored]);
    const kms2 = sdkFor(creds(restored));
    for (const { blob, plain } of before) {
      const { Plaintext } = (await kms2.request("Decrypt", { CiphertextBlob: blob })) as { Plaintext: string };
      expect(Buffer.from(Plaintext, "base64").toString()).toBe(plain);
    }
    const sig = (await kms2.request("SignByAsymmetricKey", { KeyId: ecc.KeyId, Algorithm: "ECC_P256_R1", Message: b64("m"), MessageType: "RAW" })) as { Signature: string };
    expect(sig.Signature.length).toBeGreaterThan(0);
    expect(await s2.stop()).toBe(0);
  });

  it("refusals: existing backup file, a dir that holds a store, a damaged or foreign file — exit 2, one line, nothing left behind", async () => {
    const exists = await run(["backup", file, "--data-dir", dataDir]);
    expect(exists.code).toBe(2);
    expect(exists.err).toMatch(/^openkms: .* exists: choose a new file name\n$/);

    const notDir = await run(["backup", join(scratch, "x.backup"), "--data-dir", join(scratch, "nothing")]);
    expect(notDir.code).toBe(2);
    expect(notDir.err).toMatch(/is not an OpenKMS data dir/);

    const into = await run(["restore", file, "--data-dir", dataDir]);
    expect(into.code).toBe(2);
    expect(into.err).toMatch(/already holds a store/);

    const garbage = join(scratch, "garbage.backup");
    writeFileSync(garbage, "not a backup at all");
    const g = await run(["restore", garbage, "--data-dir", join(scratch, "g")]);
    expect(g.code).toBe(2);
    expect(g.err.trim().split("\n")).toHaveLength(1);
    expect(g.err).toMatch(/is not an OpenKMS backup/);
    expect(existsSync(join(scratch, "g"))).toBe(false); // not even the directory it made

    // A tar of the right shape whose database was changed after the checksum was taken.
    const tampered = join(scratch, "tampered");
    mkdirSync(tampered);
    const { x, c } = await import("tar");
    await x({ file, cwd: tampered });
    const db = readFileSync(join(tampered, "openkms.db"));
    db[db.length - 1]! ^= 1;
    writeFileSync(join(tampered, "openkms.db"), db);
    const tamperedFile = join(scratch, "tampered.backup");
    await c({ gzip: true, file: tamperedFile, cwd: tampered }, ["manifest.json", "openkms.db", "audit.db"]);
    const t = await run(["restore", tamperedFile, "--data-dir", join(scratch, "t")]);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/openkms\.db does not match its checksum/);
    expect(existsSync(join(scratch, "t"))).toBe(false);
  });
});
