/**
 * Where the product gateway's keys come from: hosted data keys (reference §3.12) under the mount's CMK. The gateway
 * and `openkms admin` talk to them only through this interface; hosted-key-source.ts implements it on the server's
 * hosted data keys. Every failure the caller should see is a `KmsError` with the API's code
 * (`ResourceUnavailable.CmkDisabled`, `ResourceUnavailable.DataKeyDisabled`, …).
 */
import type { ProductMount } from "./product-store.js";

/** The gateway's keys are 32 bytes (AES-256, what MariaDB uses). */
export const PRODUCT_KEY_BYTES = 32;

/** One version of a hosted data key, in plaintext. The caller zeroes `plaintext` when done. */
export interface ProductKeyVersion {
  /** 1, 2, … */
  version: number;
  /** {@link PRODUCT_KEY_BYTES} bytes. */
  plaintext: Uint8Array;
  /** Unix seconds when the version was made (0 when unknown). */
  createTime: number;
}

export interface ProductKeySource {
  /**
   * Make the hosted data key for key `name` of `mount`: 32 bytes under the mount's CMK, owned by the mount's product,
   * its CMK bound to (ProductId = product, ResourceId = mount).
   * @returns its DataKeyId
   * @throws KmsError when the CMK is not usable or the account may hold no more data keys
   */
  create(mount: ProductMount, name: string): Promise<string>;
  /**
   * Read a version (the newest when `version` is undefined).
   * @returns the version, or undefined when the data key has no such version
   * @throws KmsError when the CMK or the data key is not usable (disabled, pending deletion, archived, gone)
   */
  read(mount: ProductMount, dataKeyId: string, version: number | undefined): Promise<ProductKeyVersion | undefined>;
  /**
   * Add a version now (rotation); older versions stay readable.
   * @returns the new version number
   * @throws KmsError when the CMK or the data key is not usable
   */
  addVersion(mount: ProductMount, dataKeyId: string): Promise<number>;
  /**
   * Check that `keyId` is a CMK of account `uin` that can hold the mount's data keys (an Enabled symmetric
   * ENCRYPT_DECRYPT key), and bind it to (ProductId = product, ResourceId = mount).
   * @throws KmsError when it is not
   */
  bindMount(uin: string, keyId: string, product: string, mount: string): Promise<void>;
  /**
   * The service default key of `product` in account `uin`, made on first call (once per product and account).
   * @returns its KeyId
   */
  serviceKey(uin: string, product: string): Promise<string>;
}
