/**
 * Account administration behind `openkms admin`: root accounts, sub-users, access keys and policies, on the data
 * dir's stores (the server may be running: it reads accounts on every request). Every change is written to the audit
 * log as action `admin.<command>` from source `local`.
 *
 * SecretKeys are generated here, stored only wrapped under the root key and returned once, by
 * {@link AccountAdmin.createAccessKey}; nothing lists them again.
 */
import { randomUUID } from "node:crypto";
import { parsePolicy, PolicyError } from "../access/policy.js";
import type { AuditSink } from "../audit/log.js";
import { newCredential, newUin, putCredential } from "../credentials.js";
import type { RootOfTrust } from "../root-key.js";
import type { AccountRecord, AccountStore, PrincipalStatus } from "../store/accounts.js";

/** An admin request that cannot be done; the message says why. */
export class AdminError extends Error {
  override name = "AdminError";
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const SECRET_ID_RE = /^[A-Za-z0-9]{4,128}$/;

function checkName(name: string, what: string): string {
  if (!NAME_RE.test(name)) throw new AdminError(`${what} "${name}" must be 1-64 letters, digits, _ . @ -, starting with a letter or digit`);
  // Commands take a uin or a name; an all-digit name would be read as a uin (possibly another principal's).
  if (/^\d+$/.test(name)) throw new AdminError(`${what} "${name}" must not be all digits (digits name a uin)`);
  return name;
}

/** A taken uin, name or SecretId: SQLite's constraint codes, or PostgreSQL's unique_violation (SQLSTATE 23505). */
const isUniqueViolation = (e: unknown) => typeof (e as { code?: unknown })?.code === "string" && /^(SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)|23505)$/.test((e as { code: string }).code);

export interface AccessKeyView {
  SecretId: string;
  Status: PrincipalStatus;
  CreateTime: number;
}

export interface PrincipalView {
  Uin: string;
  Name: string;
  /** `root` (owns keys) or `sub-user` (acts on its OwnerUin's keys as its policies allow). */
  Kind: "root" | "sub-user";
  OwnerUin: string;
  Status: PrincipalStatus;
  CreateTime: number;
  AccessKeys: AccessKeyView[];
  Policies: { Name: string; Document: unknown }[];
}

export interface NewAccessKey {
  Uin: string;
  SecretId: string;
  /** Shown once; only a wrapped copy is stored. */
  SecretKey: string;
}

export class AccountAdmin {
  constructor(
    private readonly accounts: AccountStore,
    private readonly root: RootOfTrust,
    private readonly audit: AuditSink,
    /** The first root account: the default owner of new sub-users. */
    private readonly defaultOwnerUin: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  private now = () => Math.floor(this.nowMs() / 1000);

  private async record(command: string, subject: { uin?: string; ownerUin?: string; secretId?: string }, code = "Success"): Promise<void> {
    await this.audit.append({
      time: this.nowMs(), requestId: randomUUID(), action: `admin.${command}`, secretId: subject.secretId ?? "",
      uin: subject.uin ?? "", ownerUin: subject.ownerUin ?? "", sourceAddress: "local", keyIds: [], code, latencyMs: 0,
    });
  }

  /** Find a principal by uin (all digits) or name. @throws AdminError when there is none */
  async principal(ref: string): Promise<AccountRecord> {
    const found = /^\d+$/.test(ref) ? await this.accounts.getAccount(ref) : await this.accounts.findAccountByName(ref);
    if (!found) throw new AdminError(`no user or account ${ref}`);
    return found;
  }

  private async create(name: string, ownerUin: string | undefined): Promise<AccountRecord> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const uin = newUin();
      const rec: AccountRecord = { uin, ownerUin: ownerUin ?? uin, name, status: "Enabled", createTime: this.now() };
      try {
        await this.accounts.createAccount(rec);
        return rec;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        if (await this.accounts.findAccountByName(name)) throw new AdminError(`the name ${name} is taken`);
      }
    }
    throw new AdminError("could not find a free uin");
  }

  /** Create a root account: a new owner of keys, seeing none of the others'. */
  async createAccount(name: string): Promise<AccountRecord> {
    const rec = await this.create(checkName(name, "account name"), undefined);
    await this.record("create-account", { uin: rec.uin, ownerUin: rec.ownerUin });
    return rec;
  }

  /**
   * Create a sub-user of `ownerRef` (a root account's uin or name; default: the first root account). It starts with
   * no policies, so it may do nothing until one is attached.
   */
  async createUser(name: string, ownerRef?: string): Promise<AccountRecord> {
    checkName(name, "user name");
    const owner = ownerRef === undefined ? await this.principal(this.defaultOwnerUin) : await this.principal(ownerRef);
    if (owner.ownerUin !== owner.uin) throw new AdminError(`${ownerRef} is a sub-user; sub-users belong to a root account`);
    const rec = await this.create(name, owner.uin);
    await this.record("create-user", { uin: rec.uin, ownerUin: rec.ownerUin });
    return rec;
  }

  /** Enable or disable a principal; a disabled principal's keys are refused (`AuthFailure.SecretIdNotFound`). */
  async setUserStatus(ref: string, status: PrincipalStatus): Promise<AccountRecord> {
    const p = await this.principal(ref);
    await this.accounts.setAccountStatus(p.uin, status);
    await this.record(status === "Enabled" ? "enable-user" : "disable-user", { uin: p.uin, ownerUin: p.ownerUin });
    return { ...p, status };
  }

  /** Delete a sub-user with its access keys and policies. Root accounts are not deleted (their keys would be orphaned). */
  async deleteUser(ref: string): Promise<AccountRecord> {
    const p = await this.principal(ref);
    if (p.ownerUin === p.uin) throw new AdminError(`${ref} is a root account; disable it instead`);
    await this.accounts.deleteAccount(p.uin);
    await this.record("delete-user", { uin: p.uin, ownerUin: p.ownerUin });
    return p;
  }

  /** Create an access key for a principal; the SecretKey is in the result and nowhere else in clear. */
  async createAccessKey(ref: string): Promise<NewAccessKey> {
    const p = await this.principal(ref);
    const cred = newCredential();
    await putCredential(this.accounts, this.root, p.uin, cred, this.now());
    await this.record("create-access-key", { uin: p.uin, ownerUin: p.ownerUin, secretId: cred.secretId });
    return { Uin: p.uin, SecretId: cred.secretId, SecretKey: cred.secretKey };
  }

  /** Enable or disable an access key (a disabled key gets `AuthFailure.SecretIdNotFound`). */
  async setAccessKeyStatus(secretId: string, status: PrincipalStatus): Promise<void> {
    const cred = SECRET_ID_RE.test(secretId) ? await this.accounts.getCredential(secretId) : undefined;
    if (!cred) throw new AdminError(`no access key ${secretId}`);
    await this.accounts.setCredentialStatus(secretId, status);
    const owner = (await this.accounts.getAccount(cred.uin))?.ownerUin ?? "";
    await this.record(status === "Enabled" ? "enable-access-key" : "disable-access-key", { uin: cred.uin, ownerUin: owner, secretId });
  }

  /** Delete an access key for good. */
  async deleteAccessKey(secretId: string): Promise<void> {
    const cred = SECRET_ID_RE.test(secretId) ? await this.accounts.getCredential(secretId) : undefined;
    if (!cred) throw new AdminError(`no access key ${secretId}`);
    await this.accounts.deleteCredential(secretId);
    const owner = (await this.accounts.getAccount(cred.uin))?.ownerUin ?? "";
    await this.record("delete-access-key", { uin: cred.uin, ownerUin: owner, secretId });
  }

  /**
   * Attach (or replace) policy `name` on a principal.
   * @param documentText CAM policy JSON (see access/policy.ts)
   * @throws AdminError for an invalid document (the message names the problem) or a root account (root needs none)
   */
  async attachPolicy(ref: string, name: string, documentText: string): Promise<void> {
    const p = await this.principal(ref);
    checkName(name, "policy name");
    if (p.ownerUin === p.uin) throw new AdminError(`${ref} is a root account: it may do everything on its keys and takes no policies`);
    let doc;
    try {
      doc = parsePolicy(documentText);
    } catch (e) {
      if (e instanceof PolicyError) throw new AdminError(`policy ${name}: ${e.message}`);
      throw e;
    }
    await this.accounts.putPolicy({ uin: p.uin, name, document: JSON.stringify(doc), createTime: this.now() });
    await this.record("attach-policy", { uin: p.uin, ownerUin: p.ownerUin });
  }

  /** Detach policy `name` from a principal. */
  async detachPolicy(ref: string, name: string): Promise<void> {
    const p = await this.principal(ref);
    if (!(await this.accounts.deletePolicy(p.uin, name))) throw new AdminError(`${ref} has no policy ${name}`);
    await this.record("detach-policy", { uin: p.uin, ownerUin: p.ownerUin });
  }

  /** Every principal with its access keys (no secrets) and policies. */
  async list(): Promise<PrincipalView[]> {
    const out: PrincipalView[] = [];
    for (const a of await this.accounts.listAccounts()) {
      out.push({
        Uin: a.uin, Name: a.name, Kind: a.ownerUin === a.uin ? "root" : "sub-user", OwnerUin: a.ownerUin, Status: a.status,
        CreateTime: a.createTime,
        AccessKeys: (await this.accounts.listCredentials(a.uin)).map((c) => ({ SecretId: c.secretId, Status: c.status, CreateTime: c.createTime })),
        Policies: (await this.accounts.listPolicies(a.uin)).map((p) => ({ Name: p.name, Document: JSON.parse(p.document) })),
      });
    }
    return out;
  }
}
