/**
 * Plain HTTP sent to the HTTPS listener gets a clear answer instead of a reset: the first byte of every connection
 * is looked at; a TLS handshake record (content type 22, RFC 8446 §5.1) goes on to TLS, anything else is answered in
 * plain HTTP with the API's error envelope (`UnsupportedProtocol`: "this port serves HTTPS") and closed.
 */
import { randomUUID } from "node:crypto";
import type { Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import { endAndLinger } from "./socket-linger.js";

/** TLS record content type `handshake` (RFC 8446 §5.1): the first byte of a ClientHello. */
const TLS_HANDSHAKE = 0x16;

/**
 * Put the sniffing in front of an HTTPS server's TLS handling (call before it listens). A connection that sends no
 * byte within `firstByteTimeoutMs` is closed (TLS's own handshake timeout only starts once the first byte came).
 */
export function refusePlainHttp(server: HttpsServer, firstByteTimeoutMs: number): void {
  const tlsListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    socket.setTimeout(firstByteTimeoutMs, () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      if (first[0] === TLS_HANDSHAKE) {
        socket.unshift(first);
        for (const l of tlsListeners) l.call(server, socket);
        return;
      }
      const body = JSON.stringify({
        Response: {
          Error: { Code: "UnsupportedProtocol", Message: "This port serves HTTPS only: send the request to https:// (TLS)" },
          RequestId: randomUUID(),
        },
      });
      endAndLinger(socket, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    socket.on("error", () => socket.destroy());
  });
}
