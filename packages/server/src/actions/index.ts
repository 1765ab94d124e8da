/** The action table: every API action this server answers, by name. */
import { archiveKey } from "./archive-key.js";
import { cancelKeyArchive } from "./cancel-key-archive.js";
import { cancelKeyDeletion } from "./cancel-key-deletion.js";
import { createKey } from "./create-key.js";
import { decrypt } from "./decrypt.js";
import { deleteImportedKeyMaterial } from "./delete-imported-key-material.js";
import type { Action } from "./define.js";
import { describeKey } from "./describe-key.js";
import { describeKeys } from "./describe-keys.js";
import { disableKey, disableKeys } from "./disable-key.js";
import { disableKeyRotation } from "./disable-key-rotation.js";
import { enableKey, enableKeys } from "./enable-key.js";
import { enableKeyRotation } from "./enable-key-rotation.js";
import { encrypt } from "./encrypt.js";
import { generateDataKey } from "./generate-data-key.js";
import { generateRandom } from "./generate-random.js";
import { getKeyRotationStatus } from "./get-key-rotation-status.js";
import { getParametersForImport } from "./get-parameters-for-import.js";
import { getRegions } from "./get-regions.js";
import { getServiceStatus } from "./get-service-status.js";
import { importKeyMaterial } from "./import-key-material.js";
import { listAlgorithms } from "./list-algorithms.js";
import { listKeyDetail } from "./list-key-detail.js";
import { listKeys } from "./list-keys.js";
import { reEncrypt } from "./re-encrypt.js";
import { rotateKey } from "./rotate-key.js";
import { scheduleKeyDeletion } from "./schedule-key-deletion.js";
import { updateAlias } from "./update-alias.js";
import { updateKeyDescription } from "./update-key-description.js";

const all: Action[] = [
  createKey, describeKey, describeKeys, listKeys, listKeyDetail, updateAlias, updateKeyDescription, enableKey,
  disableKey, enableKeys, disableKeys, encrypt, decrypt, reEncrypt, generateDataKey, generateRandom, listAlgorithms,
  getServiceStatus, getRegions,
  scheduleKeyDeletion, cancelKeyDeletion, archiveKey, cancelKeyArchive,
  enableKeyRotation, disableKeyRotation, getKeyRotationStatus, rotateKey,
  getParametersForImport, importKeyMaterial, deleteImportedKeyMaterial,
] as Action[];

export const actions: ReadonlyMap<string, Action> = new Map(all.map((a) => [a.name, a]));
