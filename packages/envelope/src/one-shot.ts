/** One-shot encryption and decryption of byte arrays (the whole message in memory). */
import { concatBytes } from "./concat-bytes.js";
import { MessageDecryptor } from "./decryptor.js";
import { MessageEncryptor } from "./encryptor.js";
import type { MessageHeader } from "./header.js";
import type { DecryptOptions, EncryptOptions } from "./options.js";

/**
 * Encrypts `plaintext` into one envelope message (docs/envelope-format.md): header + frames.
 * @param plaintext any length (in memory; use the streams for large data)
 * @returns the message: plaintext length + header (89 B + EncryptionContext + the wrapped-key entries) + 17 B per
 *   full frame + 21 B for the final one
 * @throws TypeError / RangeError for bad arguments (naming the field); EnvelopeError `KeyringFailure` when the
 *   keyring cannot make a data key
 */
export async function encrypt(plaintext: Uint8Array, o: EncryptOptions): Promise<Uint8Array> {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError(`"plaintext" expected a Uint8Array`);
  const e = new MessageEncryptor(o, plaintext.length);
  try {
    // three lists joined by concat, never spread into a call (a large message has hundreds of thousands of parts)
    return concatBytes([await e.start(), ...(await e.update(plaintext)), ...(await e.finish())]);
  } finally {
    e.dispose();
  }
}

/**
 * Decrypts one envelope message.
 * @returns the plaintext and the authenticated header (its EncryptionContext, keys, suite)
 * @throws TypeError / RangeError for bad arguments; EnvelopeError (`InvalidCiphertext`, `Truncated`,
 *   `UnsupportedVersion`, `UnsupportedSuite`, `HeaderTooLarge`, `FrameLengthOutOfRange`, `ContextMismatch`,
 *   `CommitmentMismatch`, `NoDecryptableKey`) for a message that does not decrypt; no plaintext is returned then
 */
export async function decrypt(ciphertext: Uint8Array, o: DecryptOptions): Promise<{ plaintext: Uint8Array; header: MessageHeader }> {
  if (!(ciphertext instanceof Uint8Array)) throw new TypeError(`"ciphertext" expected a Uint8Array`);
  const d = new MessageDecryptor(o);
  let parts: Uint8Array[] = [];
  try {
    parts = await d.update(ciphertext);
    await d.finish();
    return { plaintext: concatBytes(parts), header: d.header! };
  } catch (err) {
    for (const p of parts) p.fill(0);
    throw err;
  } finally {
    d.dispose();
  }
}
