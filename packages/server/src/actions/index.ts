/** The action table: every API action this server answers, by name. */
import { createKey } from "./create-key.js";
import { decrypt } from "./decrypt.js";
import type { Action } from "./define.js";
import { describeKey } from "./describe-key.js";
import { describeKeys } from "./describe-keys.js";
import { disableKey, disableKeys } from "./disable-key.js";
import { enableKey, enableKeys } from "./enable-key.js";
import { encrypt } from "./encrypt.js";
import { generateDataKey } from "./generate-data-key.js";
import { generateRandom } from "./generate-random.js";
import { getRegions } from "./get-regions.js";
import { getPublicKey } from "./get-public-key.js";
import { getServiceStatus } from "./get-service-status.js";
import { listAlgorithms } from "./list-algorithms.js";
import { listKeyDetail } from "./list-key-detail.js";
import { listKeys } from "./list-keys.js";
import { postQuantumCryptoDecrypt } from "./post-quantum-crypto-decrypt.js";
import { postQuantumCryptoEncrypt } from "./post-quantum-crypto-encrypt.js";
import { postQuantumCryptoSign } from "./post-quantum-crypto-sign.js";
import { postQuantumCryptoVerify } from "./post-quantum-crypto-verify.js";
import { reEncrypt } from "./re-encrypt.js";
import { updateAlias } from "./update-alias.js";
import { updateKeyDescription } from "./update-key-description.js";

const all: Action[] = [
  createKey, describeKey, describeKeys, listKeys, listKeyDetail, updateAlias, updateKeyDescription, enableKey,
  disableKey, enableKeys, disableKeys, encrypt, decrypt, reEncrypt, generateDataKey, generateRandom, listAlgorithms,
  getServiceStatus, getRegions,
  // Post-quantum (reference §3.7) and their public keys.
  postQuantumCryptoEncrypt, postQuantumCryptoDecrypt, postQuantumCryptoSign, postQuantumCryptoVerify, getPublicKey,
] as Action[];

export const actions: ReadonlyMap<string, Action> = new Map(all.map((a) => [a.name, a]));
