/** What every page of a signed-in console uses: the signing client and what the server offers (ListAlgorithms). */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { KmsResponse } from "@openkms/client";
import type { Kms } from "./api.js";

export type Algorithms = KmsResponse<"ListAlgorithms">;

export interface ConsoleContext {
  kms: Kms;
  algorithms: Algorithms;
  secretId: string;
}

export const Ctx = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const c = useContext(Ctx);
  if (!c) throw new Error("useConsole outside a signed-in console");
  return c;
}

/** Every KeyUsage the server offers, symmetric first. */
export function offeredUsages(a: Algorithms): string[] {
  return [...a.SymmetricAlgorithms, ...a.AsymmetricAlgorithms, ...a.AsymmetricSignVerifyAlgorithms].map((x) => x.KeyUsage);
}
