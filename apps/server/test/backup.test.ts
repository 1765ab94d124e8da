/**
 * `openkms backup` while the server serves under load, and `openkms restore` into a new data dir: the restored store
 * decrypts every ciphertext made before the backup and passes `openkms audit verify`; bad input → exit 2, one line.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
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

  it("restore into an existing empty dir leaves it 0700 (files 0600); a non-empty dir or a regular file is refused, exit 2, one line", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty, { mode: 0o755 });
    chmodSync(empty, 0o755);
    await ok(["restore", file, "--data-dir", empty]);
    expect(statSync(empty).mode & 0o777).toBe(0o700);
    expect(readdirSync(empty).sort()).toEqual(["audit.db", "openkms.db"]);
    for (const f of readdirSync(empty)) expect(statSync(join(empty, f)).mode & 0o777).toBe(0o600);

    const notes = join(scratch, "notes");
    mkdirSync(notes, { mode: 0o755 });
    writeFileSync(join(notes, "notes.txt"), "mine");
    const n = await run(["restore", file, "--data-dir", notes]);
    expect(n.code).toBe(2);
    expect(n.err).toBe(`openkms: ${notes} is not empty (notes.txt): restore into a new or empty directory\n`);
    expect(readdirSync(notes)).toEqual(["notes.txt"]); // untouched
    expect(statSync(notes).mode & 0o777).toBe(0o755);

    const regular = join(scratch, "regular-file");
    writeFileSync(regular, "x");
    const f = await run(["restore", file, "--data-dir", regular]);
    expect(f.code).toBe(2);
    expect(f.err).toBe(`openkms: ${regular} is not a directory\n`);
    expect(readFileSync(regular, "utf8")).toBe("x");

    const under = await run(["restore", file, "--data-dir", join(regular, "sub")]);
    expect(under.code).toBe(2);
    expect(under.err).toBe(`openkms: cannot create ${join(regular, "sub")}: ENOTDIR\n`);
  });

  it("--store and --data-dir together: refused with what was given (flag or OPENKMS_STORE), exit 2, before any connection", async () => {
    const url = "postgres://nobody@127.0.0.1:9/none";
    const r = await run(["restore", file, "--store", url, "--data-dir", join(scratch, "both")]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("openkms: give exactly one of --data-dir <dir> or --store postgres://… (both given: --data-dir and --store)\n");
    const e = await run(["restore", file, "--data-dir", join(scratch, "both")], { OPENKMS_STORE: url });
    expect(e.code).toBe(2);
    expect(e.err).toBe("openkms: give exactly one of --data-dir <dir> or --store postgres://… (both given: --data-dir and OPENKMS_STORE (set in the environment))\n");
    expect(existsSync(join(scratch, "both"))).toBe(false);

    const b = await run(["backup", join(scratch, "both.backup"), "--store", url, "--data-dir", dataDir]);
    expect(b.code).toBe(2);
    expect(b.err).toBe("openkms: --store and --data-dir both name a store to back up: give one\n");
    const be = await run(["backup", join(scratch, "both.backup"), "--data-dir", dataDir], { OPENKMS_STORE: url });
    expect(be.code).toBe(2);
    expect(be.err).toBe("openkms: OPENKMS_STORE (set in the environment) and --data-dir both name a store to back up: give one\n");
    expect(existsSync(join(scratch, "both.backup"))).toBe(false);
  });
});
