/**
 * `openkms kms <Action> [--<Param> <value> …] [--cli-input-json <file>] [--credentials <file>]`: call any API action
 * the way `tccli kms <Action>` does, through `@openkms/client`, and print the response (its fields and RequestId) as
 * JSON on stdout. Parameter values: kms-params.ts. `--cli-input-json` reads a JSON object of parameters from a file
 * (`file://` prefix allowed, `-` = stdin); flags given on the line override its members. Credentials:
 * credentials-source.ts. Exit 0 on success, 1 with one line on stderr otherwise (client-command-run.ts).
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { clientFor, resolveCredentials, type ResolvedCredentials } from "./credentials-source.js";
import { fail, oneLineErrors } from "./client-command-run.js";
import { ParamsError, parseParamFlags } from "./kms-params.js";

function readInputJson(spec: string): Record<string, unknown> {
  const path = spec.startsWith("file://") ? spec.slice("file://".length) : spec;
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (e) {
    throw new ParamsError(`cannot read --cli-input-json ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ParamsError(`--cli-input-json ${path} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ParamsError(`--cli-input-json ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** Split our own options out of the tokens after the action; the rest are API parameters. */
function ownOptions(tokens: readonly string[]): { credentials?: string; inputJson?: string; rest: string[] } {
  const out: { credentials?: string; inputJson?: string; rest: string[] } = { rest: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const m = /^--(credentials|cli-input-json)(?:=(.*))?$/.exec(t);
    if (!m) {
      out.rest.push(t);
      continue;
    }
    const value = m[2] ?? tokens[++i];
    if (value === undefined) throw new ParamsError(`--${m[1]} needs a value`);
    if (m[1] === "credentials") out.credentials = value;
    else out.inputJson = value;
  }
  return out;
}

export function kmsCommand(): Command {
  const cmd = new Command("kms")
    .description("call a KMS API action, tccli-style: openkms kms Encrypt --KeyId <id> --Plaintext <base64>")
    .argument("<Action>", "API action name, e.g. ListKeys, CreateKey, Encrypt")
    .argument("[params...]", "--<Param> <value> pairs; arrays and objects as JSON")
    .helpOption("-h, --help")
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      "after",
      "\nOptions among the parameters:\n  --credentials <file>    credentials.json (default ./.openkms/credentials.json, or TENCENTCLOUD_SECRET_ID/_KEY/_REGION + OPENKMS_ENDPOINT)\n  --cli-input-json <file> parameters as one JSON object (file://path or - for stdin)\n",
    )
    .action(async (action: string, tokens: string[]) => {
      let creds: ResolvedCredentials | undefined;
      try {
        // Tencent's names (ListKeys) and OpenKMS's own (OpenKMS.ListAuditRecords).
        if (!/^(OpenKMS\.)?[A-Z][A-Za-z0-9]*$/.test(action)) throw new ParamsError(`expected an API action name such as ListKeys, got ${JSON.stringify(action)}`);
        const own = ownOptions(tokens);
        const params = { ...(own.inputJson ? readInputJson(own.inputJson) : {}), ...parseParamFlags(action, own.rest) };
        creds = resolveCredentials(own.credentials);
        const response = await clientFor(creds).requestAny(action, params);
        process.stdout.write(JSON.stringify(response, null, 2) + "\n");
      } catch (e) {
        fail(`kms ${action}`, e, creds?.endpoint);
      }
    });
  return oneLineErrors(cmd);
}
