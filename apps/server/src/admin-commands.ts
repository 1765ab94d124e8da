/**
 * `openkms admin …`: accounts, sub-users, access keys and policies on a data dir — the same files the server uses,
 * so it works while the server runs (changes apply to the next request). Every command prints JSON on stdout; a new
 * access key's SecretKey is printed once and stored only wrapped under the root key. Every change is audited
 * (`admin.<command>`).
 *
 *   openkms admin create-account <name>
 *   openkms admin create-user <name> [--account <uin|name>]
 *   openkms admin enable-user|disable-user|delete-user <user>
 *   openkms admin create-access-key <user>
 *   openkms admin enable-access-key|disable-access-key|delete-access-key <SecretId>
 *   openkms admin attach-policy <user> <policy-name> (--file <policy.json> | --document '<json>')
 *   openkms admin detach-policy <user> <policy-name>
 *   openkms admin list                 (each root account also shows its CMKs' CloudBindings: KeyId, ProductId, ResourceId)
 *   openkms admin create-product-token --product <name> --mount <mount> [--key-id <KeyId>] [--account <uin|name>]
 *                                      [--rotation-days <n>]
 *   openkms admin revoke-product-token <token or its first 8 characters>
 *   openkms admin rotate-product-key --mount <mount> <name>
 *   openkms admin list-product-tokens
 *
 * `<user>` is a uin or a name; `--data-dir` / OPENKMS_DATA_DIR (default ./.openkms), root key from the data dir or
 * OPENKMS_ROOT_KEY; `--store postgres://…` / OPENKMS_STORE: a cluster's shared store (the data dir then only
 * supplies the root key file) — changes apply to every node's next request. Exit codes: 0 done, 2 refused (bad input, not a data dir, wrong root key), 1 anything else.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { AccountAdmin, openNodeStores, productAdminFor, withCloudBindings, type NodeStores } from "@openkms/server";
import { ENV, parseDays, rootKeyOption, storeOption } from "./config.js";
import { rewrapCommand } from "./rewrap-command.js";
import { runTool, ToolError } from "./tool.js";

const dataDirOption = () => new Option("--data-dir <dir>", "data directory").env(ENV.dataDir).default("./.openkms");

async function withAdmin<T>(opts: { dataDir: string; rootKey?: string; store?: string }, fn: (admin: AccountAdmin, dir: NodeStores) => Promise<T>): Promise<T> {
  const dir = await openNodeStores({
    dataDir: resolve(opts.dataDir), rootKey: process.env[ENV.rootKey], rootKeyUri: opts.rootKey, store: opts.store, create: false, nowSeconds: Math.floor(Date.now() / 1000),
  });
  if (dir.auditProblem) process.stderr.write(`openkms: warning: the audit log does not match its checkpoint: ${dir.auditProblem}\n`);
  try {
    return await fn(new AccountAdmin(dir.accounts, dir.root, dir.audit, dir.rootUin), dir);
  } finally {
    await dir.close();
  }
}

const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + "\n");
const account = (a: { uin: string; name: string; ownerUin: string; status: string; createTime: number }) => ({
  Uin: a.uin, Name: a.name, Kind: a.uin === a.ownerUin ? "root" : "sub-user", OwnerUin: a.ownerUin, Status: a.status, CreateTime: a.createTime,
});

export function adminCommand(): Command {
  const admin = new Command("admin").description("manage accounts, sub-users, access keys and policies (works while the server runs)");
  const sub = (name: string, description: string) =>
    admin.command(name).description(description).addOption(dataDirOption()).addOption(rootKeyOption()).addOption(storeOption());

  sub("create-account", "create a root account: a new owner of keys that sees no other account's keys")
    .argument("<name>")
    .action((name: string, opts) => runTool(() => withAdmin(opts, async (a) => print(account(await a.createAccount(name))))));

  sub("create-user", "create a sub-user (no permissions until a policy is attached)")
    .argument("<name>")
    .option("--account <account>", "root account (uin or name) the user belongs to; default: the first root account")
    .action((name: string, opts) => runTool(() => withAdmin(opts, async (a) => print(account(await a.createUser(name, opts.account))))));

  for (const [cmd, status] of [["enable-user", "Enabled"], ["disable-user", "Disabled"]] as const) {
    sub(cmd, `${status === "Enabled" ? "enable" : "disable"} a user or account (all its access keys stop or start working)`)
      .argument("<user>")
      .action((ref: string, opts) => runTool(() => withAdmin(opts, async (a) => print(account(await a.setUserStatus(ref, status))))));
  }

  sub("delete-user", "delete a sub-user with its access keys and policies")
    .argument("<user>")
    .action((ref: string, opts) => runTool(() => withAdmin(opts, async (a) => print({ Deleted: account(await a.deleteUser(ref)) }))));

  sub("create-access-key", "create a SecretId/SecretKey pair; the SecretKey is shown this once")
    .argument("<user>")
    .action((ref: string, opts) =>
      runTool(() =>
        withAdmin(opts, async (a) => {
          print(await a.createAccessKey(ref));
          process.stderr.write("openkms: store the SecretKey now; it cannot be shown again\n");
        }),
      ),
    );

  for (const [cmd, status] of [["enable-access-key", "Enabled"], ["disable-access-key", "Disabled"]] as const) {
    sub(cmd, `${status === "Enabled" ? "enable" : "disable"} an access key`)
      .argument("<secretId>")
      .action((secretId: string, opts) =>
        runTool(() => withAdmin(opts, async (a) => {
          await a.setAccessKeyStatus(secretId, status);
          print({ SecretId: secretId, Status: status });
        })),
      );
  }

  sub("delete-access-key", "delete an access key for good")
    .argument("<secretId>")
    .action((secretId: string, opts) =>
      runTool(() => withAdmin(opts, async (a) => {
        await a.deleteAccessKey(secretId);
        print({ Deleted: secretId });
      })),
    );

  sub("attach-policy", "attach (or replace) a CAM-style policy on a sub-user")
    .argument("<user>")
    .argument("<policy-name>")
    .option("--file <path>", "policy JSON file")
    .option("--document <json>", "policy JSON text")
    .action((ref: string, name: string, opts) =>
      runTool(() => {
        if (Boolean(opts.file) === Boolean(opts.document)) throw new ToolError("give the policy with exactly one of --file or --document");
        const text: string = opts.file ? readFileSync(opts.file, "utf8") : opts.document;
        return withAdmin(opts, async (a) => {
          await a.attachPolicy(ref, name, text);
          const p = await a.principal(ref);
          print({ Uin: p.uin, Policy: name, Attached: true });
        });
      }),
    );

  sub("detach-policy", "detach a policy from a sub-user")
    .argument("<user>")
    .argument("<policy-name>")
    .action((ref: string, name: string, opts) =>
      runTool(() => withAdmin(opts, async (a) => {
        await a.detachPolicy(ref, name);
        print({ Policy: name, Detached: true });
      })),
    );

  sub("list", "list accounts and sub-users with their access keys (no secrets) and policies, and the accounts' cloud-resource bindings")
    .action((opts) => runTool(() => withAdmin(opts, async (a, dir) => print(await withCloudBindings(dir.store, await a.list())))));

  sub("create-product-token", "make a token a product (MariaDB's key plugin) reads its keys with through the product gateway; shown once")
    .requiredOption("--product <name>", "the product, e.g. mariadb (ProductId of the CMK's binding, Owner of its data keys)")
    .requiredOption("--mount <mount>", "the mount: the product reads http://HOST:PORT/v1/<mount>")
    .option("--key-id <KeyId>", "the CMK the mount's keys are hosted data keys under (default: the product's service default key)")
    .option("--account <account>", "root account (uin or name) the keys belong to; default: the first root account")
    .addOption(new Option("--rotation-days <n>", "add a version to every key of the mount every n days (1-365)").argParser(parseDays))
    .action((opts) =>
      runTool(() =>
        withAdmin(opts, async (_a, dir) => {
          const admin = await productAdminFor(dir);
          print(await admin.createToken({ product: opts.product, mount: opts.mount, keyId: opts.keyId, account: opts.account, rotationDays: opts.rotationDays }));
          process.stderr.write("openkms: store the Token now; it cannot be shown again\n");
        }),
      ),
    );

  sub("revoke-product-token", "revoke a product token for good: the gateway refuses it from the next request")
    .argument("<token>", "the token, or its first 8 characters")
    .action((ref: string, opts) => runTool(() => withAdmin(opts, async (_a, dir) => print(await (await productAdminFor(dir)).revokeToken(ref)))));

  sub("rotate-product-key", "add a version to a key of a mount now; old versions stay readable")
    .requiredOption("--mount <mount>", "the mount")
    .argument("<name>", "the key name (MariaDB: the key id, e.g. 1)")
    .action((name: string, opts) => runTool(() => withAdmin(opts, async (_a, dir) => print(await (await productAdminFor(dir)).rotateKey(opts.mount, name)))));

  sub("list-product-tokens", "list product mounts with their keys, and product tokens (ids only, never the token)")
    .action((opts) => runTool(() => withAdmin(opts, async (_a, dir) => print(await (await productAdminFor(dir)).list()))));

  admin.addCommand(rewrapCommand());
  return admin;
}
