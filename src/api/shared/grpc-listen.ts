import { ServerCredentials, type Server } from '@grpc/grpc-js';

/** `host:port` for grpc-js, with IPv6 hosts in brackets. */
const addressOf = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * Binds the server (plaintext, as Maestro's API is, unless `credentials` say TLS) and returns the
 * port it listens on.
 */
export function listenGrpc(
  server: Server,
  host: string,
  port: number,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(addressOf(host, port), credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
}

/**
 * Stops accepting calls and waits for in-flight ones; after `timeoutMs` the remaining calls are
 * cancelled.
 */
export function closeGrpc(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
