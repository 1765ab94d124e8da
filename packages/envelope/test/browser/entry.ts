// Bundled for Chromium by chromium.test.ts: the package's browser entry (WebCrypto binding, WASM SM4-GCM) decrypts
// the golden vectors, round-trips both suites one-shot and through WHATWG streams, and reports tampering codes.
import {
  decrypt, decryptStream, encrypt, encryptStream, isEnvelopeError, RawKeyring,
} from "../../src/index.js";
import { platform } from "../../src/platform.js";

export interface BrowserResult {
  name: string;
  ok: boolean;
  detail?: string;
}

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

async function pipe(ts: TransformStream<Uint8Array, Uint8Array>, chunks: Uint8Array[]): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const reading = (async () => {
    const r = ts.readable.getReader();
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      out.push(value);
    }
  })();
  const w = ts.writable.getWriter();
  for (const c of chunks) await w.write(c);
  await w.close();
  await reading;
  const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of out) all.set(c, off), (off += c.length);
  return all;
}

function split(b: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.slice(i, i + size));
  return out;
}

async function run(golden: { rawKey: string; keyName: string; vectors: { name: string; ciphertext: string; plaintext: string; encryptionContext: Record<string, string> }[] }): Promise<{ platform: string; results: BrowserResult[] }> {
  const results: BrowserResult[] = [];
  const check = async (name: string, f: () => Promise<string | true>) => {
    try {
      const r = await f();
      results.push(r === true ? { name, ok: true } : { name, ok: false, detail: r });
    } catch (err) {
      results.push({ name, ok: false, detail: String((err as Error)?.stack ?? err) });
    }
  };
  const golden_keyring = new RawKeyring({ keyName: golden.keyName, key: hex(golden.rawKey) });
  for (const v of golden.vectors) {
    await check(`golden ${v.name}`, async () => {
      const { plaintext } = await decrypt(hex(v.ciphertext), { keyring: golden_keyring, encryptionContext: v.encryptionContext });
      return toHex(plaintext) === v.plaintext || `plaintext ${toHex(plaintext).slice(0, 32)}…`;
    });
  }
  const keyring = new RawKeyring({ keyName: "browser", key: crypto.getRandomValues(new Uint8Array(32)) });
  const pt = crypto.getRandomValues(new Uint8Array(50_000));
  for (const suite of ["AES_256_GCM", "SM4_GCM"] as const) {
    await check(`${suite} one-shot round trip`, async () => {
      const ct = await encrypt(pt, { keyring, suite, frameLength: 4096, encryptionContext: { where: "chromium" } });
      const { plaintext, header } = await decrypt(ct, { keyring, encryptionContext: { where: "chromium" } });
      return (equal(plaintext, pt) && header.suite === suite) || "mismatch";
    });
    await check(`${suite} WHATWG streams round trip`, async () => {
      const ct = await pipe(encryptStream({ keyring, suite, frameLength: 4096 }), split(pt, 3000));
      const ds = decryptStream({ keyring });
      const back = await pipe(ds, split(ct, 7000));
      return (equal(back, pt) && (await ds.header).suite === suite) || "mismatch";
    });
    await check(`${suite} a flipped bit is InvalidCiphertext, a cut message Truncated`, async () => {
      const ct = await encrypt(pt, { keyring, suite, frameLength: 4096 });
      const bad = ct.slice();
      bad[ct.length - 100]! ^= 1;
      const e1 = await decrypt(bad, { keyring }).then(() => undefined, (e) => e);
      const e2 = await decrypt(ct.subarray(0, ct.length - 30), { keyring }).then(() => undefined, (e) => e);
      return (isEnvelopeError(e1, "InvalidCiphertext") && isEnvelopeError(e2, "Truncated")) || `${String(e1)} / ${String(e2)}`;
    });
  }
  return { platform: platform().name, results };
}

(globalThis as unknown as { runEnvelope: typeof run }).runEnvelope = run;
