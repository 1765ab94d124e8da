/**
 * GenerateRandom (reference §3.4): 1–1024 bytes from the platform CSPRNG, base64.
 * Errors: MissingParameter, InvalidParameter (out of range).
 */
import { z } from "zod";
import { randomBytes } from "@openkms/crypto/random";
import { ErrorCode, KmsError } from "../errors.js";
import { encodeBase64, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const MAX_RANDOM_BYTES = 1024;

export const generateRandom = defineAction({
  name: "GenerateRandom",
  schema: z.strictObject({ NumberOfBytes: uint }),
  async handler(p) {
    if (p.NumberOfBytes < 1 || p.NumberOfBytes > MAX_RANDOM_BYTES) {
      throw new KmsError(ErrorCode.InvalidParameter, `NumberOfBytes must be 1-${MAX_RANDOM_BYTES}, got ${p.NumberOfBytes}`);
    }
    return { Plaintext: encodeBase64(randomBytes(p.NumberOfBytes)) };
  },
});
