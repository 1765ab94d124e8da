/**
 * Frozen golden vectors of format v1 (test/golden/envelope-v1.json, docs/envelope-format.md): every release must
 * decrypt them, with both runtime bindings; the AES_256_GCM ones are also decrypted by an independent reading of the
 * format written here from the document, on node:crypto alone.
 */
import { createDecipheriv, createHash, hkdfSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { getBackend, setBackend } from "@openkms/crypto/backend";
import { decrypt, RawKeyring } from "../src/node/index.js";
import { setPlatform } from "../src/platform.js";
import { nodePlatform } from "../src/node/platform.js";
import { webPlatform } from "../src/web/platform.js";

interface Vector {
  name: string; suite: string; frameLength: number; encryptionContext: Record<string, string>;
  plaintext: string; ciphertext: string; ciphertextSha256: string; length: number;
}
const golden = JSON.parse(readFileSync(new URL("./golden/envelope-v1.json", import.meta.url), "utf8")) as {
  rawKey: string; keyName: string; vectors: Vector[];
};
const rawKey = Buffer.from(golden.rawKey, "hex");

/** docs/envelope-format.md, read independently: header, raw unwrap, HKDF, commitment, header tag, frames. */
function independentAesDecrypt(msg: Buffer): { plaintext: Buffer; context: Record<string, string> } {
  let off = 0;
  const u8 = () => msg[off++]!;
  const u16 = () => ((off += 2), msg.readUInt16BE(off - 2));
  const u32 = () => ((off += 4), msg.readUInt32BE(off - 4));
  const bytes = (n: number) => ((off += n), msg.subarray(off - n, off));
  expect(u8()).toBe(1); // version
  expect(u8()).toBe(2); // AES_256_GCM
  const messageId = bytes(32);
  const frameLength = u32();
  const ctxBytes = bytes(u16());
  const context: Record<string, string> = {};
  if (ctxBytes.length) {
    let c = 4;
    for (let i = 0, n = ctxBytes.readUInt32BE(0); i < n; i++) {
      const kl = ctxBytes.readUInt32BE(c); const k = ctxBytes.subarray(c + 4, c + 4 + kl).toString("utf8"); c += 4 + kl;
      const vl = ctxBytes.readUInt32BE(c); const v = ctxBytes.subarray(c + 4, c + 4 + vl).toString("utf8"); c += 4 + vl;
      context[k] = v;
    }
  }
  expect(u8()).toBe(1); // one encrypted data key
  const provider = bytes(u8()).toString(), keyId = bytes(u8()).toString(), method = bytes(u8()).toString();
  expect([provider, keyId, method]).toEqual(["raw", golden.keyName, "AES_256_GCM"]);
  const wrapped = bytes(u16());
  const commitment = bytes(32);
  const authenticated = msg.subarray(0, off);
  const headerTag = bytes(16);
  // raw unwrap: AES-256-GCM(rawKey, nonce, AAD = label ‖ u8 len ‖ name ‖ canonical context)
  const name = Buffer.from(golden.keyName);
  const aad = Buffer.concat([Buffer.from("OpenKMS envelope raw v1"), Buffer.of(name.length), name, ctxBytes]);
  const unwrap = createDecipheriv("aes-256-gcm", rawKey, wrapped.subarray(0, 12));
  unwrap.setAAD(aad);
  unwrap.setAuthTag(wrapped.subarray(44));
  const dataKey = Buffer.concat([unwrap.update(wrapped.subarray(12, 44)), unwrap.final()]);
  const okm = Buffer.from(hkdfSync("sha256", dataKey, messageId, Buffer.concat([Buffer.from("OpenKMS envelope v1"), Buffer.of(2)]), 64));
  expect(okm.subarray(32).equals(commitment)).toBe(true);
  const frameKey = okm.subarray(0, 32);
  const nonce = (seq: number) => { const n = Buffer.alloc(12); n.writeBigUInt64BE(BigInt(seq), 4); return n; };
  const open = (seq: number, aadBytes: Buffer, ct: Buffer, tag: Buffer) => {
    const d = createDecipheriv("aes-256-gcm", frameKey, nonce(seq));
    d.setAAD(aadBytes);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  };
  expect(open(0, authenticated, Buffer.alloc(0), headerTag).length).toBe(0);
  const out: Buffer[] = [];
  for (let seq = 1; ; seq++) {
    const kind = u8();
    const len = kind === 0 ? frameLength : u32();
    const frameAad = Buffer.concat([messageId, nonce(seq).subarray(4), Buffer.of(kind)]);
    out.push(open(seq, frameAad, bytes(len), bytes(16)));
    if (kind === 1) break;
  }
  expect(off).toBe(msg.length);
  return { plaintext: Buffer.concat(out), context };
}

describe("golden vectors v1", () => {
  afterAll(() => setPlatform(nodePlatform));
  const keyring = new RawKeyring({ keyName: golden.keyName, key: rawKey });
  it("are the frozen bytes", () => {
    expect(golden.vectors.map((v) => v.name)).toEqual(["aes-empty", "aes-text-context", "aes-three-frames", "sm4-empty", "sm4-exact-frames"]);
    for (const v of golden.vectors) {
      const ct = Buffer.from(v.ciphertext, "hex");
      expect(ct.length).toBe(v.length);
      expect(createHash("sha256").update(ct).digest("hex")).toBe(v.ciphertextSha256);
    }
  });
  for (const binding of [nodePlatform, webPlatform]) {
    for (const v of golden.vectors) {
      it(`${v.name} decrypts (${binding.name} binding)`, async () => {
        setPlatform(binding);
        const { plaintext, header } = await decrypt(Buffer.from(v.ciphertext, "hex"), { keyring, encryptionContext: v.encryptionContext });
        expect(Buffer.from(plaintext).toString("hex")).toBe(v.plaintext);
        expect(header).toMatchObject({ version: 1, suite: v.suite, frameLength: v.frameLength, encryptionContext: v.encryptionContext });
      });
    }
  }
  for (const v of golden.vectors.filter((x) => x.suite === "SM4_GCM")) {
    it(`${v.name} decrypts with SM4 from OpenSSL (sm4-ecb under the portable GCM) instead of the WASM core`, async () => {
      const before = getBackend();
      setBackend("node");
      try {
        const { plaintext } = await decrypt(Buffer.from(v.ciphertext, "hex"), { keyring, encryptionContext: v.encryptionContext });
        expect(Buffer.from(plaintext).toString("hex")).toBe(v.plaintext);
      } finally {
        setBackend(before);
      }
    });
  }
  for (const v of golden.vectors.filter((x) => x.suite === "AES_256_GCM")) {
    it(`${v.name} decrypts with an independent reading of the format (node:crypto only)`, () => {
      const { plaintext, context } = independentAesDecrypt(Buffer.from(v.ciphertext, "hex"));
      expect(plaintext.toString("hex")).toBe(v.plaintext);
      expect(context).toEqual(v.encryptionContext);
    });
  }
});
