/**
 * Product tokens and product keys behind `openkms admin create-product-token | revoke-product-token |
 * rotate-product-key | list-product-tokens`, on the data dir's stores (the server may be running: the gateway reads
 * tokens and mounts on every request, so a revocation applies to the next read). Every change is written to the
 * audit log as `admin.<command>` from source `local`, with `detail` naming product, mount (and name, version).
 *
 * A token is generated here, shown once by {@link ProductAdmin.createToken}, and stored only as its id and SHA-256
 * (product-token.ts). The first token of a mount fixes the mount's product, account and CMK; later tokens of the
 * mount must agree with them (any token of a mount reads the same keys).
 */
import { randomUUID } from "node:crypto";
import { AdminError } from "../accounts/admin.js";
import type { AuditSink } from "../audit/log.js";
import type { AuditDetail } from "../audit/record.js";
import { isKmsError } from "../errors.js";
import type { AccountStore } from "../store/accounts.js";
import type { ProductKeySource } from "./key-source.js";
import { isKeyName, MAX_ROTATION_DAYS, mountProblem, productProblem } from "./names.js";
import { TokenIdTakenError, type ProductMount, type ProductStore } from "./product-store.js";
import { isProductToken, isProductTokenId, newProductToken, productTokenHash, productTokenId, productTokenMatches } from "./product-token.js";

const DAY = 86_400;
const KEY_ID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface CreateProductTokenInput {
  product: string;
  mount: string;
  /** The CMK; default: the product's service default key in the account. */
  keyId?: string | undefined;
  /** The account's uin; default: the first root account. */
  account?: string | undefined;
  /** Days between scheduled rotations of the mount's keys (1–365); undefined = leave as it is (none for a new mount). */
  rotationDays?: number | undefined;
}

export interface NewProductToken {
  /** Shown once; only its id and hash are stored. */
  Token: string;
  Mount: string;
}

export interface ProductTokenView {
  TokenId: string;
  Product: string;
  Mount: string;
  Status: string;
  CreateTime: number;
  RevokeTime: number;
}

export interface ProductMountView {
  Mount: string;
  Product: string;
  Uin: string;
  KeyId: string;
  RotationDays: number;
  NextRotateTime: number;
  CreateTime: number;
  Keys: { Name: string; DataKeyId: string; CreateTime: number }[];
}

export interface ProductAdminParts {
  products: ProductStore;
  accounts: AccountStore;
  keys: ProductKeySource;
  audit: AuditSink;
  /** The first root account: the default `--account`. */
  defaultUin: string;
  nowMs?: () => number;
}

/** Turn a KmsError from the key source into an AdminError (the operator's to fix); rethrow anything else. */
function asAdminError(e: unknown, what: string): never {
  if (isKmsError(e)) throw new AdminError(`${what}: ${e.kmsErrorCode}: ${e.message}`);
  throw e;
}

export class ProductAdmin {
  private readonly nowMs: () => number;

  constructor(private readonly parts: ProductAdminParts) {
    this.nowMs = parts.nowMs ?? Date.now;
  }

  private now = () => Math.floor(this.nowMs() / 1000);

  private async record(command: string, uin: string, keyIds: string[], detail: AuditDetail, secretId = ""): Promise<void> {
    await this.parts.audit.append({
      time: this.nowMs(), requestId: randomUUID(), action: `admin.${command}`, secretId, uin, ownerUin: uin,
      sourceAddress: "local", keyIds, code: "Success", latencyMs: 0, detail,
    });
  }

  /** The root account `ref` (uin or name), or the default one. @throws AdminError when it is not a root account */
  private async account(ref: string | undefined): Promise<string> {
    if (ref === undefined) return this.parts.defaultUin;
    const a = /^\d+$/.test(ref) ? await this.parts.accounts.getAccount(ref) : await this.parts.accounts.findAccountByName(ref);
    if (!a) throw new AdminError(`no account ${ref}`);
    if (a.ownerUin !== a.uin) throw new AdminError(`${ref} is a sub-user; keys belong to root accounts`);
    return a.uin;
  }

  /**
   * Make a product token for `mount` (creating the mount on its first token: its CMK bound to ProductId = product,
   * ResourceId = mount).
   * @returns the token (64 hex characters, shown this once) and the mount
   * @throws AdminError for a bad name, an unknown account, a CMK that cannot hold the keys, or a mount that belongs
   *   to another product, account or CMK
   */
  async createToken(input: CreateProductTokenInput): Promise<NewProductToken> {
    const problem = productProblem(input.product) ?? mountProblem(input.mount);
    if (problem) throw new AdminError(problem);
    if (input.keyId !== undefined && !KEY_ID_RE.test(input.keyId)) throw new AdminError(`--key-id ${input.keyId} is not a KeyId (a 36-character UUID)`);
    const days = input.rotationDays;
    if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= MAX_ROTATION_DAYS)) {
      throw new AdminError(`--rotation-days must be a whole number of days 1-${MAX_ROTATION_DAYS}`);
    }
    const { products, keys } = this.parts;
    const existing = await products.getMount(input.mount);
    let mount: ProductMount;
    if (existing) {
      const uin = input.account === undefined ? existing.uin : await this.account(input.account);
      const keyId = input.keyId?.toLowerCase() ?? existing.keyId;
      if (existing.product !== input.product || existing.uin !== uin || existing.keyId !== keyId) {
        throw new AdminError(
          `mount ${input.mount} belongs to product ${existing.product}, account ${existing.uin}, CMK ${existing.keyId}; a token of it must name the same (or use another mount)`,
        );
      }
      mount = existing;
    } else {
      const uin = await this.account(input.account);
      let keyId: string;
      try {
        keyId = input.keyId?.toLowerCase() ?? (await keys.serviceKey(uin, input.product));
        await keys.bindMount(uin, keyId, input.product, input.mount);
      } catch (e) {
        asAdminError(e, input.keyId ? `CMK ${input.keyId}` : `the service key of ${input.product}`);
      }
      mount = await products.putMountIfAbsent({
        mount: input.mount, product: input.product, uin, keyId, rotationDays: 0, nextRotateTime: 0, createTime: this.now(),
      });
      if (mount.product !== input.product || mount.uin !== uin || mount.keyId !== keyId) {
        throw new AdminError(`mount ${input.mount} was just created by someone else for product ${mount.product}; try again`);
      }
    }
    if (days !== undefined && days !== mount.rotationDays) {
      await products.setMountRotation(mount.mount, days, this.now() + days * DAY);
    }
    for (;;) {
      const token = newProductToken();
      try {
        await products.insertToken({
          tokenId: productTokenId(token), tokenHash: productTokenHash(token), mount: mount.mount, product: mount.product,
          status: "Active", createTime: this.now(), revokeTime: 0,
        });
      } catch (e) {
        if (e instanceof TokenIdTakenError) continue; // 1 in 2³² per existing token: draw again
        throw e;
      }
      await this.record("create-product-token", mount.uin, [mount.keyId], {
        product: mount.product, mount: mount.mount, rotationDays: days ?? mount.rotationDays,
      }, productTokenId(token));
      return { Token: token, Mount: mount.mount };
    }
  }

  /**
   * Revoke a token for good, by the token or its first 8 characters; the gateway refuses it from the next request.
   * @throws AdminError when there is no such (active) token
   */
  async revokeToken(ref: string): Promise<ProductTokenView> {
    let tokenId: string;
    if (isProductToken(ref)) tokenId = productTokenId(ref);
    else if (isProductTokenId(ref)) tokenId = ref;
    else throw new AdminError("expected a product token (64 hex characters) or its first 8 characters");
    const record = await this.parts.products.getToken(tokenId);
    if (!record || (isProductToken(ref) && !productTokenMatches(ref, record.tokenHash))) throw new AdminError(`no product token ${tokenId}`);
    if (record.status === "Revoked") throw new AdminError(`product token ${tokenId} is already revoked`);
    await this.parts.products.revokeToken(tokenId, this.now());
    const mount = await this.parts.products.getMount(record.mount);
    await this.record("revoke-product-token", mount?.uin ?? "", mount ? [mount.keyId] : [], { product: record.product, mount: record.mount }, tokenId);
    const after = (await this.parts.products.getToken(tokenId))!;
    return view(after);
  }

  /**
   * Add a version to key `name` of `mount` now; MariaDB moves to it (re-encrypting pages more than
   * `innodb_encryption_rotate_key_age` versions behind); every old version stays readable.
   * @returns the new version
   * @throws AdminError when there is no such mount or key, or the CMK or data key is not usable
   */
  async rotateKey(mountName: string, name: string): Promise<{ Mount: string; Name: string; DataKeyId: string; Version: number }> {
    const mount = await this.parts.products.getMount(mountName);
    if (!mount) throw new AdminError(`no mount ${mountName}`);
    if (!isKeyName(name)) throw new AdminError(`${name} is not a key name`);
    const ref = await this.parts.products.getKeyRef(mountName, name);
    if (!ref) throw new AdminError(`mount ${mountName} has no key ${name} yet (a key is made when the product first reads it)`);
    let version: number;
    try {
      version = await this.parts.keys.addVersion(mount, ref.dataKeyId);
    } catch (e) {
      asAdminError(e, `key ${name} of mount ${mountName}`);
    }
    await this.record("rotate-product-key", mount.uin, [mount.keyId], { product: mount.product, mount: mount.mount, name, version });
    return { Mount: mount.mount, Name: name, DataKeyId: ref.dataKeyId, Version: version };
  }

  /** Every mount with its keys, and every token (ids only). */
  async list(): Promise<{ Mounts: ProductMountView[]; Tokens: ProductTokenView[] }> {
    const mounts: ProductMountView[] = [];
    for (const m of await this.parts.products.listMounts()) {
      const refs = await this.parts.products.listKeyRefs(m.mount);
      mounts.push({
        Mount: m.mount, Product: m.product, Uin: m.uin, KeyId: m.keyId, RotationDays: m.rotationDays, NextRotateTime: m.nextRotateTime,
        CreateTime: m.createTime, Keys: refs.map((r) => ({ Name: r.name, DataKeyId: r.dataKeyId, CreateTime: r.createTime })),
      });
    }
    return { Mounts: mounts, Tokens: (await this.parts.products.listTokens()).map(view) };
  }
}

const view = (t: { tokenId: string; product: string; mount: string; status: string; createTime: number; revokeTime: number }): ProductTokenView => ({
  TokenId: t.tokenId, Product: t.product, Mount: t.mount, Status: t.status, CreateTime: t.createTime, RevokeTime: t.revokeTime,
});
