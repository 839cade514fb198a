import { status } from '@grpc/grpc-js';
import { probeTlsHandshake, type TlsProbeTarget } from './tls-probe';

/** How long the TLS probe behind a failed readiness check may take. */
const PROBE_TIMEOUT_MS = 1_000;

/** Temporal (or a proxy in its place) refused our credentials or namespace: no retry fixes it. */
export class TemporalRefusalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalRefusalError';
  }
}

/**
 * Turns a failed call to Temporal into an error an SRE understands: an authentication or
 * permission refusal says so with the server's words, a missing namespace is named, and a
 * transport failure on a TLS connection is explained by a TLS handshake probe
 * (`TLS handshake failed: the server requires a client certificate`) instead of a bare
 * `14 UNAVAILABLE` or a deadline.
 */
export async function diagnoseTemporalFailure(
  error: unknown,
  target: { namespace: string; tls?: TlsProbeTarget },
): Promise<Error> {
  const refusal = describeRefusal(error, target.namespace);
  if (refusal) return new TemporalRefusalError(refusal, { cause: error });
  if (target.tls) {
    const handshake = await probeTlsHandshake(target.tls, PROBE_TIMEOUT_MS);
    if (handshake) return new Error(`TLS handshake failed: ${handshake}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A refusal by the server (or a proxy in front of it): grpc-js status codes, or core's text. */
function describeRefusal(error: unknown, namespace: string): string | undefined {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: unknown }).details;
  const reason = typeof details === 'string' && details ? details : coreMessage(message);
  if (code === status.UNAUTHENTICATED || message.includes('valid authentication credentials')) {
    return `authentication failed: ${reason} (check the API key or client certificate)`;
  }
  if (code === status.PERMISSION_DENIED || message.includes('does not have permission')) {
    return `permission denied for namespace ${namespace}: ${reason}`;
  }
  if (code === status.NOT_FOUND && /namespace/i.test(message)) {
    return `namespace ${namespace} not found: ${reason}`;
  }
  return undefined;
}

/** The server's message out of the Rust core's `code: '…', message: "…"` text. */
function coreMessage(message: string): string {
  return /message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? message;
}
