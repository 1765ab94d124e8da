// ML-DSA-65 behind a dynamic import: the post-quantum WASM module is fetched and compiled only when needed.
import { ml_dsa65, ready } from "@openkms/crypto/ml-dsa";

/** FIPS 204 ML-DSA.Verify, pure, empty context (what PostQuantumCryptoSign produces). */
export async function mlDsaVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  await ready();
  return ml_dsa65.verify(publicKey, message, signature);
}
