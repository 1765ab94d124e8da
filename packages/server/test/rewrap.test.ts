/**
 * Moving a data dir to another root key (root-of-trust/rewrap.ts): interrupted half-way it can be finished by running
 * it again, the server refuses the data dir while the move is unfinished, and afterwards everything opens under the
 * new root only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createKmsServer, loadRootKey, rewrapDataDir, ROOT_CHECK_LABEL, RootUnavailableError, type RootOfTrust } from "../src/index.js";
import { rootKeyFromBytes } from "../src/root-key.js";
import { b64, startServer, unb64 } from "./_harness.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A root that stops working after `n` wraps (a token pulled out mid-move). */
function failingAfter(root: RootOfTrust, n: number): RootOfTrust {
  let left = n;
  return { ...root, source: root.source, wrap(s, l) { if (left-- <= 0) throw new RootUnavailableError("token gone"); return root.wrap(s, l); }, unwrap: (w, l) => root.unwrap(w, l) };
}

describe("rewrap", () => {
  it("interrupted: the server refuses the data dir; running it again finishes; old ciphertexts decrypt under the new root", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "openkms-rewrap-"));
    dirs.push(dataDir);
    const run = await startServer({ dataDir });
    const { KeyId } = await run.call("CreateKey", { Alias: "k" });
    await run.call("RotateKey", { KeyId }).catch(() => undefined);
    const { CiphertextBlob } = await run.call("Encrypt", { KeyId, Plaintext: b64("kept") });
    await run.call("CreateKey", { Alias: "ecc", KeyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC" });
    await run.server.close();

    const from = loadRootKey({ keyFile: join(dataDir, "root.key"), create: false }).root;
    const to = rootKeyFromBytes(new Uint8Array(32).fill(9), "memory:new");
    expect(() => rewrapDataDir(dataDir, from, failingAfter(to, 2), ROOT_CHECK_LABEL)).toThrow(RootUnavailableError);
    await expect(createKmsServer({ dataDir, port: 0 })).rejects.toThrow(/move of this data dir to another root key \(memory:new\) is unfinished/);

    const report = rewrapDataDir(dataDir, from, to, ROOT_CHECK_LABEL);
    expect(report.alreadyMoved).toBe(2);
    expect(report.moved).toBeGreaterThanOrEqual(3);
    expect(report.verified).toBe(report.moved + report.alreadyMoved);
    // Nothing opens under the old root any more: a move from it is refused before anything is written.
    expect(() => rewrapDataDir(dataDir, from, rootKeyFromBytes(new Uint8Array(32).fill(1), "memory:other"), ROOT_CHECK_LABEL))
      .toThrow(/the current root \(file:.*\) is not the one this data dir was created with/);
    from.close();

    const newKey = Buffer.from(new Uint8Array(32).fill(9)).toString("base64");
    await expect(createKmsServer({ dataDir, port: 0 })).rejects.toThrow(/not the one this data dir was created with/);
    const again = await startServer({ dataDir, rootKey: newKey });
    const { Plaintext } = await again.call("Decrypt", { CiphertextBlob });
    expect(unb64(Plaintext).toString()).toBe("kept");
    await again.server.close();
  });
});
