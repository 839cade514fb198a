/**
 * A game backend that accepts connections and requests but never answers: an HTTP/2 server whose
 * streams are left open (no headers, no trailers), so every forwarder call ends at its deadline.
 * For the chaos test and the blackhole benchmark.
 */
import http2, { type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface BlackholeForwarder {
  /** `127.0.0.1:<port>`, for a scheduler's forwarder `address`. */
  address: string;
  /** Requests received so far (each one left unanswered). */
  received: () => number;
  /** Streams still open (the client has not given up on them yet). */
  open: () => number;
  close: () => Promise<void>;
}

export async function startBlackholeForwarder(): Promise<BlackholeForwarder> {
  const server = http2.createServer();
  const streams = new Set<ServerHttp2Stream>();
  let received = 0;
  server.on('stream', (stream) => {
    received += 1;
    streams.add(stream);
    stream.on('close', () => streams.delete(stream));
    stream.on('error', () => undefined);
    stream.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    open: () => streams.size,
    close: () => {
      for (const stream of streams) stream.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
