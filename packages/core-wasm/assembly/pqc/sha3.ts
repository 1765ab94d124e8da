// SHA3-256, SHA3-512, SHAKE128, SHAKE256 (FIPS 202 §6) exported to the glue as one streaming ABI on the sponge HS:
// keccakStart(kind) · keccakAbsorb(len) from IN … · keccakSqueeze(len) to OUT (repeatable for the XOFs).
import { HS, IN, IO_HALF, OUT } from "./_layout";
import { RATE_SHA3_512, RATE_SHAKE128, RATE_SHAKE256, SUFFIX_SHA3, SUFFIX_SHAKE, spongeAbsorb, spongeInit, spongeSqueeze } from "./_keccak";

/** kind: 1 = SHA3-256, 2 = SHA3-512, 3 = SHAKE128, 4 = SHAKE256. Returns −1 for an unknown kind. */
export function keccakStart(kind: i32): i32 {
  switch (kind) {
    case 1: spongeInit(HS, RATE_SHAKE256, SUFFIX_SHA3); return 0;
    case 2: spongeInit(HS, RATE_SHA3_512, SUFFIX_SHA3); return 0;
    case 3: spongeInit(HS, RATE_SHAKE128, SUFFIX_SHAKE); return 0;
    case 4: spongeInit(HS, RATE_SHAKE256, SUFFIX_SHAKE); return 0;
  }
  return -1;
}

/** Absorbs IN[0..len), len ≤ IO_HALF. */
export function keccakAbsorb(len: i32): void {
  spongeAbsorb(HS, IN, min(len, IO_HALF));
}

/** Squeezes len ≤ IO_HALF bytes to OUT. */
export function keccakSqueeze(len: i32): void {
  spongeSqueeze(HS, OUT, min(len, IO_HALF));
}
