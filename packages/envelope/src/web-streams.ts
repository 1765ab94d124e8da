/** WHATWG streams: `TransformStream`s of bytes (browsers, Node ≥ 18, Deno). */
import { MessageDecryptor } from "./decryptor.js";
import { MessageEncryptor } from "./encryptor.js";
import type { MessageHeader } from "./header.js";
import type { DecryptOptions, EncryptOptions } from "./options.js";

function checkChunk(chunk: unknown): Uint8Array {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`stream chunks must be Uint8Array`);
  return chunk;
}

/**
 * A stream that encrypts the bytes written to it into one envelope message (header first, then frames as they
 * fill). Memory: one frame.
 * @throws TypeError / RangeError for bad options (at once); the stream errors with EnvelopeError `KeyringFailure`
 *   when no data key can be made, TypeError on a chunk that is not a Uint8Array
 */
export function encryptStream(o: EncryptOptions): TransformStream<Uint8Array, Uint8Array> {
  const e = new MessageEncryptor(o);
  let started = false;
  const start = async (c: TransformStreamDefaultController<Uint8Array>) => {
    if (started) return;
    started = true;
    c.enqueue(await e.start());
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, c) {
      try {
        await start(c);
        for (const p of await e.update(checkChunk(chunk))) c.enqueue(p);
      } catch (err) {
        e.dispose();
        throw err;
      }
    },
    async flush(c) {
      try {
        await start(c);
        for (const p of await e.finish()) c.enqueue(p);
      } finally {
        e.dispose();
      }
    },
    // the readable side cancelled or the writable side aborted (runtimes that call it): zero the key now
    cancel: async () => e.dispose(),
  } as Transformer<Uint8Array, Uint8Array>);
}

/**
 * A stream that decrypts one envelope message. Each frame's plaintext is enqueued only after its tag verified; the
 * stream errors (never closes cleanly) on any failure, including input that ends before the final frame
 * (`Truncated`). `header` resolves with the authenticated header before the first plaintext, or rejects with the
 * stream's error.
 * @throws TypeError / RangeError for bad options (at once)
 */
export function decryptStream(o: DecryptOptions): TransformStream<Uint8Array, Uint8Array> & { header: Promise<MessageHeader> } {
  const d = new MessageDecryptor(o);
  let resolve!: (h: MessageHeader) => void, reject!: (e: unknown) => void;
  const header = new Promise<MessageHeader>((res, rej) => ((resolve = res), (reject = rej)));
  header.catch(() => undefined); // observed through the stream's error as well
  d.onHeader = resolve;
  const ts = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, c) {
      try {
        for (const p of await d.update(checkChunk(chunk))) c.enqueue(p);
      } catch (err) {
        reject(err);
        throw err;
      }
    },
    async flush() {
      try {
        await d.finish();
      } catch (err) {
        reject(err);
        throw err;
      }
    },
    cancel: async (reason: unknown) => {
      d.dispose();
      reject(reason);
    },
  } as Transformer<Uint8Array, Uint8Array>);
  return Object.assign(ts, { header });
}
