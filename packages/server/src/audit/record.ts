/**
 * One audit record and its place in the chain.
 *
 * A record says who (SecretId, uin, account), when (Unix ms), what (action, key ids), from where (source address),
 * with what result (`Success` or the error code) and how long it took (ms, excluding the audit write). It never holds
 * request or response bodies: no plaintext, ciphertext, data key, key material or secret.
 *
 * Chain: `mac = HMAC-SHA-256(auditKey, JSON([ "openkms-audit/v1", seq, prevMac, time, requestId, action, secretId,
 * uin, ownerUin, sourceAddress, keyIds, code, latencyMs ]))` as lower-case hex, with `prevMac` the previous record's
 * mac (64 zeros before the first); a summary record's {@link AuditEvent.count} (when not 1) and then a record's
 * {@link AuditEvent.detail} (the product gateway's) follow as further elements, so records without them — every record
 * written before the fields existed — keep their MAC. `seq` counts from 1 without gaps. The key is random, stored wrapped under the root
 * key, so an edit cannot be covered by recomputing the chain without the root key. The head (last seq and mac) is
 * kept beside the records with its own MAC, so removing records at the end shows too; a checkpoint of the head is kept
 * outside audit.db, in openkms.db (checkpoint.ts), so deleting, emptying or cutting back the whole file shows too.
 *
 * Two kinds of record: a state-changing action (actions/read-only.ts) gets a write-ahead record with code
 * {@link STARTED} before it runs, then its final record (`Success` or the error code) with the same RequestId; every
 * other request gets its final record only. A `Started` record without a final one means the action was attempted and
 * its outcome was not recorded (the process died, or the final write failed).
 */
import { hmacSha256 } from "@openkms/crypto/sha256";

/** `prevMac` of the first record. */
export const GENESIS_MAC = "0".repeat(64);

/** The code of a write-ahead record, written (durably) before a state-changing action runs. */
export const STARTED = "Started";

/** What happened, as the dispatcher (or `openkms admin`) reports it. */
export interface AuditEvent {
  /** Unix time in milliseconds when the request arrived. */
  time: number;
  requestId: string;
  /** API action (`Encrypt`), `admin.<command>` for `openkms admin`, or "" when the request named none or a malformed one. */
  action: string;
  /** The SecretId the request claimed ("" when none); unknown SecretIds are recorded too. */
  secretId: string;
  /** The authenticated principal's uin ("" when authentication failed). */
  uin: string;
  /** The account whose keys the principal acts on ("" when authentication failed). */
  ownerUin: string;
  /** Peer address (`127.0.0.1`, `::1`, `local` for `openkms admin`). */
  sourceAddress: string;
  /** Well-formed key ids the request named or created. */
  keyIds: string[];
  /** `Success` or the API error code returned; {@link STARTED} on a write-ahead record. */
  code: string;
  /** Time from arrival to response, excluding the audit write, in ms (2 decimals). */
  latencyMs: number;
  /**
   * How many requests this record stands for, when more than one: a summary of throttled refusals from one address
   * in one interval (limits/auth-failures.ts). Absent means 1.
   */
  count?: number;
  /**
   * What else the record names, for requests that are not API actions: the product gateway's reads carry
   * `{ product, mount, name, version }` (gateway/gateway-audit.ts). Flat: string or number values, at most
   * {@link MAX_DETAIL_FIELDS} fields, names as {@link DETAIL_NAME_RE}; never a key or a secret. Absent on API records.
   */
  detail?: AuditDetail;
}

/** A record's {@link AuditEvent.detail}. */
export type AuditDetail = Readonly<Record<string, string | number>>;

export const MAX_DETAIL_FIELDS = 16;
/** Detail field names: a letter, then letters and digits (never integer-like, so JSON keeps their order). */
export const DETAIL_NAME_RE = /^[A-Za-z][A-Za-z0-9]{0,31}$/;

/**
 * Check a detail before it is written.
 * @throws TypeError naming the field: not a flat object of ≤ 16 fields with names as {@link DETAIL_NAME_RE} and string
 *   (≤ 256 characters) or finite number values
 */
export function checkAuditDetail(detail: AuditDetail): void {
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) throw new TypeError("audit detail: expected an object");
  const entries = Object.entries(detail);
  if (entries.length > MAX_DETAIL_FIELDS) throw new TypeError(`audit detail: at most ${MAX_DETAIL_FIELDS} fields`);
  for (const [name, value] of entries) {
    if (!DETAIL_NAME_RE.test(name)) throw new TypeError(`audit detail: field name ${JSON.stringify(name.slice(0, 40))} is not a name`);
    if (typeof value === "string" ? value.length > 256 : !(typeof value === "number" && Number.isFinite(value))) {
      throw new TypeError(`audit detail: field ${name} must be a string of at most 256 characters or a finite number`);
    }
  }
}

/** A stored record: the event, its position in the chain and its MAC. */
export interface AuditRecord extends AuditEvent {
  seq: number;
  prevMac: string;
  mac: string;
}

const ACTION_RE = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
const SECRET_ID_RE = /^[A-Za-z0-9]{1,128}$/;

/** An action name fit for the log: as given when it looks like one, else "". */
export const auditAction = (value: string | undefined) => (value && ACTION_RE.test(value) ? value : "");
/** A SecretId fit for the log: as given when it looks like one (letters and digits, ≤ 128), else "". */
export const auditSecretId = (value: string | undefined) => (value && SECRET_ID_RE.test(value) ? value : "");

const ENCODER = new TextEncoder();
const utf8 = (s: string) => ENCODER.encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The bytes a record's MAC covers; `count` is appended only when it is not 1 (records before it existed verify as they did). */
export function macInput(seq: number, prevMac: string, e: AuditEvent): Uint8Array {
  const fields: unknown[] = [
    "openkms-audit/v1", seq, prevMac, e.time, e.requestId, e.action, e.secretId, e.uin, e.ownerUin, e.sourceAddress,
    e.keyIds, e.code, e.latencyMs,
  ];
  if (e.count !== undefined && e.count !== 1) fields.push(e.count);
  if (e.detail !== undefined) fields.push(e.detail);
  return utf8(JSON.stringify(fields));
}

/** A record's MAC (64 lower-case hex chars) under the 32-byte audit key. */
export function recordMac(key: Uint8Array, seq: number, prevMac: string, e: AuditEvent): string {
  return hex(hmacSha256(key, macInput(seq, prevMac, e)));
}

/** The head's MAC: binds the last seq to the last record's mac. */
export function headMac(key: Uint8Array, seq: number, mac: string): string {
  return hex(hmacSha256(key, utf8(JSON.stringify(["openkms-audit-head/v1", seq, mac]))));
}

/** The checkpoint's MAC: binds a checkpoint (kept in openkms.db) to this log's key, seq and mac. */
export function checkpointMac(key: Uint8Array, seq: number, mac: string): string {
  return hex(hmacSha256(key, utf8(JSON.stringify(["openkms-audit-checkpoint/v1", seq, mac]))));
}
