/**
 * One message being encrypted, fed in pieces: `start()` → header bytes, `update(chunk)` → the frames it completes,
 * `finish()` → the final frame. Shared by the one-shot and both stream APIs; memory is one frame whatever the size.
 */
import type { CachedKey } from "./data-key-cache.js";
import { EnvelopeError, isEnvelopeError } from "./errors.js";
import { FrameParams, framePrefix } from "./frame.js";
import { encodeHeaderBody, type MessageHeader, TAG_LENGTH } from "./header.js";
import { DATA_KEY_LENGTH, deriveMessageKeys, MESSAGE_ID_LENGTH, nonceFor } from "./key-schedule.js";
import type { DataKeyMaterials } from "./keyring.js";
import { checkEncryptOptions, type CheckedEncrypt, type EncryptOptions } from "./options.js";
import type { GcmKey } from "./platform.js";
import { frameKey } from "./suite.js";

export class MessageEncryptor {
  private readonly o: CheckedEncrypt;
  private readonly plaintextLength: number | undefined;
  private key: GcmKey | undefined;
  private params: FrameParams | undefined;
  private acc: Uint8Array | undefined; // a partial frame (copied: callers may reuse their chunks)
  private accLength = 0;
  private cached: CachedKey | undefined;
  private finished = false;
  /** The sequence number of the next frame (frames count from 1). Tests move it to cross 2^32. */
  seq = 1;
  /** The header once `start()` resolved. */
  header: MessageHeader | undefined;

  /**
   * @param plaintextLength the whole message's length when known (one-shot: counted against the cache's limits)
   * @throws TypeError / RangeError for bad options
   */
  constructor(options: EncryptOptions, plaintextLength?: number) {
    this.o = checkEncryptOptions(options);
    this.plaintextLength = plaintextLength;
  }

  get frameLength(): number {
    return this.o.frameLength;
  }

  private async materials(): Promise<CachedKey> {
    const { keyring, suite, context, cache } = this.o;
    const fetch = async (): Promise<DataKeyMaterials> => {
      let m: DataKeyMaterials;
      try {
        m = await keyring.onEncrypt({ suite: suite.name, encryptionContext: { ...context.pairs } });
      } catch (err) {
        if (isEnvelopeError(err)) throw err;
        const why = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
        throw new EnvelopeError("KeyringFailure", `the keyring could not make a data key (${why})`, { cause: err });
      }
      if (!(m?.dataKey instanceof Uint8Array) || m.dataKey.length !== DATA_KEY_LENGTH || !Array.isArray(m.encryptedDataKeys) || m.encryptedDataKeys.length === 0) {
        m?.dataKey?.fill?.(0);
        throw new EnvelopeError("KeyringFailure", `the keyring returned no ${DATA_KEY_LENGTH}-byte data key with encrypted copies`);
      }
      return m;
    };
    if (cache) return cache.encryptionMaterials(keyring, suite.name, context.canonical, this.plaintextLength, fetch);
    const m = await fetch();
    return { dataKey: m.dataKey, encryptedDataKeys: m.encryptedDataKeys, addBytes: () => {} };
  }

  /** Makes the data key and the header. @returns the header bytes */
  async start(): Promise<Uint8Array> {
    const { suite, context, frameLength } = this.o;
    const cached = await this.materials();
    this.cached = cached;
    const messageId = new Uint8Array(MESSAGE_ID_LENGTH);
    globalThis.crypto.getRandomValues(messageId);
    let derived: { key: Uint8Array; commitment: Uint8Array };
    try {
      derived = await deriveMessageKeys(suite, cached.dataKey, messageId);
    } finally {
      cached.dataKey.fill(0);
    }
    try {
      this.key = await frameKey(suite, derived.key);
    } finally {
      derived.key.fill(0);
    }
    this.params = new FrameParams(messageId);
    const body = encodeHeaderBody(suite, messageId, frameLength, context.canonical, cached.encryptedDataKeys, derived.commitment);
    const tagParts = await this.key.seal(nonceFor(0), body, []);
    const out = new Uint8Array(body.length + TAG_LENGTH);
    out.set(body);
    out.set(tagParts[0]!.subarray(0, TAG_LENGTH), body.length);
    this.header = {
      version: 1, suite: suite.name, messageId: new Uint8Array(messageId), encryptionContext: { ...context.pairs }, frameLength,
      encryptedDataKeys: cached.encryptedDataKeys.map((e) => ({ ...e, ciphertext: new Uint8Array(e.ciphertext) })),
    };
    return out;
  }

  private async seal(parts: Uint8Array[], length: number, final: boolean): Promise<Uint8Array[]> {
    const seq = this.seq;
    if (!Number.isSafeInteger(seq + 1)) throw new RangeError("message too long: frame counter exhausted");
    const p = this.params!.at(seq, final);
    const sealed = await this.key!.seal(p.nonce, p.aad, parts);
    this.seq = seq + 1;
    this.cached!.addBytes(length);
    return [framePrefix(final, length), ...sealed];
  }

  /** Adds plaintext. @returns the frames it completes (possibly none) */
  async update(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (!this.key) throw new Error("start() first");
    if (this.finished) throw new Error("the message is finished");
    const fl = this.o.frameLength;
    const out: Uint8Array[] = [];
    let off = 0;
    if (this.accLength > 0) {
      const m = Math.min(fl - this.accLength, chunk.length);
      this.reserve(this.accLength + m);
      this.acc!.set(chunk.subarray(0, m), this.accLength);
      this.accLength += m;
      off = m;
      if (this.accLength === fl) {
        for (const p of await this.seal([this.acc!], fl, false)) out.push(p);
        this.accLength = 0;
      }
    }
    while (chunk.length - off >= fl) {
      for (const p of await this.seal([chunk.subarray(off, off + fl)], fl, false)) out.push(p);
      off += fl;
    }
    if (off < chunk.length) {
      this.reserve(this.accLength + chunk.length - off);
      this.acc!.set(chunk.subarray(off), this.accLength);
      this.accLength += chunk.length - off;
    }
    return out;
  }

  /**
   * Makes the partial-frame buffer hold at least `n` (≤ frame length) bytes: sized to what is buffered (doubling,
   * at most one frame), so a short message does not allocate, zero and wipe a whole frame (64 KiB by default).
   */
  private reserve(n: number): void {
    const have = this.acc?.length ?? 0;
    if (have >= n) return;
    const grown = new Uint8Array(Math.min(this.o.frameLength, Math.max(n, 2 * have)));
    if (this.acc) {
      grown.set(this.acc.subarray(0, this.accLength));
      this.acc.fill(0);
    }
    this.acc = grown;
  }

  /** Ends the message. @returns the final frame */
  async finish(): Promise<Uint8Array[]> {
    if (!this.key) throw new Error("start() first");
    if (this.finished) throw new Error("the message is finished");
    const n = this.accLength;
    const out = await this.seal(n ? [this.acc!.subarray(0, n)] : [], n, true);
    this.finished = true;
    this.dispose();
    return out;
  }

  /** Zeroes the frame key and any buffered plaintext. Idempotent. */
  dispose(): void {
    this.key?.dispose();
    this.acc?.fill(0);
    this.accLength = 0;
  }
}
