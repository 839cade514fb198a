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

/** Which event went (or did not go) to which forwarder. */
export interface ForwardLabels {
  kind: 'room' | 'player';
  game: string;
  scheduler: string;
  forwarder: string;
}

/** Why an event was never sent to a forwarder: its queue was full, or the module stopped. */
export type ForwardDropReason = 'queue_full' | 'shutdown';

/** What the Rooms API counts about forwarding and pings (Prometheus in production). */
export interface RoomsMetrics {
  /** One forward of a room or player event to one forwarder; `code` is `OK` on success. */
  eventForwarded(event: ForwardLabels & { isSuccess: boolean; code: string }): void;
  /** A queued resync replaced by a newer state of its room, which is sent instead. */
  eventCoalesced(event: ForwardLabels): void;
  /** An event never sent to a forwarder (its queue was full, or the module stopped). */
  eventDropped(event: ForwardLabels & { reason: ForwardDropReason }): void;
  /** A ping was recorded but its resync event could not be forwarded to every forwarder. */
  pingForwardingFailed(scheduler: string): void;
  /** A ping was answered `success: false` (unknown room or scheduler, forbidden transition…). */
  pingFailed(scheduler: string, reason: string): void;
}
