/**
 * `--key-id <KeyId|Alias>` for `openkms encrypt`: the API takes KeyIds only, so an alias is looked up with
 * ListKeyDetail (SearchKeyAlias, every key usage, paged) and must match exactly one key's Alias. Without `--suite`, a
 * KeyId is looked up with DescribeKey: the first key's Type (4 = SM, 2 = FIPS) picks the default suite, and a key that
 * is not a symmetric CMK is refused with a hint. With `--suite` and KeyIds only, nothing is looked up (the caller then
 * needs no kms:DescribeKey; GenerateDataKey / Encrypt refuse a key they cannot use).
 */
import type { KmsClient } from "@openkms/client";

/** A Tencent KeyId: a UUID. */
export const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The alias or key cannot be used. */
export class KeyRefError extends Error {
  override name = "KeyRefError";
}

interface KeyMeta {
  KeyId: string;
  Alias: string;
  KeyUsage: string;
  Type: number;
}

const PAGE = 200; // ListKeyDetail's largest Limit

async function byAlias(client: KmsClient, alias: string): Promise<KeyMeta> {
  const found: KeyMeta[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const r = (await client.requestAny("ListKeyDetail", { SearchKeyAlias: alias, KeyUsage: "ALL", Offset: offset, Limit: PAGE })) as unknown as {
      TotalCount: number;
      KeyMetadatas?: KeyMeta[];
    };
    const page = r.KeyMetadatas ?? [];
    found.push(...page.filter((m) => m.Alias === alias));
    if (page.length < PAGE || offset + PAGE >= r.TotalCount) break;
  }
  if (found.length === 0) throw new KeyRefError(`no key has the alias ${JSON.stringify(alias)} (--key-id takes a KeyId or an alias)`);
  if (found.length > 1) throw new KeyRefError(`the alias ${JSON.stringify(alias)} names ${found.length} keys: give a KeyId`);
  return found[0]!;
}

async function byKeyId(client: KmsClient, keyId: string): Promise<KeyMeta> {
  const r = (await client.requestAny("DescribeKey", { KeyId: keyId })) as unknown as { KeyMetadata: KeyMeta };
  return r.KeyMetadata;
}

/**
 * KeyIds for `refs` (KeyIds kept, aliases looked up), duplicates removed in order, and the first key's Type
 * (undefined when `typeNeeded` is false and every ref is a KeyId: then no request is made at all).
 * @throws KeyRefError for an unknown or ambiguous alias, or a key that is not a symmetric ENCRYPT_DECRYPT CMK;
 *   the client's KmsApiError for a KeyId the server does not know
 */
export async function resolveKeyRefs(client: KmsClient, refs: readonly string[], typeNeeded = true): Promise<{ keyIds: string[]; firstType: number | undefined }> {
  if (!typeNeeded && refs.every((ref) => KEY_ID.test(ref))) return { keyIds: [...new Set(refs)], firstType: undefined };
  const metas: KeyMeta[] = [];
  for (const ref of refs) {
    const meta = KEY_ID.test(ref) ? await byKeyId(client, ref) : await byAlias(client, ref);
    if (meta.KeyUsage !== "ENCRYPT_DECRYPT") {
      throw new KeyRefError(`key ${ref} is ${meta.KeyUsage}, not a symmetric ENCRYPT_DECRYPT CMK (for an asymmetric key use --public-key)`);
    }
    metas.push(meta);
  }
  return { keyIds: [...new Set(metas.map((m) => m.KeyId))], firstType: metas[0]!.Type };
}
