/** The action table: every API action this server answers, by name (one file per action). */
import type { Action } from "./define.js";
import { archiveKey } from "./archive-key.js";
import { asymmetricRsaDecrypt } from "./asymmetric-rsa-decrypt.js";
import { asymmetricSm2Decrypt } from "./asymmetric-sm2-decrypt.js";
import { cancelKeyArchive } from "./cancel-key-archive.js";
import { cancelKeyDeletion } from "./cancel-key-deletion.js";
import { createKey } from "./create-key.js";
import { decrypt } from "./decrypt.js";
import { deleteImportedKeyMaterial } from "./delete-imported-key-material.js";
import { describeKey } from "./describe-key.js";
import { describeKeys } from "./describe-keys.js";
import { disableKeyRotation } from "./disable-key-rotation.js";
import { disableKey } from "./disable-key.js";
import { disableKeys } from "./disable-keys.js";
import { enableKeyRotation } from "./enable-key-rotation.js";
import { enableKey } from "./enable-key.js";
import { enableKeys } from "./enable-keys.js";
import { encrypt } from "./encrypt.js";
import { generateDataKey } from "./generate-data-key.js";
import { generateRandom } from "./generate-random.js";
import { getKeyRotationStatus } from "./get-key-rotation-status.js";
import { getParametersForImport } from "./get-parameters-for-import.js";
import { getPublicKey } from "./get-public-key.js";
import { getRegions } from "./get-regions.js";
import { getServiceStatus } from "./get-service-status.js";
import { importKeyMaterial } from "./import-key-material.js";
import { listAlgorithms } from "./list-algorithms.js";
import { listKeyDetail } from "./list-key-detail.js";
import { listKeys } from "./list-keys.js";
import { openkmsListAuditRecords } from "./openkms-list-audit-records.js";
import { postQuantumCryptoDecrypt } from "./post-quantum-crypto-decrypt.js";
import { postQuantumCryptoEncrypt } from "./post-quantum-crypto-encrypt.js";
import { postQuantumCryptoSign } from "./post-quantum-crypto-sign.js";
import { postQuantumCryptoVerify } from "./post-quantum-crypto-verify.js";
import { reEncrypt } from "./re-encrypt.js";
import { rotateKey } from "./rotate-key.js";
import { scheduleKeyDeletion } from "./schedule-key-deletion.js";
import { signByAsymmetricKey } from "./sign-by-asymmetric-key.js";
import { updateAlias } from "./update-alias.js";
import { updateKeyDescription } from "./update-key-description.js";
import { verifyByAsymmetricKey } from "./verify-by-asymmetric-key.js";

const all = [
  archiveKey, asymmetricRsaDecrypt, asymmetricSm2Decrypt, cancelKeyArchive, cancelKeyDeletion, createKey, decrypt,
  deleteImportedKeyMaterial, describeKey, describeKeys, disableKeyRotation, disableKey, disableKeys,
  enableKeyRotation, enableKey, enableKeys, encrypt, generateDataKey, generateRandom, getKeyRotationStatus,
  getParametersForImport, getPublicKey, getRegions, getServiceStatus, importKeyMaterial, listAlgorithms,
  listKeyDetail, listKeys, postQuantumCryptoDecrypt, postQuantumCryptoEncrypt, postQuantumCryptoSign,
  postQuantumCryptoVerify, reEncrypt, rotateKey, scheduleKeyDeletion, signByAsymmetricKey, updateAlias,
  updateKeyDescription, verifyByAsymmetricKey,
  // OpenKMS's own actions (`OpenKMS.<Name>`: never a Tencent name)
  openkmsListAuditRecords,
] as Action[];

export const actions: ReadonlyMap<string, Action> = new Map(all.map((a) => [a.name, a]));
