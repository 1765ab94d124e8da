/**
 * Closing a connection after a last answer (an HTTP error written by hand, then FIN) without letting a client that
 * never reads or never closes keep it — and its place under `--max-connections` — open.
 */
import type { Socket } from "node:net";

/** How long a socket may stay after its last answer was sent, waiting for the client to close (ms). */
export const LINGER_MS = 5_000;

/** Write `answer`, half-close, and destroy the socket if the client has not closed it {@link LINGER_MS} later. */
export function endAndLinger(socket: Socket, answer: string): void {
  socket.end(answer);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}
