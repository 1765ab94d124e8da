/** Node `stream.Transform`s over the same message state machines as the WHATWG streams. */
import { Transform, type TransformCallback } from "node:stream";
import "./main.js";
import { MessageDecryptor } from "../decryptor.js";
import { MessageEncryptor } from "../encryptor.js";
import type { DecryptOptions, EncryptOptions } from "../options.js";

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError("stream chunks must be Buffer or Uint8Array");
}

/**
 * A Transform that encrypts what is written to it into one envelope message. Memory: one frame (plus the stream
 * buffers).
 * @throws TypeError / RangeError for bad options (at once); the stream emits 'error' with EnvelopeError
 *   `KeyringFailure` when no data key can be made
 */
export function encryptTransform(o: EncryptOptions): Transform {
  const e = new MessageEncryptor(o);
  let started = false;
  const start = async (t: Transform) => {
    if (started) return;
    started = true;
    t.push(await e.start());
  };
  return new Transform({
    transform(chunk: unknown, _enc, cb: TransformCallback) {
      (async () => {
        await start(this);
        for (const p of await e.update(asBytes(chunk))) this.push(p);
      })().then(() => cb(), (err) => cb(err));
    },
    flush(cb: TransformCallback) {
      (async () => {
        await start(this);
        for (const p of await e.finish()) this.push(p);
      })().then(() => cb(), (err) => cb(err));
    },
    destroy(err, cb) {
      e.dispose();
      cb(err);
    },
  });
}

/**
 * A Transform that decrypts one envelope message; emits `'header'` (the authenticated MessageHeader) before any
 * plaintext. A frame's plaintext is pushed only after its tag verified. The stream emits 'error' (and never 'end')
 * on any failure, including input that ends before the final frame (`Truncated`).
 * @throws TypeError / RangeError for bad options (at once)
 */
export function decryptTransform(o: DecryptOptions): Transform {
  const d = new MessageDecryptor(o);
  const t = new Transform({
    transform(chunk: unknown, _enc, cb: TransformCallback) {
      (async () => {
        for (const p of await d.update(asBytes(chunk))) this.push(p);
      })().then(() => cb(), (err) => cb(err));
    },
    flush(cb: TransformCallback) {
      d.finish().then(() => cb(), (err) => cb(err));
    },
    destroy(err, cb) {
      d.dispose();
      cb(err);
    },
  });
  d.onHeader = (h) => t.emit("header", h);
  return t;
}
