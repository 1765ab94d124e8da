/**
 * ListAlgorithms (reference §3.10): what this server can create. The symmetric entry follows the edition
 * (SM4 in `sm`, AES_256 in `fips`); SM2 is offered only in the `sm` edition; the post-quantum entries (Kyber_AES,
 * Dilithium) come from keys/pqc-keys.ts.
 */
import { z } from "zod";
import { offeredUsages } from "../keys/asymmetric.js";
import { pqcAlgorithmEntries } from "../keys/pqc-keys.js";
import { defineAction } from "./define.js";

export const listAlgorithms = defineAction({
  name: "ListAlgorithms",
  schema: z.strictObject({}),
  async handler(_p, ctx) {
    return {
      SymmetricAlgorithms: [{ Algorithm: ctx.profile.symmetricAlgorithmName, KeyUsage: "ENCRYPT_DECRYPT" }],
      AsymmetricAlgorithms: [
        ...offeredUsages(ctx.profile.edition, "decrypt").map((u) => ({ Algorithm: u.listName, KeyUsage: u.keyUsage })),
        ...pqcAlgorithmEntries("AsymmetricAlgorithms"),
      ],
      AsymmetricSignVerifyAlgorithms: [
        ...offeredUsages(ctx.profile.edition, "sign").map((u) => ({ Algorithm: u.listName, KeyUsage: u.keyUsage })),
        ...pqcAlgorithmEntries("AsymmetricSignVerifyAlgorithms"),
      ],
    };
  },
});
