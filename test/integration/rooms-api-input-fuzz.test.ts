/**
 * Property tests of the Rooms API's requests: every HTTP route's path parameters and every string
 * field of every native gRPC request (metadata values included) with NUL and other control
 * characters, invalid UTF-8, over-long values and any Unicode, against the real server, PostgreSQL,
 * Redis and a real forwarder. Nothing is answered 500 / INTERNAL, refused values are named with
 * their rule, and no room or scheduler is stored.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import {
  expectedRefusalDetails,
  nastyRequestBytes,
  stringFieldsOf,
  type StringField,
} from '../support/grpc-fuzz';
import { grpcClient, rawGrpcCall } from '../support/management-api-grpc-client';
import { expectClientError, fuzzSettings, nastyText } from '../support/nasty-input';
import {
  call,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';
import {
  expectedRefusal,
  routeParameters,
  routeRequestPath,
  sendRouteRequest,
} from '../support/route-fuzz';

const SCHEDULER = 'input-rooms';
const ROOM = 'room-absent';

/** An ordinary body of every RPC (the path names the scheduler and the room). */
const BODIES: Readonly<Record<string, JsonObject>> = {
  UpdateRoomWithPing: {
    status: 'ready',
    runningMatches: '0',
    timestamp: '1',
    metadata: { a: 'b' },
  },
  ForwardRoomEvent: { event: 'roomReady', timestamp: '1', metadata: { a: 'b' } },
  ForwardPlayerEvent: { event: 'playerJoin', timestamp: '1', metadata: { playerId: 'p1' } },
  UpdateRoomStatus: { status: 'ready', runningMatches: '0', timestamp: '1', metadata: {} },
  GetRoomAddress: {},
  AllocateRoom: {},
};

describe('Rooms API under nasty request text', () => {
  let api: RoomsApiHarness;
  let grpc: ReturnType<typeof grpcClient>;

  const stored = async () => ({
    keys: (await api.redis.keys(`${api.keyPrefix}*`)).sort(),
    schedulers: (await api.schedulers.listSchedulers()).map((scheduler) => scheduler.name),
  });
  const grpcTargets = (): Array<{ path: string; base: JsonObject; field: StringField }> =>
    RoomsService.methods.flatMap((method) => {
      const body = BODIES[method.name];
      if (!body) throw new Error(`no ordinary request for ${method.name}`);
      const base = { ...body, schedulerName: SCHEDULER, roomName: ROOM };
      const fields = stringFieldsOf(method.input, base);
      return fields.map((field) => ({ path: `/api.v1.RoomsService/${method.name}`, base, field }));
    });

  beforeAll(async () => {
    api = await startRoomsApi();
    grpc = grpcClient(RoomsService, api.grpcAddress);
    await api.schedulers.createScheduler(
      testScheduler(SCHEDULER, { forwarders: [forwarderAt('backend', api.forwarder.address)] }),
    );
  });
  afterAll(async () => {
    grpc.close();
    await api.close();
  });

  it.each([
    ['POST', '/scheduler/%00bad/rooms/allocate', 'schedulerName'],
    ['GET', '/scheduler/%00bad/rooms/r/address', 'schedulerName'],
    ['GET', '/scheduler/s/rooms/%00/address', 'roomName'],
    ['PUT', '/scheduler/%00/rooms/r/ping', 'schedulerName'],
  ])('answers 400 naming the parameter when %s %s holds NUL', async (method, path, field) => {
    const body = method === 'GET' ? undefined : { status: 'ready' };

    expect(await call(api, method, path, body)).toEqual({
      status: 400,
      body: {
        code: 3,
        message: `Validation Error:\n${field}: must not contain NUL characters`,
        details: [],
      },
    });
  });

  it('never answers 500 and names every refused parameter when 400 HTTP requests carry nasty text', async () => {
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routeParameters([RoomsService])),
        nastyText,
        async (parameter, nasty) => {
          const ordinary = { path: (name: string) => (name === 'room_name' ? ROOM : SCHEDULER) };
          const path = routeRequestPath(parameter, nasty.encoded, ordinary);
          const body = BODIES[parameter.binding.method.name];
          const answer = await sendRouteRequest(api.baseUrl, parameter, path, body);

          const refusal = expectedRefusal(parameter, nasty);
          if (refusal) expect(answer).toEqual(refusal);
          else expectClientError(answer.status, answer.body);
        },
      ),
      fuzzSettings(400),
    );

    expect(api.problems()).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('never answers INTERNAL and names every refused field when 500 gRPC requests carry nasty text', async () => {
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...grpcTargets()), nastyText, async (target, nasty) => {
        const input = RoomsService.methods.find((method) =>
          target.path.endsWith(method.name),
        )!.input;
        const bytes = nastyRequestBytes(input, target.base, target.field, nasty);
        const error = await rawGrpcCall(grpc.client, target.path, bytes).then(
          () => undefined,
          (failure: ServiceError) => failure,
        );

        expect([status.UNKNOWN, status.INTERNAL]).not.toContain(error?.code);
        const details = expectedRefusalDetails(target.field, nasty);
        if (details !== undefined) {
          expect({ code: error?.code, details: error?.details }).toEqual({
            code: status.INVALID_ARGUMENT,
            details,
          });
        }
      }),
      fuzzSettings(500),
    );

    expect(api.problems()).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('sees new keys when a room is created (the checks above can fail)', async () => {
    const before = await stored();

    await api.lifecycle.roomCreating({ id: 'room-real', scheduler: SCHEDULER, version: 'v1.0.0' });

    expect((await stored()).keys.length).toBeGreaterThan(before.keys.length);
  });
});
