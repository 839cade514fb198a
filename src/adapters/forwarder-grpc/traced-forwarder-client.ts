import type { ForwarderMessage } from '../../domain/game-room/forwarding';
import type { Forwarder } from '../../domain/scheduler/scheduler';
import { ForwardingFailedError, type ForwarderClient } from '../../ports/forwarder';
import { inClientSpan } from '../../shared/tracing';

const SERVICE = 'eventforwarder.GRPCForwarder';

/**
 * Each forward as an OpenTelemetry client span (`forward SendRoomResync`), a child of the request
 * that produced the event (ForwarderLanes runs a queued call in its enqueuer's context): the
 * forwarder, its address, the room, and how the call ended. Only when the process traces.
 */
export class TracedForwarderClient implements ForwarderClient {
  constructor(private readonly inner: ForwarderClient) {}

  send(forwarder: Forwarder, message: ForwarderMessage): Promise<void> {
    return inClientSpan(
      `forward ${message.rpc}`,
      {
        'rpc.system': 'grpc',
        'rpc.service': SERVICE,
        'rpc.method': message.rpc,
        'server.address': forwarder.address,
        'maestro.forwarder': forwarder.name,
        'maestro.room': message.room.roomId,
      },
      async (span) => {
        try {
          await this.inner.send(forwarder, message);
          span.setAttribute('maestro.forward.outcome', 'OK');
        } catch (error) {
          const code = error instanceof ForwardingFailedError ? error.code : 'unknown';
          span.setAttribute('maestro.forward.outcome', code);
          throw error;
        }
      },
    );
  }

  close(): void {
    this.inner.close();
  }
}
