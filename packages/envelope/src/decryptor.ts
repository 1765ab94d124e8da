/**
 * One message being decrypted, fed in pieces: `update(chunk)` → plaintext of the frames it completes (each released
 * only after its tag verified), `finish()` → throws `Truncated` unless the final frame was read. Shared by the
 * one-shot and both stream APIs; memory is one frame whatever the size.
 */
import { ByteQueue } from "./byte-queue.js";
import { concatBytes } from "./concat-bytes.js";
import { hex } from "./hex.js";
import { EnvelopeError, isEnvelopeError } from "./errors.js";
import { FINAL, FrameParams, REGULAR } from "./frame.js";
import { MAX_HEADER_LENGTH, parseHeader, TAG_LENGTH, type MessageHeader, type ParsedHeader } from "./header.js";
import { bytesEqual, DATA_KEY_LENGTH, deriveMessageKeys, nonceFor } from "./key-schedule.js";
import { checkDecryptOptions, type CheckedDecrypt, type DecryptOptions } from "./options.js";
import type { GcmKey } from "./platform.js";
import { frameKey } from "./suite.js";

const isAuthFailure = (err: unknown) => (err as { code?: unknown })?.code === "AUTHENTICATION_FAILED";

export class MessageDecryptor {
  private readonly o: CheckedDecrypt;
  private readonly queue = new ByteQueue();
  private state: "header" | "frames" | "done" | "failed" = "header";
  private parsed: ParsedHeader | undefined;
  private headerNeed = 1; // bytes to hold before parsing the header again
  private key: GcmKey | undefined;
  private params: FrameParams | undefined;
  /** The sequence number of the next frame (frames count from 1). Tests move it to cross 2^32. */
  seq = 1;
  /** The header once authenticated. */
  header: MessageHeader | undefined;
  /** Told the header once it is authenticated (before any plaintext). */
  onHeader: ((h: MessageHeader) => void) | undefined;

  /** @throws TypeError / RangeError for bad options */
  constructor(options: DecryptOptions) {
    this.o = checkDecryptOptions(options);
  }

  /** Adds ciphertext. @returns plaintext of the frames it completes (possibly none), all authenticated */
  async update(chunk: Uint8Array): Promise<Uint8Array[]> {
    if (this.state === "failed") throw new Error("decryption already failed");
    this.queue.push(chunk);
    try {
      return await this.drain();
    } catch (err) {
      this.fail();
      throw err;
    }
  }

  /**
   * Ends the input.
   * @throws EnvelopeError `Truncated` when the message is incomplete (no header yet, or no final frame)
   */
  async finish(): Promise<void> {
    if (this.state === "done") return;
    const where = this.state === "header" ? "before its header was complete" : `before its final frame (after ${this.seq - 1} frames)`;
    this.fail();
    throw new EnvelopeError("Truncated", `the message ended ${where}`);
  }

  private fail(): void {
    this.state = "failed";
    this.dispose();
  }

  /** Zeroes the frame key. Idempotent. */
  dispose(): void {
    this.key?.dispose();
    this.queue.clear();
  }

  private async drain(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    if (this.state === "header") {
      if (this.queue.length < this.headerNeed) return out;
      const parsed = parseHeader(this.queue.peek(Math.min(this.queue.length, MAX_HEADER_LENGTH)));
      if (typeof parsed === "number") {
        this.headerNeed = parsed;
        if (this.queue.length >= MAX_HEADER_LENGTH) throw new EnvelopeError("HeaderTooLarge", `the header is larger than ${MAX_HEADER_LENGTH} bytes`);
        return out;
      }
      this.queue.skip(parsed.length);
      await this.openHeader(parsed);
      this.state = "frames";
    }
    const fl = this.parsed!.header.frameLength;
    while (this.state === "frames" && this.queue.length > 0) {
      const kind = this.queue.byteAt(0);
      if (kind === REGULAR) {
        if (this.queue.length < 1 + fl + TAG_LENGTH) break;
        this.queue.skip(1);
        for (const p of await this.open(this.queue.take(fl), this.queue.peek(TAG_LENGTH), false)) out.push(p);
        this.queue.skip(TAG_LENGTH);
      } else if (kind === FINAL) {
        if (this.queue.length < 5) break;
        const head = this.queue.peek(5);
        const len = new DataView(head.buffer).getUint32(1);
        if (len > fl) throw new EnvelopeError("InvalidCiphertext", `final frame claims ${len} bytes, more than the frame length ${fl}`);
        if (this.queue.length < 5 + len + TAG_LENGTH) break;
        this.queue.skip(5);
        for (const p of await this.open(this.queue.take(len), this.queue.peek(TAG_LENGTH), true)) out.push(p);
        this.queue.skip(TAG_LENGTH);
        this.state = "done";
        this.key!.dispose();
      } else {
        throw new EnvelopeError("InvalidCiphertext", `frame ${this.seq}: unknown frame type 0x${kind.toString(16).padStart(2, "0")}`);
      }
    }
    if (this.state === "done" && this.queue.length > 0) throw new EnvelopeError("InvalidCiphertext", "data after the final frame");
    return out;
  }

  private async open(ciphertext: Uint8Array[], tag: Uint8Array, final: boolean): Promise<Uint8Array[]> {
    const seq = this.seq;
    if (ciphertext.length > 16) ciphertext = [concatBytes(ciphertext)]; // input in many tiny chunks: one copy, few outputs
    try {
      const p = this.params!.at(seq, final);
      const pt = await this.key!.open(p.nonce, p.aad, ciphertext, tag);
      this.seq = seq + 1;
      return pt;
    } catch (err) {
      if (!isAuthFailure(err)) throw err;
      throw new EnvelopeError("InvalidCiphertext",
        `frame ${seq}${final ? " (final)" : ""} does not authenticate: it was changed, reordered, duplicated, or comes from another message`);
    }
  }

  private async dataKey(p: ParsedHeader): Promise<Uint8Array> {
    const { keyring, cache } = this.o;
    const request = { suite: p.header.suite, encryptionContext: { ...p.header.encryptionContext }, encryptedDataKeys: p.header.encryptedDataKeys };
    const fetch = async (): Promise<Uint8Array> => {
      let k: Uint8Array | undefined;
      try {
        k = await keyring.onDecrypt(request);
      } catch (err) {
        if (isEnvelopeError(err)) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw new EnvelopeError("NoDecryptableKey", `no encrypted data key of the message could be unwrapped: ${why}`, { cause: err });
      }
      if (k === undefined) {
        const names = p.header.encryptedDataKeys.map((e) => `${e.provider}:${e.keyId}`).join(", ");
        throw new EnvelopeError("NoDecryptableKey", `the keyring holds none of the message's data-key wrapping keys (${names})`);
      }
      if (!(k instanceof Uint8Array) || k.length !== DATA_KEY_LENGTH) {
        (k as Uint8Array | undefined)?.fill?.(0);
        throw new EnvelopeError("NoDecryptableKey", `the keyring returned a data key of the wrong length`);
      }
      return k;
    };
    if (!cache) return fetch();
    const edkId = p.header.encryptedDataKeys
      .map((e) => `${e.provider}\u0000${e.keyId}\u0000${e.method}\u0000${hex(e.ciphertext)}`)
      .join("\u0001");
    return cache.decryptionKey(keyring, p.header.suite, p.canonicalContext, edkId, fetch);
  }

  private async openHeader(p: ParsedHeader): Promise<void> {
    const required = this.o.required;
    if (required) {
      for (const [k, v] of Object.entries(required)) {
        if (!Object.hasOwn(p.header.encryptionContext, k)) {
          throw new EnvelopeError("ContextMismatch", `the message's EncryptionContext has no "${k}"`);
        }
        if (p.header.encryptionContext[k] !== v) {
          throw new EnvelopeError("ContextMismatch", `the message's EncryptionContext has another value for "${k}"`);
        }
      }
    }
    const dataKey = await this.dataKey(p);
    let derived: { key: Uint8Array; commitment: Uint8Array };
    try {
      derived = await deriveMessageKeys(p.suite, dataKey, p.header.messageId);
    } finally {
      dataKey.fill(0);
    }
    if (!bytesEqual(derived.commitment, p.commitment)) {
      derived.key.fill(0);
      throw new EnvelopeError("CommitmentMismatch", "the data key does not match the header's key commitment");
    }
    try {
      this.key = await frameKey(p.suite, derived.key);
    } finally {
      derived.key.fill(0);
    }
    try {
      await this.key.open(nonceFor(0), p.authenticated, [], p.tag);
    } catch (err) {
      if (!isAuthFailure(err)) throw err;
      throw new EnvelopeError("InvalidCiphertext", "the header does not authenticate (it was changed)");
    }
    this.parsed = p;
    this.params = new FrameParams(p.header.messageId);
    this.header = p.header;
    this.onHeader?.(p.header);
  }
}
