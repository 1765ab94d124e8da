/**
 * Product keys as hosted data keys (reference §3.12, data-keys/hosted-data-keys.ts): key `<name>` of mount `<mount>`
 * is the data key named `<mount>-<name>` (names.ts) in the mount's account — 32 bytes, sealed under the mount's CMK,
 * `Owner` = the product, the CMK bound to (ProductId = product, ResourceId = mount). Disabling, archiving or deleting
 * the CMK, or disabling or deleting the data key, withholds it (the hosted data keys refuse to open it).
 */
import { ErrorCode, isKmsError } from "../errors.js";
import { loadKey, requireEncryptable, requireSymmetric } from "../keys/key-access.js";
import type { Clock } from "../clock.js";
import type { HostedDataKeys } from "../data-keys/hosted-data-keys.js";
import type { KeyStore } from "../store/types.js";
import { PRODUCT_KEY_BYTES, type ProductKeySource } from "./key-source.js";
import { dataKeyNameOf } from "./names.js";

export interface HostedKeyParts {
  dataKeys: HostedDataKeys;
  store: KeyStore;
  clock: Clock;
}

/** The product gateway's keys on the hosted data keys `parts.dataKeys`. */
export function hostedProductKeys(parts: HostedKeyParts): ProductKeySource {
  const { dataKeys } = parts;
  return {
    async create(mount, name) {
      const made = await dataKeys.getOrCreate({
        uin: mount.uin, keyId: mount.keyId, name: dataKeyNameOf(mount.mount, name), numberOfBytes: PRODUCT_KEY_BYTES,
        product: mount.product, description: `Key ${name} of mount ${mount.mount} (OpenKMS product gateway)`,
        binding: { productId: mount.product, resourceId: mount.mount },
      });
      return made.dataKey.dataKeyId;
    },
    async read(mount, dataKeyId, version) {
      let got: { version: number; plaintext: Uint8Array };
      try {
        got = await dataKeys.readVersion(mount.uin, dataKeyId, version);
      } catch (e) {
        // No such version — or no such data key any more (deleted through the API): Vault's 404.
        if (isKmsError(e) && e.kmsErrorCode === ErrorCode.ResourceUnavailableDataKeyNotFound) return undefined;
        throw e;
      }
      let createTime = 0;
      try {
        createTime = (await dataKeys.getById(mount.uin, dataKeyId)).versions.find((v) => v.version === got.version)?.createTime ?? 0;
      } catch (e) {
        got.plaintext.fill(0);
        throw e;
      }
      return { ...got, createTime };
    },
    async addVersion(mount, dataKeyId) {
      const view = await dataKeys.rotate(mount.uin, dataKeyId);
      return view.dataKey.currentVersion;
    },
    async bindMount(uin, keyId, product, mount) {
      const key = await loadKey({ store: parts.store, clock: parts.clock, uin }, keyId.toLowerCase());
      requireSymmetric(key);
      requireEncryptable(key);
      await dataKeys.bind(uin, key.keyId, product, mount);
    },
    async serviceKey(uin, product) {
      return (await dataKeys.serviceKey(uin, product)).keyId;
    },
  };
}
