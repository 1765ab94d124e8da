/**
 * BindCloudResource (reference §3.11): record that a product's resource uses a CMK. Binding again succeeds and
 * changes nothing. While bound, the CMK cannot be scheduled for deletion nor lose its imported material
 * (`FailedOperation.CmkUsedByCloudProduct`); it can still be disabled. A key whose imported material was set to
 * expire (ValidTo) has that cancelled (ValidTo 0), as the reference says. Bindings are listed by `openkms admin list`.
 * Errors: MissingParameter, InvalidParameter (ProductId, ResourceId), InvalidParameterValue.InvalidKeyId,
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (PendingDelete, PendingImport)}.
 */
import { z } from "zod";
import { bindKey, checkBindingParams } from "../data-keys/cloud-bindings.js";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import { str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const bindCloudResource = defineAction({
  name: "BindCloudResource",
  schema: z.strictObject({ KeyId: str, ProductId: str, ResourceId: str }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    checkBindingParams(p.ProductId, p.ResourceId);
    const key = await loadKey(ctx, keyId);
    await bindKey(ctx, key, p.ProductId, p.ResourceId);
    return {};
  },
});
