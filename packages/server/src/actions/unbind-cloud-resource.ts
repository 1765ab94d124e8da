/**
 * UnbindCloudResource (reference §3.11): the product's resource no longer uses the CMK. Once its last binding is
 * gone the CMK can be scheduled for deletion again.
 * Errors: MissingParameter, InvalidParameter (ProductId, ResourceId), InvalidParameterValue.InvalidKeyId,
 * ResourceUnavailable.{CmkNotFound, CloudResourceBindingNotFound}.
 */
import { z } from "zod";
import { checkBindingParams } from "../data-keys/cloud-bindings.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import { str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const unbindCloudResource = defineAction({
  name: "UnbindCloudResource",
  schema: z.strictObject({ KeyId: str, ProductId: str, ResourceId: str }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    checkBindingParams(p.ProductId, p.ResourceId);
    const key = await loadKey(ctx, keyId);
    if (!(await ctx.store.unbindCloudResource(key.keyId, p.ProductId, p.ResourceId))) {
      throw new KmsError(ErrorCode.ResourceUnavailableCloudResourceBindingNotFound, `The CMK ${key.keyId} is not bound to product ${p.ProductId} resource ${p.ResourceId}`);
    }
    return {};
  },
});
