/**
 * A real game backend for tests and benchmarks: a grpc-js server implementing Maestro's
 * `eventforwarder.GRPCForwarder`, recording every call it receives. Its reply code and an
 * artificial delay can be changed at any time.
 */
import { fromBinary, type DescMethod, type MessageShape } from '@bufbuild/protobuf';
import { Server, type handleUnaryCall } from '@grpc/grpc-js';
import { closeGrpc, listenGrpc } from '../../src/api/shared/grpc-listen';
import { grpcServerDefinition } from '../../src/api/shared/grpc-service';
import {
  GRPCForwarder,
  PlayerEventSchema,
  ResponseSchema,
  RoomEventSchema,
  RoomStatusSchema,
  type PlayerEvent,
  type RoomEvent,
  type RoomStatus,
} from '../../src/gen/eventforwarder/events_pb';
import { create, type Message } from '@bufbuild/protobuf';

/** One call the forwarder received. */
export type ReceivedCall =
  | { rpc: 'SendRoomEvent'; message: RoomEvent }
  | { rpc: 'SendRoomStatus' | 'SendRoomResync'; message: RoomStatus }
  | { rpc: 'SendPlayerEvent'; message: PlayerEvent };

export interface TestForwarder {
  /** `127.0.0.1:<port>`, for a scheduler's forwarder `address`. */
  address: string;
  /** Every call so far, in arrival order. */
  calls: ReceivedCall[];
  /** How many calls arrived (also counted when `isRecording` is off). */
  count: () => number;
  /** The reply `code` from now on (200 by default). */
  replyCode: number;
  /** Milliseconds to wait before replying (0 by default). */
  delayMs: number;
  /** Keep the calls in `calls` (on by default; benchmarks turn it off). */
  isRecording: boolean;
  close: () => Promise<void>;
}

const SCHEMAS = {
  SendRoomEvent: RoomEventSchema,
  SendRoomStatus: RoomStatusSchema,
  SendRoomResync: RoomStatusSchema,
  SendPlayerEvent: PlayerEventSchema,
} as const;

export async function startTestForwarder(port = 0): Promise<TestForwarder> {
  const server = new Server();
  let received = 0;
  const forwarder: TestForwarder = {
    address: '',
    calls: [],
    count: () => received,
    replyCode: 200,
    delayMs: 0,
    isRecording: true,
    close: () => closeGrpc(server, 1_000),
  };
  const handler =
    (method: DescMethod): handleUnaryCall<Buffer, Message> =>
    (call, callback) => {
      received += 1;
      const schema = SCHEMAS[method.name as keyof typeof SCHEMAS] as
        (typeof SCHEMAS)[keyof typeof SCHEMAS] | undefined;
      if (schema && forwarder.isRecording) {
        const message = fromBinary(schema, call.request) as MessageShape<typeof schema>;
        forwarder.calls.push({ rpc: method.name, message } as ReceivedCall);
      }
      const reply = () =>
        callback(
          null,
          create(ResponseSchema, { code: forwarder.replyCode, message: 'test reply' }),
        );
      if (forwarder.delayMs > 0) setTimeout(reply, forwarder.delayMs);
      else reply();
    };
  server.addService(
    grpcServerDefinition(GRPCForwarder),
    Object.fromEntries(GRPCForwarder.methods.map((method) => [method.localName, handler(method)])),
  );
  const bound = await listenGrpc(server, '127.0.0.1', port);
  forwarder.address = `127.0.0.1:${bound}`;
  return forwarder;
}
