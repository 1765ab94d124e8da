/** The action table: every API action this server answers, by name. */
import { asymmetricRsaDecrypt } from "./asymmetric-rsa-decrypt.js";
import { asymmetricSm2Decrypt } from "./asymmetric-sm2-decrypt.js";
import { createKey } from "./create-key.js";
import { decrypt } from "./decrypt.js";
import type { Action } from "./define.js";
import { describeKey } from "./describe-key.js";
import { describeKeys } from "./describe-keys.js";
import { disableKey } from "./disable-key.js";
import { disableKeys } from "./disable-keys.js";
import { enableKey } from "./enable-key.js";
import { enableKeys } from "./enable-keys.js";
import { encrypt } from "./encrypt.js";
import { generateDataKey } from "./generate-data-key.js";
import { generateRandom } from "./generate-random.js";
import { getPublicKey } from "./get-public-key.js";
import { getRegions } from "./get-regions.js";
import { getServiceStatus } from "./get-service-status.js";
import { listAlgorithms } from "./list-algorithms.js";
import { listKeyDetail } from "./list-key-detail.js";
import { listKeys } from "./list-keys.js";
import { reEncrypt } from "./re-encrypt.js";
import { signByAsymmetricKey } from "./sign-by-asymmetric-key.js";
import { updateAlias } from "./update-alias.js";
import { updateKeyDescription } from "./update-key-description.js";
import { verifyByAsymmetricKey } from "./verify-by-asymmetric-key.js";

const all: Action[] = [
  createKey, describeKey, describeKeys, listKeys, listKeyDetail, updateAlias, updateKeyDescription, enableKey,
  disableKey, enableKeys, disableKeys, encrypt, decrypt, reEncrypt, generateDataKey, generateRandom, listAlgorithms,
  getServiceStatus, getRegions, getPublicKey, asymmetricRsaDecrypt, asymmetricSm2Decrypt, signByAsymmetricKey,
  verifyByAsymmetricKey,
] as Action[];

export const actions: ReadonlyMap<string, Action> = new Map(all.map((a) => [a.name, a]));
