/**
 * Scheduled rotation of product keys (`--rotation-days`): a scheduler task (scheduler.ts) that, for every mount whose
 * NextRotateTime has come, first claims the rotation (moves NextRotateTime on, conditionally, so of several schedulers
 * one rotates), then adds a version to every key of the mount. A key that cannot be rotated now (its CMK disabled) is
 * logged and skipped until the next period. Each rotation is audited as `scheduler.ProductKeyRotated` with `detail`
 * naming product, mount, name and the new version.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { AuditSink } from "../audit/log.js";
import type { ProductKeySource } from "./key-source.js";
import type { ProductStore } from "./product-store.js";

const DAY = 86_400;

export interface ProductRotationParts {
  products: ProductStore;
  keys: ProductKeySource;
  audit: AuditSink;
  logger: Logger;
}

/**
 * Rotate what is due at `nowSeconds`.
 * @returns how many keys got a new version
 */
export async function rotateDueProductKeys(parts: ProductRotationParts, nowSeconds: number): Promise<number> {
  const { products, keys, audit, logger } = parts;
  let rotated = 0;
  for (const mount of await products.dueMounts(nowSeconds)) {
    // Catch up in one step after downtime: the next rotation is one period from now.
    if (!(await products.claimRotation(mount.mount, mount.nextRotateTime, nowSeconds + mount.rotationDays * DAY))) continue;
    for (const ref of await products.listKeyRefs(mount.mount)) {
      try {
        const version = await keys.addVersion(mount, ref.dataKeyId);
        rotated++;
        logger.info({ mount: mount.mount, name: ref.name, version }, "product key rotated");
        await audit.append({
          time: nowSeconds * 1000, requestId: randomUUID(), action: "scheduler.ProductKeyRotated", secretId: "", uin: mount.uin,
          ownerUin: mount.uin, sourceAddress: "local", keyIds: [mount.keyId], code: "Success", latencyMs: 0,
          detail: { product: mount.product, mount: mount.mount, name: ref.name, version },
        });
      } catch (err) {
        logger.error({ mount: mount.mount, name: ref.name, err: { message: (err as Error)?.message } }, "scheduler: product key rotation failed");
      }
    }
  }
  return rotated;
}
