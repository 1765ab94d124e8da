/**
 * {@link ProductAdmin} over a data dir opened by `openkms admin` (no server): the product store, accounts and audit
 * log of the dir, and its hosted data keys (built for the dir's edition).
 */
import type { NodeStores } from "../node-stores.js";
import { editionProfiles, type Edition } from "../edition.js";
import { hostedDataKeys } from "../data-keys/hosted-data-keys.js";
import { hostedProductKeys } from "./hosted-key-source.js";
import { ProductAdmin } from "./product-admin.js";

/** @param nowMs the clock (default `Date.now`) */
export async function productAdminFor(dir: Pick<NodeStores, "store" | "root" | "products" | "accounts" | "audit" | "rootUin">, nowMs: () => number = Date.now): Promise<ProductAdmin> {
  const edition = ((await dir.store.getMeta("edition")) ?? "sm") as Edition;
  const profile = editionProfiles[edition];
  if (!profile) throw new Error(`this data dir names an unknown edition ${edition}`);
  const clock = { nowMs };
  const dataKeys = hostedDataKeys({ store: dir.store, root: dir.root, profile, clock, limits: { maxKeysPerAccount: 10000, maxDataKeysPerAccount: 10000 } });
  const keys = hostedProductKeys({ dataKeys, store: dir.store, clock });
  return new ProductAdmin({ products: dir.products, accounts: dir.accounts, keys, audit: dir.audit, defaultUin: dir.rootUin, nowMs });
}
