import type { MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { RoomsService } from './gen/api/v1/rooms_pb';
import type { RoomsTransportKind } from './errors';

/** One RPC of `api.v1.RoomsService`, as protobuf-es describes it. */
export type RoomsMethod = (typeof RoomsService.method)[keyof typeof RoomsService.method];

/** What one call carries besides its message. */
export interface CallOptions {
  /** The `authorization` header or metadata (`Bearer <token>`), when there is a credential. */
  authorization?: string;
  /** How long to wait for the answer before giving up with a timeout. */
  timeoutMs: number;
}

/**
 * One wire to the Rooms API. `call` answers the response message, or throws `RoomsApiError`
 * (the server answered an error) or `RoomsConnectionError` (no answer).
 */
export interface RoomsTransport {
  readonly kind: RoomsTransportKind;
  call<M extends RoomsMethod>(
    method: M,
    request: MessageInitShape<M['input']>,
    options: CallOptions,
  ): Promise<MessageShape<M['output']>>;
  /** Releases connections; calls after it fail. */
  close(): void;
}
