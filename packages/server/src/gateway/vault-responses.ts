/**
 * The JSON bodies of HashiCorp Vault's HTTP API that the product gateway answers with — the parts MariaDB's
 * `hashicorp_key_management` plugin reads (plugin/hashicorp_key_management in the MariaDB server source) and the
 * envelope fields Vault always sends:
 * - KV v2 read, `GET /v1/<mount>/data/<name>[?version=N]`: the plugin reads `data.data.data` (the key, hex) and
 *   `data.metadata.version` (a JSON number);
 * - mount tune, `GET /v1/sys/mounts/<mount>/tune` (the plugin's start-up check, unless `check-kv-version` is off): it
 *   reads `options.version` (string or number) and needs ≥ 2;
 * - errors: `{"errors":[…]}`; the plugin treats 404 as "no such key" and any other status ≥ 300 as a failure, and
 *   writes the body it got into MariaDB's error log — so error bodies say why, and never hold a key.
 */

/** Vault's lease TTL defaults (32 days, in seconds), echoed by the tune answer. */
const DEFAULT_LEASE_TTL = 2_764_800;

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** A KV v2 read answer: `hexKey` is the key in lower-case hex. */
export function kvReadBody(requestId: string, hexKey: string, version: number, createTime: number) {
  return {
    request_id: requestId, lease_id: "", renewable: false, lease_duration: 0,
    data: {
      data: { data: hexKey },
      metadata: { created_time: iso(createTime), custom_metadata: null, deletion_time: "", destroyed: false, version },
    },
    wrap_info: null, warnings: null, auth: null,
  };
}

/** The tune answer of a KV version 2 mount. */
export function mountTuneBody(requestId: string, mount: string) {
  const tune = {
    default_lease_ttl: DEFAULT_LEASE_TTL, max_lease_ttl: DEFAULT_LEASE_TTL, force_no_cache: false,
    description: `OpenKMS product gateway: hosted data keys of mount ${mount}`, options: { version: "2" },
  };
  return { ...tune, request_id: requestId, lease_id: "", renewable: false, lease_duration: 0, data: tune, wrap_info: null, warnings: null, auth: null };
}

/** An error answer; `[]` is what Vault sends with a 404 for a path with nothing in it. */
export function errorsBody(...messages: string[]) {
  return { errors: messages };
}
