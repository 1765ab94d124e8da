/**
 * The internal hosted-data-key API for in-process callers that are not API requests — the product gateway
 * (`/v1/`, Vault KV v2 for MariaDB and the like) and `openkms admin` commands. `createKmsServer` exposes one as
 * `KmsServer.dataKeys`; `hostedDataKeys(...)` builds one over any store (e.g. an admin tool's data dir).
 *
 * Contract (every method):
 * - acts for one account, `uin`; another account's keys and data keys are "not found" (as in the API);
 * - throws `KmsError` (errors.ts, recognise with `isKmsError`) carrying the API's error code for everything a caller
 *   can cause — never a secret in the message — and `TypeError` for malformed arguments of the internal API itself;
 *   the gateway maps *NotFound codes to 404 and the rest of the `ResourceUnavailable.*` codes to 403;
 * - reads see time as the API does: a data key or CMK past its DeletionDate is gone even before the scheduler ran;
 * - plaintext is returned as a fresh `Uint8Array` the caller owns and must zero (`.fill(0)`) when done; material is
 *   stored only sealed under the CMK (data-key-material.ts) and the CMK's material only wrapped under the root key;
 * - audit: these calls write no audit record themselves; the caller records what it did (the gateway writes one
 *   record per read naming product, mount, name, version and result).
 *
 * Data key names follow `DATA_KEY_NAME_RE` (1–60 of `[A-Za-z0-9_-]`, first a letter or digit) and are unique per
 * account, across CMKs: a gateway serving several mounts must put the mount into the name (e.g. `<mount>-<n>`).
 */
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError, isKmsError } from "../errors.js";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import type { ActionContext } from "../actions/define.js";
import type { DataKeyRecord, KeyRecord } from "../store/types.js";
import { bindKey, checkBindingParams } from "./cloud-bindings.js";
import { createDataKey } from "./create-data-key.js";
import { checkDataKeyDescription, checkDataKeyId, MAX_DATA_KEY_BYTES, checkDataKeyName, findDataKeyByName, loadDataKey, requireDataKeyUsable } from "./data-key-access.js";
import { loadSealingCmk, openDataKeyVersion, sealDataKeyMaterial, type DataKeyServices } from "./data-key-material.js";
import { getOrCreateServiceKey, checkServiceProduct } from "./service-keys.js";

/** The default length of a hosted data key made through this API: 32 bytes (AES-256). */
export const DEFAULT_HOSTED_DATA_KEY_BYTES = 32;

/** A data key and the list of its versions. */
export interface HostedDataKeyView {
  dataKey: DataKeyRecord;
  /** Every version, oldest first (version numbers 1, 2, …; createTime in Unix seconds). */
  versions: { version: number; createTime: number }[];
}

export interface CreateHostedDataKeyInput {
  /** The account (uin, decimal string). */
  uin: string;
  /** The CMK to seal it under: a symmetric CMK of `uin`, Enabled. */
  keyId: string;
  /** DataKeyName, unique in the account. */
  name: string;
  /** At most 100 UTF-8 bytes (default empty). */
  description?: string;
  /** 1–1024 (default 32). */
  numberOfBytes?: number;
  /** The product creating it: becomes DataKeyMetadata.Owner (default `user`). */
  product?: string;
  /** Also bind the CMK to this cloud resource (BindCloudResource semantics), once the CMK is known to be usable. */
  binding?: { productId: string; resourceId: string };
}

/** What the API needs from the server: the store, root of trust, edition, clock and limits. */
export type HostedDataKeyDeps = Omit<DataKeyServices, "uin">;

export interface HostedDataKeys {
  /**
   * Create a data key of `numberOfBytes` random bytes (version 1) under the CMK.
   * @throws KmsError `ResourceUnavailable.CmkNotFound`, `InvalidParameterValue.InvalidKeyUsage`,
   *   `ResourceUnavailable.{CmkDisabled, CmkArchived, KeyPendingDelete, CmkStateNotSupport}`,
   *   `InvalidParameterValue.{InvalidKeyId, InvalidDataKeyName, DataKeyNameAlreadyExists}`, `InvalidParameterValue`
   *   (description), `LimitExceeded.DataKeyLimitExceeded`, `InvalidParameter` (binding ids)
   */
  create(input: CreateHostedDataKeyInput): Promise<HostedDataKeyView>;
  /**
   * The data key named `input.name` if it exists (it must be under `input.keyId`, else
   * `InvalidParameterValue.DataKeyNameAlreadyExists`), else {@link create} — safe against concurrent first calls
   * (the loser reads the winner's key). The binding is (re)asserted either way.
   * @returns the view, and whether this call created it
   */
  getOrCreate(input: CreateHostedDataKeyInput): Promise<HostedDataKeyView & { created: boolean }>;
  /** The data key named `name` in account `uin`, or undefined. */
  get(uin: string, name: string): Promise<HostedDataKeyView | undefined>;
  /** @throws KmsError `InvalidParameterValue.InvalidDataKeyId`, `ResourceUnavailable.DataKeyNotFound` */
  getById(uin: string, dataKeyId: string): Promise<HostedDataKeyView>;
  /**
   * Add a version (fresh random material of the same length) and make it current; older versions stay readable.
   * The data key must be Enabled and its CMK Enabled.
   * @throws KmsError `ResourceUnavailable.{DataKeyNotFound, DataKeyDisabled, DataKeyPendingDelete}` and the CMK
   *   errors of {@link create}
   */
  rotate(uin: string, dataKeyId: string): Promise<HostedDataKeyView>;
  /**
   * The plaintext of version `version` (default: current) — refused unless the data key is Enabled and its CMK is
   * Enabled: a Disabled, Archived, PendingDelete, PendingImport or deleted CMK withholds it.
   * @returns the version read and its bytes (numberOfBytes long; the caller zeroes them)
   * @throws KmsError `ResourceUnavailable.{DataKeyNotFound (no such key or version), DataKeyDisabled,
   *   DataKeyPendingDelete, CmkNotFound, CmkDisabled, CmkStateNotSupport}`
   */
  readVersion(uin: string, dataKeyId: string, version?: number): Promise<{ version: number; plaintext: Uint8Array }>;
  /**
   * The account's service default key for `product`, created the first time (once per product and account; see
   * service-keys.ts). @throws TypeError for a product name outside `SERVICE_PRODUCT_RE`
   */
  serviceKey(uin: string, product: string): Promise<KeyRecord>;
  /**
   * BindCloudResource for an in-process product: bind the CMK to (productId, resourceId); idempotent.
   * @returns true when the binding is new
   * @throws KmsError `InvalidParameterValue.InvalidKeyId`, `ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}`,
   *   `InvalidParameter`
   */
  bind(uin: string, keyId: string, productId: string, resourceId: string): Promise<boolean>;
}

async function view(svc: Pick<ActionContext, "store">, dataKey: DataKeyRecord): Promise<HostedDataKeyView> {
  const versions = (await svc.store.listDataKeyVersions(dataKey.dataKeyId)).map((v) => ({ version: v.version, createTime: v.createTime }));
  return { dataKey, versions };
}

function checkLength(n: number | undefined): number {
  const length = n ?? DEFAULT_HOSTED_DATA_KEY_BYTES;
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_DATA_KEY_BYTES) {
    throw new RangeError(`"numberOfBytes" expected 1-${MAX_DATA_KEY_BYTES}, got ${n}`);
  }
  return length;
}

/** The internal hosted-data-key API over `deps` (see the module comment for the contract). */
export function hostedDataKeys(deps: HostedDataKeyDeps): HostedDataKeys {
  const forAccount = (uin: string): DataKeyServices => {
    if (typeof uin !== "string" || !/^\d{1,20}$/.test(uin)) throw new TypeError(`"uin" expected a decimal account id, got ${JSON.stringify(uin)}`);
    return { ...deps, uin };
  };

  async function bindFor(svc: DataKeyServices, keyId: string, productId: string, resourceId: string): Promise<boolean> {
    checkBindingParams(productId, resourceId);
    const key = await loadKey(svc, checkKeyId(keyId));
    return bindKey(svc, key, productId, resourceId);
  }

  const api: HostedDataKeys = {
    async create(input) {
      const svc = forAccount(input.uin);
      const keyId = checkKeyId(input.keyId);
      const name = checkDataKeyName(input.name);
      const description = checkDataKeyDescription(input.description ?? "");
      const length = checkLength(input.numberOfBytes);
      if (input.product !== undefined) checkServiceProduct(input.product);
      if (input.binding) checkBindingParams(input.binding.productId, input.binding.resourceId);
      const cmk = await loadSealingCmk(svc, keyId); // a CMK that cannot seal leaves no binding behind
      if (input.binding) await bindKey(svc, cmk, input.binding.productId, input.binding.resourceId);
      const material = randomBytes(length);
      try {
        const dataKey = await createDataKey(svc, { cmk, name, description, material, origin: "TENCENT_KMS", owner: input.product });
        return view(svc, dataKey);
      } finally {
        wipe(material);
      }
    },
    async getOrCreate(input) {
      const svc = forAccount(input.uin);
      const keyId = checkKeyId(input.keyId);
      const found = async () => {
        const existing = await findDataKeyByName(svc, checkDataKeyName(input.name));
        if (existing && existing.keyId !== keyId) {
          throw new KmsError(ErrorCode.InvalidParameterValueDataKeyNameAlreadyExists, `DataKeyName ${input.name} is taken by a data key under another CMK`);
        }
        return existing;
      };
      const existing = await found();
      if (existing) {
        if (input.binding) await bindFor(svc, keyId, input.binding.productId, input.binding.resourceId);
        return { ...(await view(svc, existing)), created: false };
      }
      try {
        return { ...(await api.create(input)), created: true };
      } catch (e) {
        if (isKmsError(e) && e.kmsErrorCode === ErrorCode.InvalidParameterValueDataKeyNameAlreadyExists) {
          const winner = await found();
          if (winner) return { ...(await view(svc, winner)), created: false };
        }
        throw e;
      }
    },
    async get(uin, name) {
      const svc = forAccount(uin);
      if (typeof name !== "string" || !name) return undefined;
      const dataKey = await findDataKeyByName(svc, name);
      return dataKey && view(svc, dataKey);
    },
    async getById(uin, dataKeyId) {
      const svc = forAccount(uin);
      return view(svc, await loadDataKey(svc, checkDataKeyId(dataKeyId)));
    },
    async rotate(uin, dataKeyId) {
      const svc = forAccount(uin);
      const dataKey = await loadDataKey(svc, checkDataKeyId(dataKeyId));
      requireDataKeyUsable(dataKey);
      const cmk = await loadSealingCmk(svc, dataKey.keyId);
      const material = randomBytes(dataKey.numberOfBytes);
      try {
        const ciphertextBlob = await sealDataKeyMaterial(svc, cmk, material);
        await svc.store.addDataKeyVersion({
          dataKeyId: dataKey.dataKeyId, version: dataKey.currentVersion + 1, ciphertextBlob, createTime: unixSeconds(svc.clock),
        });
        // false: a concurrent rotation added this version number first — one new version exists either way.
      } finally {
        wipe(material);
      }
      return view(svc, await loadDataKey(svc, dataKey.dataKeyId));
    },
    async readVersion(uin, dataKeyId, version) {
      const svc = forAccount(uin);
      const dataKey = await loadDataKey(svc, checkDataKeyId(dataKeyId));
      const v = version ?? dataKey.currentVersion;
      const plaintext = await openDataKeyVersion(svc, dataKey, v);
      return { version: v, plaintext };
    },
    async serviceKey(uin, product) {
      return getOrCreateServiceKey(forAccount(uin), product);
    },
    async bind(uin, keyId, productId, resourceId) {
      return bindFor(forAccount(uin), keyId, productId, resourceId);
    },
  };
  return api;
}
