/**
 * `openkms encrypt --key-id <KeyId|Alias> [--key-id …] [--context '<json>'] [--suite SM4_GCM|AES_256_GCM]
 *   [--frame-size <bytes>] <in|-> -o <out|->` — an envelope message (docs/envelope-format.md) streamed through
 * `@openkms/envelope/node`'s `encryptTransform`: the data key comes from GenerateDataKey under the first CMK and is
 * wrapped with Encrypt under any further one (any one of them decrypts). Aliases are looked up (key-refs.ts).
 *
 * `openkms encrypt --public-key <pem-file> --algorithm RSAES_OAEP_SHA_256|SM2|KYBER_AES --key-id <KeyId> …` needs
 * no credential: the data key is wrapped with that KMS public key alone (GetPublicKey's PEM), and `--key-id` names
 * the key in the header so `openkms decrypt` can ask the server to unwrap it.
 *
 * Default suite: the CMK's (Type 4, the `sm` edition: SM4_GCM; otherwise AES_256_GCM); with `--public-key`,
 * SM4_GCM for SM2 and AES_256_GCM for the others. Frame size default: the library's (64 KiB).
 *
 * Permissions (a sub-user's policy): kms:GenerateDataKey on the first CMK, kms:Encrypt on any further one; without
 * `--suite` also kms:DescribeKey on each (to learn the CMK's suite), and with an alias kms:ListKeyDetail.
 * Output: atomic-output.ts; progress bar: progress.ts; failures: client-command-run.ts.
 */
import { readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Command, Option } from "commander";
import { KmsKeyring, PublicKeyKeyring } from "@openkms/envelope";
import { encryptTransform } from "@openkms/envelope/node";
import { openOutput, type Output } from "./atomic-output.js";
import { fail, oneLineErrors } from "./client-command-run.js";
import { clientFor, resolveCredentials, type ResolvedCredentials } from "./credentials-source.js";
import { openInput, parseContext, parseFrameSize, SUITES, type SuiteName } from "./envelope-options.js";
import { KEY_ID, resolveKeyRefs } from "./key-refs.js";
import { progress } from "./progress.js";

export const PUBLIC_KEY_ALGORITHMS = ["RSAES_OAEP_SHA_256", "SM2", "KYBER_AES"] as const;

interface EncryptOpts {
  keyId: string[];
  context?: Record<string, string>;
  suite?: SuiteName;
  frameSize?: number;
  publicKey?: string;
  algorithm?: (typeof PUBLIC_KEY_ALGORITHMS)[number];
  output: string;
  credentials?: string;
}

/** A usage mistake found after commander parsed the line. */
class UsageError extends Error {
  override name = "UsageError";
}

async function keyringFor(o: EncryptOpts, creds: () => ResolvedCredentials) {
  if (o.publicKey) {
    if (!o.algorithm) throw new UsageError(`--public-key needs --algorithm ${PUBLIC_KEY_ALGORITHMS.join("|")}`);
    if (o.keyId.length !== 1) throw new UsageError("--public-key needs exactly one --key-id: the KeyId of that public key's CMK");
    if (!KEY_ID.test(o.keyId[0]!)) throw new UsageError(`with --public-key, --key-id must be the CMK's KeyId (a UUID), got ${JSON.stringify(o.keyId[0])}`);
    let pem: string;
    try {
      pem = readFileSync(o.publicKey, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read --public-key ${o.publicKey}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const keyring = new PublicKeyKeyring({ keyId: o.keyId[0]!, publicKey: pem, algorithm: o.algorithm });
    return { keyring, suite: o.suite ?? (o.algorithm === "SM2" ? "SM4_GCM" : "AES_256_GCM") } as const;
  }
  if (o.algorithm) throw new UsageError("--algorithm goes with --public-key");
  if (o.keyId.length === 0) throw new UsageError("give --key-id <KeyId|Alias> (or --public-key with --algorithm and --key-id)");
  const client = clientFor(creds());
  const { keyIds, firstType } = await resolveKeyRefs(client, o.keyId, o.suite === undefined);
  return { keyring: new KmsKeyring({ client, keyIds }), suite: o.suite ?? (firstType === 4 ? "SM4_GCM" : "AES_256_GCM") } as const;
}

export function encryptCommand(): Command {
  const cmd = new Command("encrypt")
    .description("encrypt a file or stdin into an envelope message (framed, streaming; docs/envelope-format.md)")
    .argument("<in>", "input file, or - for stdin")
    .requiredOption("-o, --output <out>", "output file (written to a temporary name, renamed when done), or - for stdout")
    .option("--key-id <KeyId|Alias>", "CMK to protect the data key; repeat for several (any one decrypts)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--context <json>", "EncryptionContext, a JSON object of strings, bound to the message", parseContext)
    .addOption(new Option("--suite <suite>", "algorithm suite (default: the CMK's: SM4_GCM for SM keys, AES_256_GCM for FIPS keys)").choices(SUITES))
    .option("--frame-size <bytes>", "plaintext bytes per frame, 1024..4194304 (default 65536)", parseFrameSize)
    .option("--public-key <pem-file>", "encrypt with this KMS public key alone (no credential needed)")
    .addOption(new Option("--algorithm <algorithm>", "the public key's algorithm (with --public-key)").choices(PUBLIC_KEY_ALGORITHMS))
    .option("--credentials <file>", "credentials.json (default ./.openkms/credentials.json, or TENCENTCLOUD_* + OPENKMS_ENDPOINT)")
    .addHelpText(
      "after",
      "\nPermissions: kms:GenerateDataKey on the first --key-id, kms:Encrypt on any further one; without --suite also\n" +
        "kms:DescribeKey on each (the CMK's suite is looked up), and for an alias kms:ListKeyDetail. --public-key needs none.\n",
    )
    .action(async (inPath: string, o: EncryptOpts) => {
      let output: Output | undefined;
      let resolved: ResolvedCredentials | undefined;
      let bar: ReturnType<typeof progress> | undefined;
      try {
        const { keyring, suite } = await keyringFor(o, () => (resolved = resolveCredentials(o.credentials)));
        const input = openInput(inPath);
        output = openOutput(o.output, 0o666);
        bar = progress("encrypt", input.size);
        await pipeline(
          input.stream,
          bar.meter,
          encryptTransform({
            keyring,
            suite,
            ...(o.context ? { encryptionContext: o.context } : {}),
            ...(o.frameSize ? { frameLength: o.frameSize } : {}),
          }),
          output.stream,
        );
        await output.commit();
        bar.stop();
      } catch (e) {
        bar?.stop();
        output?.abort();
        fail("encrypt", e, resolved?.endpoint);
      }
    });
  return oneLineErrors(cmd);
}
