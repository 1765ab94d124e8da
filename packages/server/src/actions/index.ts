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
// hosted data keys (reference §3.12) and cloud-resource binding (§3.11)
import { bindCloudResource } from "./bind-cloud-resource.js";
import { cancelDataKeyDeletion } from "./cancel-data-key-deletion.js";
import { describeDataKey } from "./describe-data-key.js";
import { describeDataKeys } from "./describe-data-keys.js";
import { disableDataKey } from "./disable-data-key.js";
import { disableDataKeys } from "./disable-data-keys.js";
import { enableDataKey } from "./enable-data-key.js";
import { enableDataKeys } from "./enable-data-keys.js";
import { getDataKeyCiphertextBlob } from "./get-data-key-ciphertext-blob.js";
import { getDataKeyPlaintext } from "./get-data-key-plaintext.js";
import { importDataKey } from "./import-data-key.js";
import { listDataKeyDetail } from "./list-data-key-detail.js";
import { listDataKeys } from "./list-data-keys.js";
import { scheduleDataKeyDeletion } from "./schedule-data-key-deletion.js";
import { unbindCloudResource } from "./unbind-cloud-resource.js";
import { updateDataKeyDescription } from "./update-data-key-description.js";
import { updateDataKeyName } from "./update-data-key-name.js";

const all = [
  archiveKey, asymmetricRsaDecrypt, asymmetricSm2Decrypt, cancelKeyArchive, cancelKeyDeletion, createKey, decrypt,
  deleteImportedKeyMaterial, describeKey, describeKeys, disableKeyRotation, disableKey, disableKeys,
  enableKeyRotation, enableKey, enableKeys, encrypt, generateDataKey, generateRandom, getKeyRotationStatus,
  getParametersForImport, getPublicKey, getRegions, getServiceStatus, importKeyMaterial, listAlgorithms,
  listKeyDetail, listKeys, postQuantumCryptoDecrypt, postQuantumCryptoEncrypt, postQuantumCryptoSign,
  postQuantumCryptoVerify, reEncrypt, rotateKey, scheduleKeyDeletion, signByAsymmetricKey, updateAlias,
  updateKeyDescription, verifyByAsymmetricKey,
  bindCloudResource, cancelDataKeyDeletion, describeDataKey, describeDataKeys, disableDataKey, disableDataKeys, enableDataKey, enableDataKeys, getDataKeyCiphertextBlob, getDataKeyPlaintext, importDataKey, listDataKeyDetail, listDataKeys, scheduleDataKeyDeletion, unbindCloudResource, updateDataKeyDescription, updateDataKeyName,
  // OpenKMS's own actions (`OpenKMS.<Name>`: never a Tencent name)
  openkmsListAuditRecords,
] as Action[];

export const actions: ReadonlyMap<string, Action> = new Map(all.map((a) => [a.name, a]));
