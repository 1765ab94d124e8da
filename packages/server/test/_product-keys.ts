/**
 * A stand-in for the hosted data keys behind the product gateway, for tests of the gateway's own behaviour: keys
 * are kept in memory, but every call checks the real CMK in the server's key store (Enabled, ENCRYPT_DECRYPT), so
 * DisableKey through the SDK withholds them as the real source does.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { ErrorCode, KmsError } from "../src/errors.js";
import type { ProductKeySource } from "../src/gateway/key-source.js";
import type { KeyStore } from "../src/store/types.js";

export interface FakeProductKeys extends ProductKeySource {
  /** The versions made so far, by DataKeyId (plaintexts). */
  readonly made: Map<string, Buffer[]>;
  bindings: { keyId: string; product: string; mount: string }[];
}

export function fakeProductKeys(store: () => KeyStore): FakeProductKeys {
  const made = new Map<string, Buffer[]>();
  const bindings: FakeProductKeys["bindings"] = [];
  async function usableCmk(uin: string, keyId: string) {
    const key = await store().getKey(uin, keyId);
    if (!key) throw new KmsError(ErrorCode.ResourceUnavailableCmkNotFound, `The CMK ${keyId} does not exist`);
    if (key.keyState === "Disabled") throw new KmsError(ErrorCode.ResourceUnavailableCmkDisabled, `The CMK ${keyId} is disabled`);
    if (key.keyState !== "Enabled") throw new KmsError(ErrorCode.ResourceUnavailableCmkStateNotSupport, `The CMK ${keyId} is ${key.keyState}`);
    if (key.keyUsage !== "ENCRYPT_DECRYPT") throw new KmsError(ErrorCode.InvalidParameterValueInvalidKeyUsage, `The CMK ${keyId} is not ENCRYPT_DECRYPT`);
  }
  return {
    made, bindings,
    async create(mount) {
      await usableCmk(mount.uin, mount.keyId);
      const id = randomUUID();
      made.set(id, [randomBytes(32)]);
      return id;
    },
    async read(mount, dataKeyId, version) {
      await usableCmk(mount.uin, mount.keyId);
      const versions = made.get(dataKeyId)!;
      const v = version ?? versions.length;
      if (v < 1 || v > versions.length) return undefined;
      return { version: v, plaintext: new Uint8Array(versions[v - 1]!), createTime: 1_700_000_000 };
    },
    async addVersion(mount, dataKeyId) {
      await usableCmk(mount.uin, mount.keyId);
      const versions = made.get(dataKeyId)!;
      versions.push(randomBytes(32));
      return versions.length;
    },
    async bindMount(uin, keyId, product, mount) {
      await usableCmk(uin, keyId);
      bindings.push({ keyId, product, mount });
    },
    async serviceKey() {
      throw new KmsError(ErrorCode.UnsupportedOperation, "the stand-in has no service keys");
    },
  };
}
