/**
 * `openkms decrypt [--context '<json>'] <in|-> -o <out|->` — open an envelope message (docs/envelope-format.md)
 * streamed through `@openkms/envelope/node`'s `decryptTransform`. The EncryptionContext travels in the header, so
 * none is needed; `--context` given, the message's context must hold those pairs. The data key is unwrapped through
 * the server whichever way it was wrapped (decrypt-keyring.ts). Plaintext is written only after each frame's tag
 * verified; to a file it appears only when the whole message verified (atomic-output.ts, mode 0600); to stdout a
 * failure can come after earlier frames were written (exit 1 tells). Empty or non-envelope input fails.
 */
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command } from "commander";
import { isEnvelopeError } from "@openkms/envelope";
import { decryptTransform } from "@openkms/envelope/node";
import { openOutput, type Output } from "./atomic-output.js";
import { fail, oneLineErrors } from "./client-command-run.js";
import { clientFor, resolveCredentials, type ResolvedCredentials } from "./credentials-source.js";
import { HeaderKeyring } from "./decrypt-keyring.js";
import { openInput, parseContext } from "./envelope-options.js";
import { progress } from "./progress.js";

interface DecryptOpts {
  context?: Record<string, string>;
  output: string;
  credentials?: string;
}

/** Refuses an input that ends without a single byte (an empty file is not an envelope message). */
function nonEmpty(): Transform {
  let seen = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (chunk.length) seen = true;
      done(null, chunk);
    },
    flush(done) {
      done(seen ? null : new Error("the input is empty: not an OpenKMS envelope message"));
    },
  });
}

/** Errors that mean the bytes before the header's end are not an envelope header. */
const HEADER_CODES = ["InvalidCiphertext", "UnsupportedVersion", "UnsupportedSuite", "HeaderTooLarge", "FrameLengthOutOfRange", "Truncated"];

export function decryptCommand(): Command {
  const cmd = new Command("decrypt")
    .description("decrypt an envelope message (from openkms encrypt or @openkms/envelope) from a file or stdin")
    .argument("<in>", "input file, or - for stdin")
    .requiredOption("-o, --output <out>", "output file (written to a temporary name, renamed when done), or - for stdout")
    .option("--context <json>", "require these EncryptionContext pairs in the message (a JSON object of strings)", parseContext)
    .option("--credentials <file>", "credentials.json (default ./.openkms/credentials.json, or TENCENTCLOUD_* + OPENKMS_ENDPOINT)")
    .action(async (inPath: string, o: DecryptOpts) => {
      let output: Output | undefined;
      let resolved: ResolvedCredentials | undefined;
      let bar: ReturnType<typeof progress> | undefined;
      let headerSeen = false;
      try {
        const keyring = new HeaderKeyring(() => clientFor((resolved = resolveCredentials(o.credentials))));
        const input = openInput(inPath);
        output = openOutput(o.output, 0o600);
        bar = progress("decrypt", input.size);
        const decryptor = decryptTransform({ keyring, ...(o.context ? { encryptionContext: o.context } : {}) });
        decryptor.once("header", () => (headerSeen = true));
        await pipeline(input.stream, bar.meter, nonEmpty(), decryptor, output.stream);
        await output.commit();
        bar.stop();
      } catch (e) {
        bar?.stop();
        output?.abort();
        if (!headerSeen && isEnvelopeError(e) && HEADER_CODES.includes(e.code)) {
          fail("decrypt", new Error(`the input is not an OpenKMS envelope message (or its header is damaged): ${e.code}: ${e.message}`));
        }
        fail("decrypt", e, resolved?.endpoint);
      }
    });
  return oneLineErrors(cmd);
}
