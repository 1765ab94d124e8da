/**
 * The one module that owns a core instance's WebAssembly memory (STYLE practice 7). Every public function copies its
 * inputs into the fixed I/O window in chunks, calls the core, and copies results out into fresh `Uint8Array`s:
 * callers never see a pointer or a view of WASM memory, and inputs are never written to.
 *
 * The core has one context region. Streaming objects (hashers, CTR/GCM streams) take it in turn: when another object
 * needs it, the current owner's context is saved into that owner's private copy and restored on its next call.
 * Contexts and scratch are zeroed when an operation or stream finishes.
 */

/** The ABI exported by assembly/index.ts. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  ioPtr(): number;
  ioSize(): number;
  ctxPtr(): number;
  sm3CtxSize(): number;
  cipherCtxSize(): number;
  simd(): number;
  wipe(ioLen: number): void;
  sm3Init(): void;
  sm3Update(len: number): void;
  sm3Final(): void;
  sm3Digest(len: number): void;
  cipherSetKey(alg: number, keyLen: number): number;
  ecbEncrypt(len: number): void;
  ecbDecrypt(len: number): void;
  cbcSetIv(): void;
  cbcEncrypt(len: number): void;
  cbcDecrypt(len: number): void;
  ctrSetIv(): void;
  ctrProcess(len: number): void;
  gcmInit(prepared: number): void;
  gcmPrepare(): void;
  gcmSealIo(aadLen: number, textLen: number, prepared: number): void;
  gcmOpenIo(aadLen: number, textLen: number, prepared: number): number;
  gcmAad(len: number): number;
  gcmEncrypt(len: number): number;
  gcmDecrypt(len: number): number;
  gcmFinal(): void;
  ghashStart(): void;
  ghashAbsorb(len: number): void;
  ghashFinish(): void;
}

/** Block ciphers of the core. */
export type BlockCipher = "SM4" | "AES";
const ALG: Record<BlockCipher, number> = { SM4: 1, AES: 2 };
const KEY_LENGTHS: Record<BlockCipher, readonly number[]> = { SM4: [16], AES: [16, 24, 32] };

/** Thrown when a GCM tag does not verify. Recognise it by `code === "AUTHENTICATION_FAILED"`. */
export class AuthenticationError extends Error {
  readonly code = "AUTHENTICATION_FAILED" as const;
  constructor(message = "authentication tag does not match") {
    super(message);
    this.name = "AuthenticationError";
  }
}

/** Thrown when PKCS#7 padding is malformed after decryption. Recognise it by `code === "BAD_PADDING"`. */
export class PaddingError extends Error {
  readonly code = "BAD_PADDING" as const;
  constructor(message = "invalid PKCS#7 padding") {
    super(message);
    this.name = "PaddingError";
  }
}

/** Wrong type → TypeError; wrong length → RangeError; messages name field, expected and actual. */
export function abytes(value: unknown, length: number | readonly number[] | undefined, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got ${value === null ? "null" : typeof value}`);
  }
  if (length === undefined) return;
  const allowed = typeof length === "number" ? [length] : length;
  if (!allowed.includes(value.length)) {
    throw new RangeError(`"${name}" expected ${allowed.join(" or ")} bytes, got ${value.length}`);
  }
}

/** Compares two byte strings in time that depends only on their length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A context holder that can be evicted from the core and restored later. */
class Slot {
  readonly state: Uint8Array;
  constructor(size: number) {
    this.state = new Uint8Array(size);
  }
}

/** SM3 streaming hasher (GB/T 32905-2016). `update` any number of times, then `digest` once (32 bytes). */
export interface Sm3Hasher {
  update(data: Uint8Array): Sm3Hasher;
  /** @returns the 32-byte digest; the hasher is wiped and refuses further use */
  digest(): Uint8Array;
}

/** CTR keystream stream: `update` returns as many bytes as it is given; `dispose` wipes the key schedule. */
export interface CtrStream {
  update(data: Uint8Array): Uint8Array;
  dispose(): void;
}

/** GCM encryption stream: all `aad` calls first, then `update` (ciphertext out), then `final` → 16-byte tag. */
export interface GcmEncryptStream {
  aad(data: Uint8Array): GcmEncryptStream;
  update(plaintext: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

/**
 * GCM decryption stream: `aad`, then `update` (plaintext out, NOT yet authenticated: discard it unless `final`
 * succeeds), then `final(tag)` which throws {@link AuthenticationError} on a wrong tag.
 */
export interface GcmDecryptStream {
  aad(data: Uint8Array): GcmDecryptStream;
  update(ciphertext: Uint8Array): Uint8Array;
  final(tag: Uint8Array): void;
}

/**
 * A GCM key prepared once for many messages (key schedule, H = CIPH_K(0^128) and H^2..H^4 computed at creation and
 * kept in a private copy of the context): same results as the one-shot {@link Core.gcmSeal} / {@link Core.gcmOpen}
 * with the same key, without the per-call key setup. `dispose()` zeroes the prepared state; later calls throw.
 */
export interface GcmKey {
  /** GCM-AE (§7.1): nonce 12 B → ciphertext ‖ 16-byte tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** GCM-AD (§7.2): ciphertext ‖ tag → plaintext; throws {@link AuthenticationError} on a wrong tag. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Zeroes the prepared key state. */
  dispose(): void;
}

const EMPTY = new Uint8Array(0);

/** PKCS#7 (RFC 5652 §6.3) padding to a multiple of 16: 1..16 bytes, each equal to the pad length. */
function pkcs7Pad(data: Uint8Array): Uint8Array {
  const pad = 16 - (data.length % 16);
  const out = new Uint8Array(data.length + pad);
  out.set(data);
  out.fill(pad, data.length);
  return out;
}

/** Checks and removes PKCS#7 padding without data-dependent branches over the pad bytes; wipes `padded` on error. */
function pkcs7Unpad(padded: Uint8Array): Uint8Array {
  const n = padded.length;
  const pad = padded[n - 1]!;
  let bad = ((pad - 1) >>> 8) | ((16 - pad) >>> 31); // pad == 0 or pad > 16
  for (let i = 1; i <= 16; i++) {
    const inPad = ((i - pad - 1) >>> 31) & 1; // i <= pad
    bad |= inPad & ((padded[n - i]! ^ pad) !== 0 ? 1 : 0);
  }
  if (bad !== 0) {
    padded.fill(0);
    throw new PaddingError();
  }
  const out = padded.slice(0, n - pad);
  padded.fill(0);
  return out;
}
const SM3_BLOCK = 64;

/** One instantiated core (scalar or SIMD128) and the JS side of its ABI. */
export class Core {
  /** True when this instance is the SIMD128 build. */
  readonly simd: boolean;
  readonly #e: CoreExports;
  readonly #mem: Uint8Array; // the memory never grows: one view for the instance's lifetime
  readonly #io: number;
  readonly #ioSize: number;
  readonly #ctx: number;
  readonly #sm3Size: number;
  readonly #cipherSize: number;
  #owner: Slot | null = null;
  #ownerSize = 0;

  constructor(exports: CoreExports) {
    this.#e = exports;
    this.#mem = new Uint8Array(exports.memory.buffer);
    this.#io = exports.ioPtr();
    this.#ioSize = exports.ioSize();
    this.#ctx = exports.ctxPtr();
    this.#sm3Size = exports.sm3CtxSize();
    this.#cipherSize = exports.cipherCtxSize();
    this.simd = exports.simd() !== 0;
  }

  // ---- context ownership ----

  /** Makes `slot` (or a one-shot operation, `null`) the owner of the context, saving the previous owner. */
  #claim(slot: Slot | null, size: number): void {
    if (this.#owner === slot && slot !== null) return;
    const prev = this.#owner;
    if (prev) prev.state.set(this.#mem.subarray(this.#ctx, this.#ctx + this.#ownerSize));
    if (slot) this.#mem.set(slot.state, this.#ctx);
    this.#owner = slot;
    this.#ownerSize = size;
  }

  /** Zeroes the context, scratch and `ioLen` bytes of I/O; releases ownership. */
  #release(ioLen: number): void {
    this.#e.wipe(Math.min(ioLen, this.#ioSize));
    this.#owner = null;
  }

  /** Copies `data` through the I/O window in chunks; `fn(n)` processes IO[0..n); output copied to `out` at `outOff`. */
  #pump(data: Uint8Array, fn: (n: number) => void, out?: Uint8Array, outOff = 0): void {
    for (let off = 0; off < data.length; off += this.#ioSize) {
      const n = Math.min(this.#ioSize, data.length - off);
      this.#mem.set(data.subarray(off, off + n), this.#io);
      fn(n);
      if (!out) continue;
      if (n > 256) out.set(this.#mem.subarray(this.#io, this.#io + n), outOff + off);
      else for (let i = 0, at = this.#io, to = outOff + off; i < n; i++) out[to + i] = this.#mem[at + i]!; // see #copyOut
    }
  }

  #setKey(cipher: BlockCipher, key: Uint8Array): void {
    abytes(key, KEY_LENGTHS[cipher], "key");
    this.#mem.set(key, this.#io);
    if (this.#e.cipherSetKey(ALG[cipher], key.length) !== 0) throw new RangeError(`"key" rejected by ${cipher}`);
  }

  /**
   * A fresh copy of WASM memory [at, at + n). `slice` on the one view of the (never growing) memory: on Node 20 it is
   * ≈ 60–100 ns faster than a byte loop into a new array for an 80-byte GCM result (re-measured; an earlier build
   * found the opposite, so keep measuring when the engine changes). Results over 64 B are allocated outside V8's heap
   * either way (≈ 120 ns), a fixed cost of every short call.
   */
  #copyOut(at: number, n: number): Uint8Array {
    return this.#mem.slice(at, at + n);
  }

  #ioBytes(n: number): Uint8Array {
    return this.#copyOut(this.#io, n);
  }

  // ---- SM3 / HMAC-SM3 ----

  /** SM3 (GB/T 32905-2016) of `message` (any length) → 32-byte digest. */
  sm3(message: Uint8Array): Uint8Array {
    abytes(message, undefined, "message");
    this.#claim(null, 0);
    try {
      if (message.length <= this.#ioSize) {
        this.#mem.set(message, this.#io);
        this.#e.sm3Digest(message.length); // one call for a message that fits the window
      } else {
        this.#e.sm3Init();
        this.#pump(message, this.#e.sm3Update);
        this.#e.sm3Final();
      }
      return this.#ioBytes(32);
    } finally {
      this.#release(Math.min(message.length, this.#ioSize) + 32);
    }
  }

  /** Streaming SM3: same digest as {@link sm3} over the concatenation of all `update` inputs. */
  createSm3(): Sm3Hasher {
    return this.#sm3From(null);
  }

  #sm3From(start: Uint8Array | null): Sm3Hasher {
    const slot = new Slot(this.#sm3Size);
    if (start) slot.state.set(start);
    else {
      this.#claim(slot, this.#sm3Size);
      this.#e.sm3Init();
    }
    let done = false;
    const hasher: Sm3Hasher = {
      update: (data) => {
        if (done) throw new Error("SM3 hasher already finalised");
        abytes(data, undefined, "data");
        this.#claim(slot, this.#sm3Size);
        this.#pump(data, this.#e.sm3Update);
        return hasher;
      },
      digest: () => {
        if (done) throw new Error("SM3 hasher already finalised");
        done = true;
        this.#claim(slot, this.#sm3Size);
        this.#e.sm3Final();
        const out = this.#ioBytes(32);
        slot.state.fill(0);
        this.#release(this.#ioSize);
        return out;
      },
    };
    return hasher;
  }

  /** Context after absorbing one 64-byte block `key ⊕ pad` (HMAC inner/outer start). */
  #sm3Prefix(block: Uint8Array): Uint8Array {
    this.#claim(null, 0);
    this.#e.sm3Init();
    this.#mem.set(block, this.#io);
    this.#e.sm3Update(SM3_BLOCK);
    return this.#mem.slice(this.#ctx, this.#ctx + this.#sm3Size);
  }

  /**
   * HMAC-SM3 (RFC 2104 / GM/T 0042-2015 with SM3, block 64 B): keys longer than 64 B are hashed first.
   * @returns a keyed hasher producing a 32-byte MAC
   */
  createHmacSm3(key: Uint8Array): Sm3Hasher {
    abytes(key, undefined, "key");
    const k0 = new Uint8Array(SM3_BLOCK);
    let inner: Uint8Array, outer: Uint8Array;
    try {
      k0.set(key.length > SM3_BLOCK ? this.sm3(key) : key);
      for (let i = 0; i < SM3_BLOCK; i++) k0[i]! ^= 0x36;
      inner = this.#sm3Prefix(k0);
      for (let i = 0; i < SM3_BLOCK; i++) k0[i]! ^= 0x36 ^ 0x5c;
      outer = this.#sm3Prefix(k0);
    } finally {
      k0.fill(0);
      this.#release(SM3_BLOCK);
    }
    const ih = this.#sm3From(inner);
    inner.fill(0);
    let done = false;
    const mac: Sm3Hasher = {
      update: (data) => {
        if (done) throw new Error("HMAC-SM3 already finalised");
        ih.update(data);
        return mac;
      },
      digest: () => {
        if (done) throw new Error("HMAC-SM3 already finalised");
        done = true;
        const h = ih.digest();
        const oh = this.#sm3From(outer);
        outer.fill(0);
        oh.update(h);
        h.fill(0);
        return oh.digest();
      },
    };
    return mac;
  }

  /** HMAC-SM3 of `message` under `key` (any lengths) → 32-byte MAC. */
  hmacSm3(key: Uint8Array, message: Uint8Array): Uint8Array {
    abytes(message, undefined, "message");
    return this.createHmacSm3(key).update(message).digest();
  }

  // ---- ECB / CBC (SP 800-38A §6.1, §6.2), PKCS#7 padding (RFC 5652 §6.3) ----

  /** ECB without padding: `data` a multiple of 16 bytes. */
  ecb(cipher: BlockCipher, direction: "encrypt" | "decrypt", key: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(data, undefined, "data");
    if (data.length % 16 !== 0) throw new RangeError(`"data" expected a multiple of 16 bytes, got ${data.length}`);
    this.#claim(null, 0);
    try {
      this.#setKey(cipher, key);
      const out = new Uint8Array(data.length);
      const f = direction === "encrypt" ? this.#e.ecbEncrypt : this.#e.ecbDecrypt;
      this.#pump(data, f, out);
      return out;
    } finally {
      this.#release(data.length + 32);
    }
  }

  /** CBC without padding: `data` a multiple of 16 bytes, `iv` 16 bytes. */
  cbc(cipher: BlockCipher, direction: "encrypt" | "decrypt", key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(iv, 16, "iv");
    abytes(data, undefined, "data");
    if (data.length % 16 !== 0) throw new RangeError(`"data" expected a multiple of 16 bytes, got ${data.length}`);
    this.#claim(null, 0);
    try {
      this.#setKey(cipher, key);
      this.#mem.set(iv, this.#io);
      this.#e.cbcSetIv();
      const out = new Uint8Array(data.length);
      const f = direction === "encrypt" ? this.#e.cbcEncrypt : this.#e.cbcDecrypt;
      this.#pump(data, f, out);
      return out;
    } finally {
      this.#release(data.length + 32);
    }
  }

  /** ECB with PKCS#7 padding: encrypt any length (→ next multiple of 16, ≥ 1 pad byte); decrypt throws PaddingError. */
  ecbPkcs7(cipher: BlockCipher, direction: "encrypt" | "decrypt", key: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(data, undefined, "data");
    if (direction === "encrypt") {
      const padded = pkcs7Pad(data);
      try { return this.ecb(cipher, "encrypt", key, padded); } finally { padded.fill(0); }
    }
    if (data.length === 0) throw new RangeError(`"data" expected a non-zero multiple of 16 bytes, got 0`);
    return pkcs7Unpad(this.ecb(cipher, "decrypt", key, data));
  }

  /** CBC with PKCS#7 padding: encrypt any length (→ next multiple of 16, ≥ 1 pad byte); decrypt throws PaddingError. */
  cbcPkcs7(cipher: BlockCipher, direction: "encrypt" | "decrypt", key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(data, undefined, "data");
    if (direction === "encrypt") {
      const padded = pkcs7Pad(data);
      try { return this.cbc(cipher, "encrypt", key, iv, padded); } finally { padded.fill(0); }
    }
    if (data.length === 0) throw new RangeError(`"data" expected a non-zero multiple of 16 bytes, got 0`);
    return pkcs7Unpad(this.cbc(cipher, "decrypt", key, iv, data));
  }

  // ---- CTR (SP 800-38A §6.5, 128-bit big-endian counter) ----

  /** CTR over `data` (any length) from the 16-byte initial counter block `iv`; encryption = decryption. */
  ctr(cipher: BlockCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(iv, 16, "iv");
    abytes(data, undefined, "data");
    this.#claim(null, 0);
    try {
      this.#setKey(cipher, key);
      this.#mem.set(iv, this.#io);
      this.#e.ctrSetIv();
      const out = new Uint8Array(data.length);
      this.#pump(data, this.#e.ctrProcess, out);
      return out;
    } finally {
      this.#release(data.length + 32);
    }
  }

  /** Streaming CTR: split points do not change the output. */
  createCtr(cipher: BlockCipher, key: Uint8Array, iv: Uint8Array): CtrStream {
    abytes(iv, 16, "iv");
    const slot = new Slot(this.#cipherSize);
    this.#claim(slot, this.#cipherSize);
    try {
      this.#setKey(cipher, key);
      this.#mem.set(iv, this.#io);
      this.#e.ctrSetIv();
    } catch (e) {
      this.#release(32);
      throw e;
    }
    let done = false;
    return {
      update: (data) => {
        if (done) throw new Error("CTR stream disposed");
        abytes(data, undefined, "data");
        this.#claim(slot, this.#cipherSize);
        const out = new Uint8Array(data.length);
        this.#pump(data, this.#e.ctrProcess, out);
        return out;
      },
      dispose: () => {
        if (done) return;
        done = true;
        slot.state.fill(0);
        if (this.#owner === slot) this.#release(this.#ioSize);
      },
    };
  }

  // ---- GCM (SP 800-38D), 12-byte IV, 16-byte tag ----

  #gcmStart(slot: Slot | null, cipher: BlockCipher, key: Uint8Array, nonce: Uint8Array): void {
    abytes(nonce, 12, "nonce");
    this.#claim(slot, slot ? this.#cipherSize : 0);
    this.#setKey(cipher, key);
    this.#mem.set(nonce, this.#io);
    this.#e.gcmInit(0);
  }

  /** True when IV ‖ AAD ‖ text ‖ tag fit the I/O window together (one core call per message). */
  #fitsIo(aadLen: number, textLen: number): boolean {
    return 32 + aadLen + textLen <= this.#ioSize;
  }

  /** One-shot seal in the I/O window; the context holds the key (fresh, or `prepared` by gcmPrepare). */
  #gcmSealIo(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, prepared: boolean): Uint8Array {
    const io = this.#io;
    this.#mem.set(nonce, io);
    if (aad.length > 0) this.#mem.set(aad, io + 16);
    this.#mem.set(plaintext, io + 16 + aad.length);
    this.#e.gcmSealIo(aad.length, plaintext.length, prepared ? 1 : 0);
    const at = io + 16 + aad.length;
    return this.#copyOut(at, plaintext.length + 16);
  }

  /** One-shot open in the I/O window; throws AuthenticationError (nothing released) when the tag does not match. */
  #gcmOpenIo(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array, prepared: boolean): Uint8Array {
    const io = this.#io;
    const ctLen = sealed.length - 16;
    this.#mem.set(nonce, io);
    if (aad.length > 0) this.#mem.set(aad, io + 16);
    this.#mem.set(sealed, io + 16 + aad.length);
    if (this.#e.gcmOpenIo(aad.length, ctLen, prepared ? 1 : 0) !== 1) throw new AuthenticationError();
    const at = io + 16 + aad.length;
    return this.#copyOut(at, ctLen);
  }

  /** GCM after init, for texts too long for the I/O window: AAD, then the text by chunks, then the tag appended. */
  #gcmSealStreamed(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    this.#pump(aad, this.#e.gcmAad);
    const out = new Uint8Array(plaintext.length + 16);
    this.#pump(plaintext, this.#e.gcmEncrypt, out);
    this.#e.gcmFinal();
    out.set(this.#mem.subarray(this.#io, this.#io + 16), plaintext.length);
    return out;
  }

  /** GCM-AD after init, by chunks: the tag is compared in constant time; on a mismatch the output is zeroed, never returned. */
  #gcmOpenStreamed(sealed: Uint8Array, ctLen: number, aad: Uint8Array): Uint8Array {
    const out = new Uint8Array(ctLen);
    this.#pump(aad, this.#e.gcmAad);
    this.#pump(sealed.subarray(0, ctLen), this.#e.gcmDecrypt, out);
    this.#e.gcmFinal();
    if (!constantTimeEqual(this.#mem.subarray(this.#io, this.#io + 16), sealed.subarray(ctLen))) {
      out.fill(0);
      throw new AuthenticationError();
    }
    return out;
  }

  /** GCM-AE (§7.1): → ciphertext ‖ 16-byte tag. */
  gcmSeal(cipher: BlockCipher, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    abytes(nonce, 12, "nonce");
    abytes(plaintext, undefined, "plaintext");
    abytes(aad, undefined, "aad");
    try {
      if (this.#fitsIo(aad.length, plaintext.length)) {
        this.#claim(null, 0);
        this.#setKey(cipher, key);
        return this.#gcmSealIo(nonce, plaintext, aad, false);
      }
      this.#gcmStart(null, cipher, key, nonce);
      return this.#gcmSealStreamed(plaintext, aad);
    } finally {
      this.#release(Math.max(plaintext.length + aad.length, aad.length) + 48);
    }
  }

  /** GCM-AD (§7.2) of ciphertext ‖ tag; the tag (exactly 16 bytes) is checked in constant time before any plaintext is returned. */
  gcmOpen(cipher: BlockCipher, key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    abytes(sealed, undefined, "sealed");
    abytes(aad, undefined, "aad");
    if (sealed.length < 16) throw new RangeError(`"sealed" expected at least 16 bytes, got ${sealed.length}`);
    abytes(nonce, 12, "nonce");
    const ctLen = sealed.length - 16;
    try {
      if (this.#fitsIo(aad.length, ctLen)) {
        this.#claim(null, 0);
        this.#setKey(cipher, key);
        return this.#gcmOpenIo(nonce, sealed, aad, false);
      }
      this.#gcmStart(null, cipher, key, nonce);
      return this.#gcmOpenStreamed(sealed, ctLen, aad);
    } finally {
      this.#release(Math.max(ctLen + aad.length, aad.length) + 48);
    }
  }

  /**
   * A prepared GCM key (see {@link GcmKey}) for `cipher` ("SM4": key 16 B; "AES": 16, 24 or 32 B).
   * @throws TypeError / RangeError on a wrong key type or length
   */
  gcmKey(cipher: BlockCipher, key: Uint8Array): GcmKey {
    const state = new Uint8Array(this.#cipherSize);
    this.#claim(null, 0);
    try {
      this.#setKey(cipher, key);
      this.#e.gcmPrepare();
      state.set(this.#mem.subarray(this.#ctx, this.#ctx + this.#cipherSize));
    } finally {
      this.#release(32);
    }
    let live = true;
    /** Loads the prepared state into the context for one message. */
    const load = () => {
      if (!live) throw new Error("GCM key disposed");
      this.#claim(null, 0);
      this.#mem.set(state, this.#ctx);
    };
    return {
      seal: (nonce, plaintext, aad = EMPTY) => {
        abytes(nonce, 12, "nonce");
        abytes(plaintext, undefined, "plaintext");
        abytes(aad, undefined, "aad");
        load();
        try {
          if (this.#fitsIo(aad.length, plaintext.length)) return this.#gcmSealIo(nonce, plaintext, aad, true);
          this.#mem.set(nonce, this.#io);
          this.#e.gcmInit(1);
          return this.#gcmSealStreamed(plaintext, aad);
        } finally {
          this.#release(Math.max(plaintext.length + aad.length, aad.length) + 48);
        }
      },
      open: (nonce, sealed, aad = EMPTY) => {
        abytes(nonce, 12, "nonce");
        abytes(sealed, undefined, "sealed");
        abytes(aad, undefined, "aad");
        if (sealed.length < 16) throw new RangeError(`"sealed" expected at least 16 bytes, got ${sealed.length}`);
        const ctLen = sealed.length - 16;
        load();
        try {
          if (this.#fitsIo(aad.length, ctLen)) return this.#gcmOpenIo(nonce, sealed, aad, true);
          this.#mem.set(nonce, this.#io);
          this.#e.gcmInit(1);
          return this.#gcmOpenStreamed(sealed, ctLen, aad);
        } finally {
          this.#release(Math.max(ctLen + aad.length, aad.length) + 48);
        }
      },
      dispose: () => {
        live = false;
        state.fill(0);
      },
    };
  }

  /** Streaming GCM-AE. */
  createGcmEncrypt(cipher: BlockCipher, key: Uint8Array, nonce: Uint8Array): GcmEncryptStream {
    const g = this.#gcmStream(cipher, key, nonce, false);
    const s: GcmEncryptStream = {
      aad: (d) => (g.aad(d), s),
      update: (d) => g.update(d),
      final: () => g.final(),
    };
    return s;
  }

  /** Streaming GCM-AD (see {@link GcmDecryptStream} for the release-before-verify caveat). */
  createGcmDecrypt(cipher: BlockCipher, key: Uint8Array, nonce: Uint8Array): GcmDecryptStream {
    const g = this.#gcmStream(cipher, key, nonce, true);
    const s: GcmDecryptStream = {
      aad: (d) => (g.aad(d), s),
      update: (d) => g.update(d),
      final: (tag) => {
        abytes(tag, 16, "tag");
        const t = g.final();
        const ok = constantTimeEqual(t, tag);
        t.fill(0);
        if (!ok) throw new AuthenticationError();
      },
    };
    return s;
  }

  #gcmStream(cipher: BlockCipher, key: Uint8Array, nonce: Uint8Array, decrypt: boolean) {
    const slot = new Slot(this.#cipherSize);
    try {
      this.#gcmStart(slot, cipher, key, nonce);
    } catch (e) {
      this.#release(32);
      throw e;
    }
    let done = false;
    const live = () => {
      if (done) throw new Error("GCM stream already finalised");
      this.#claim(slot, this.#cipherSize);
    };
    return {
      aad: (data: Uint8Array) => {
        abytes(data, undefined, "aad");
        live();
        this.#pump(data, (n) => {
          if (this.#e.gcmAad(n) !== 0) throw new Error("GCM: AAD must be supplied before any text");
        });
      },
      update: (data: Uint8Array) => {
        abytes(data, undefined, decrypt ? "ciphertext" : "plaintext");
        live();
        const out = new Uint8Array(data.length);
        this.#pump(data, (n) => (decrypt ? this.#e.gcmDecrypt(n) : this.#e.gcmEncrypt(n)), out);
        return out;
      },
      final: () => {
        live();
        done = true;
        this.#e.gcmFinal();
        const tag = this.#ioBytes(16);
        slot.state.fill(0);
        this.#release(this.#ioSize);
        return tag;
      },
    };
  }

  // ---- GHASH (SP 800-38D §6.4) ----

  /** GHASH_H over `data` zero-padded to whole blocks (no length block). @param h 16-byte hash subkey → 16 bytes */
  ghash(h: Uint8Array, data: Uint8Array): Uint8Array {
    abytes(h, 16, "h");
    abytes(data, undefined, "data");
    this.#claim(null, 0);
    try {
      this.#mem.set(h, this.#io);
      this.#e.ghashStart();
      this.#pump(data, this.#e.ghashAbsorb);
      this.#e.ghashFinish();
      return this.#ioBytes(16);
    } finally {
      this.#release(Math.min(data.length, this.#ioSize) + 16);
    }
  }
}
