/**
 * DeleteImportedKeyMaterial (reference §3.8): destroy an EXTERNAL key's material; the key becomes PendingImport (not
 * deleted) and ValidTo is cleared. Its ciphertexts do not decrypt until the same material is imported again.
 * Allowed for Enabled, Disabled and Archived keys.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport
 * (PendingImport: nothing to delete; PendingDelete)}, UnsupportedOperation.NotExternalCmk,
 * FailedOperation.CmkUsedByCloudProduct (the key is bound to a cloud resource: its material would be gone).
 */
import { z } from "zod";
import { checkKeyId, loadKey, requireExternal , storedAs } from "../keys/key-access.js";
import { stateAfterDeleteMaterial } from "../keys/key-state.js";
import { requireUnbound } from "../data-keys/cloud-bindings.js";
import { str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const deleteImportedKeyMaterial = defineAction({
  name: "DeleteImportedKeyMaterial",
  schema: z.strictObject({ KeyId: str }),
  async handler(p, ctx) {
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    requireExternal(key);
    const keyState = stateAfterDeleteMaterial(key);
    await requireUnbound(ctx, key);
    await ctx.store.deleteMaterial({ ...key, keyState, validTo: 0 }, storedAs(key));
    return {};
  },
});
