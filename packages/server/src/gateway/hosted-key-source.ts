/**
 * Product keys as hosted data keys (reference §3.12) — placeholder until the hosted data keys land.
 */
import type { ServerLimits } from "../actions/define.js";
import type { Clock } from "../clock.js";
import type { EditionProfile } from "../edition.js";
import { ErrorCode, KmsError } from "../errors.js";
import type { RootOfTrust } from "../root-key.js";
import type { KeyStore } from "../store/types.js";
import type { ProductKeySource } from "./key-source.js";

export interface HostedKeyParts {
  store: KeyStore;
  root: RootOfTrust;
  profile: EditionProfile;
  clock: Clock;
  limits: ServerLimits;
}

export function hostedProductKeys(_parts: HostedKeyParts): ProductKeySource {
  const no = async (): Promise<never> => {
    throw new KmsError(ErrorCode.UnsupportedOperation, "hosted data keys are not available yet");
  };
  return { create: no, read: no, addVersion: no, bindMount: no, serviceKey: no };
}
