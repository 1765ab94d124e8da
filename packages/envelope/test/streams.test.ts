/** The stream APIs: Node Transforms and WHATWG TransformStreams, any chunking, header events, failures. */
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  decrypt, decryptStream, decryptTransform, encrypt, encryptStream, encryptTransform, isEnvelopeError, RawKeyring,
  type MessageHeader,
} from "../src/node/index.js";
import { chunked, concat, pattern, readableOf, same, throughWeb } from "./_bytes.js";

const keyring = new RawKeyring({ keyName: "stream-key", key: new Uint8Array(32).fill(3) });
const opts = { keyring, frameLength: 4096, encryptionContext: { purpose: "streams" } };

function collector(): { sink: Writable; out: Uint8Array[] } {
  const out: Uint8Array[] = [];
  return { out, sink: new Writable({ write(c, _e, cb) { out.push(new Uint8Array(c)); cb(); } }) };
}

describe("WHATWG TransformStream", () => {
  for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
    it(`${suite}: encryptStream → decrypt, and encrypt → decryptStream, with random chunk sizes`, async () => {
      const pt = pattern(50_000);
      const ct = concat(await throughWeb(encryptStream({ ...opts, suite }), chunked(pt, 9000)));
      expect(same((await decrypt(ct, { keyring })).plaintext, pt)).toBe(true);
      const ds = decryptStream({ keyring, encryptionContext: { purpose: "streams" } });
      const out = concat(await throughWeb(ds, chunked(await encrypt(pt, { ...opts, suite }), 5000, 3)));
      expect(same(out, pt)).toBe(true);
      const h = await ds.header;
      expect(h.suite).toBe(suite);
      expect(h.encryptionContext).toEqual({ purpose: "streams" });
    });
  }

  it("a message fed one byte at a time decrypts (header and frames reassembled)", async () => {
    const pt = pattern(2500);
    const ct = await encrypt(pt, { keyring, frameLength: 1024, encryptionContext: { k: "v".repeat(200) } });
    const out = concat(await throughWeb(decryptStream({ keyring }), chunked(ct, 1)));
    expect(same(out, pt)).toBe(true);
  });

  it("an empty stream encrypts to a message that decrypts to nothing", async () => {
    const ct = concat(await throughWeb(encryptStream(opts), []));
    expect((await decrypt(ct, { keyring })).plaintext.length).toBe(0);
    expect(concat(await throughWeb(decryptStream({ keyring }), [ct])).length).toBe(0);
  });

  it("decryptStream errors (and its header promise rejects) on input cut before the final frame", async () => {
    const ct = await encrypt(pattern(20_000), opts);
    const ds = decryptStream({ keyring });
    const err = await throughWeb(ds, [ct.subarray(0, ct.length - 1)]).then(() => undefined, (e) => e);
    expect(isEnvelopeError(err, "Truncated")).toBe(true);
    await expect(ds.header).resolves.toBeDefined(); // the header itself was complete and authentic
    const ds2 = decryptStream({ keyring });
    const err2 = await throughWeb(ds2, [ct.subarray(0, 50)]).then(() => undefined, (e) => e);
    expect(isEnvelopeError(err2, "Truncated")).toBe(true);
    await expect(ds2.header).rejects.toMatchObject({ code: "Truncated" });
  });

  it("decryptStream releases only frames whose tag verified: a changed frame 3 stops it after frames 1 and 2", async () => {
    const pt = pattern(5 * 4096 + 10);
    const ct = await encrypt(pt, opts);
    const headerLength = ct.length - (5 * (1 + 4096 + 16) + 5 + 10 + 16);
    const bad = ct.slice();
    bad[headerLength + 2 * (1 + 4096 + 16) + 100]! ^= 1; // inside frame 3's ciphertext
    const got: Uint8Array[] = [];
    const ds = decryptStream({ keyring });
    const reading = (async () => {
      for await (const c of ds.readable as unknown as AsyncIterable<Uint8Array>) got.push(c);
    })();
    const w = ds.writable.getWriter();
    const writing = (async () => {
      for (const c of chunked(bad, 700)) await w.write(c);
      await w.close();
    })();
    const [wr, rd] = await Promise.allSettled([writing, reading]);
    expect(wr.status).toBe("rejected");
    expect(rd.status).toBe("rejected");
    expect((rd as PromiseRejectedResult).reason).toMatchObject({ code: "InvalidCiphertext" });
    const released = concat(got);
    expect(released.length).toBe(2 * 4096);
    expect(same(released, pt.subarray(0, 2 * 4096))).toBe(true);
  });

  it("rejects chunks that are not bytes, and bad options at once", async () => {
    await expect(throughWeb(encryptStream(opts), ["text" as unknown as Uint8Array])).rejects.toThrow(TypeError);
    expect(() => encryptStream({ ...opts, frameLength: 10 })).toThrow(RangeError);
    expect(() => decryptStream({ keyring: {} as never })).toThrow(/"keyring"/);
  });
});

describe("Node Transform", () => {
  for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
    it(`${suite}: encryptTransform → decryptTransform through pipeline, with random chunk sizes; 'header' before data`, async () => {
      const pt = pattern(70_000, 5);
      const enc = collector();
      await pipeline(readableOf(chunked(pt, 12_000)), encryptTransform({ ...opts, suite }), enc.sink);
      const ct = concat(enc.out);
      const events: string[] = [];
      const dt = decryptTransform({ keyring, encryptionContext: { purpose: "streams" } });
      let header: MessageHeader | undefined;
      dt.on("header", (h: MessageHeader) => {
        header = h;
        events.push("header");
      });
      const dec: Uint8Array[] = [];
      await pipeline(readableOf(chunked(ct, 3000, 11)), dt, new Writable({
        write(c, _e, cb) {
          events.push("data");
          dec.push(new Uint8Array(c));
          cb();
        },
      }));
      expect(same(concat(dec), pt)).toBe(true);
      expect(events[0]).toBe("header");
      expect(header?.suite).toBe(suite);
      expect(header?.frameLength).toBe(4096);
    });
  }

  it("decryptTransform errors and never ends on input cut before the final frame", async () => {
    const ct = await encrypt(pattern(9000), opts);
    for (const cut of [0, 10, 200, ct.length - 17, ct.length - 1]) {
      const dt = decryptTransform({ keyring });
      let ended = false;
      dt.on("end", () => (ended = true));
      const { sink } = collector();
      const err = await pipeline(readableOf([ct.subarray(0, cut)]), dt, sink).then(() => undefined, (e) => e);
      expect(isEnvelopeError(err, "Truncated"), `cut at ${cut}`).toBe(true);
      expect(ended).toBe(false);
    }
  });

  it("decryptTransform pushes only frames whose tag verified: a changed frame 3 stops it after frames 1 and 2", async () => {
    const pt = pattern(5 * 4096 + 10);
    const ct = await encrypt(pt, opts);
    const headerLength = ct.length - (5 * (1 + 4096 + 16) + 5 + 10 + 16);
    const bad = ct.slice();
    bad[headerLength + 2 * (1 + 4096 + 16) + 4096 + 5]! ^= 0x80; // frame 3's tag
    const { sink, out } = collector();
    const err = await pipeline(readableOf(chunked(bad, 900)), decryptTransform({ keyring }), sink).then(() => undefined, (e) => e);
    expect(isEnvelopeError(err, "InvalidCiphertext")).toBe(true);
    expect(concat(out).length).toBe(2 * 4096);
    expect(same(concat(out), pt.subarray(0, 2 * 4096))).toBe(true);
  });

  it("encryptTransform rejects non-byte chunks; bad options throw at once", async () => {
    expect(() => encryptTransform({ ...opts, suite: "AES_128_GCM" as never })).toThrow(/"suite"/);
    expect(() => decryptTransform({ keyring, encryptionContext: { a: 1 as never } })).toThrow(TypeError);
  });
});
