import type { ForwarderMessage } from '../domain/game-room/forwarding';
import type { Forwarder } from '../domain/scheduler/scheduler';

/** Why a forward failed, for metrics: a gRPC status name (`DeadlineExceeded`) or `response_<code>`. */
export type ForwardFailureCode = string;

/** A forward that did not succeed: a transport/gRPC error or a reply whose `code` is not 200. */
export class ForwardingFailedError extends Error {
  constructor(
    readonly forwarder: string,
    readonly code: ForwardFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ForwardingFailedError';
  }
}

/**
 * Sends messages of Maestro's forwarder protocol (`eventforwarder.GRPCForwarder`) to a game
 * backend. Connections are reused across calls; each call carries the forwarder's timeout.
 */
export interface ForwarderClient {
  /**
   * Sends one message. Resolves when the forwarder replied `code: 200`; throws
   * `ForwardingFailedError` on any other reply, a transport error or the timeout.
   */
  send(forwarder: Forwarder, message: ForwarderMessage): Promise<void>;

  /** Closes every connection; later sends reconnect. */
  close(): void;
}

/** What the Rooms API counts about forwarding and pings (Prometheus in production). */
export interface RoomsMetrics {
  /** One forward of a room or player event to one forwarder; `code` is `OK` on success. */
  eventForwarded(event: {
    kind: 'room' | 'player';
    game: string;
    scheduler: string;
    forwarder: string;
    isSuccess: boolean;
    code: string;
  }): void;
  /** A ping was recorded but its resync event could not be forwarded to every forwarder. */
  pingForwardingFailed(scheduler: string): void;
  /** A ping was answered `success: false` (unknown room or scheduler, forbidden transition…). */
  pingFailed(scheduler: string, reason: string): void;
}
