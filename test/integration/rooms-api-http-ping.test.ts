/**
 * The Rooms API over HTTP as rooms and matchmakers call it (Maestro v1's routes and grpc-gateway
 * JSON), on real PostgreSQL, Redis and a real GRPCForwarder backend.
 */
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import { RoomNotPlacedError } from '../../src/domain/game-room/errors';
import { eventually } from '../support/runtime-contract';
import {
  call,
  like,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';
import { uniqueSuffix } from '../support/infra';

describe('Rooms API over HTTP', () => {
  let api: RoomsApiHarness;
  let scheduler: string;
  const placed = new Map<string, GameRoomInstance['address']>();

  const instance = (
    roomId: string,
    status: GameRoomInstance['status'] = 'ready',
  ): GameRoomInstance => ({
    id: roomId,
    scheduler,
    version: 'v1.0.0',
    status,
    address: {
      host: '10.1.2.3',
      ports: [
        { name: 'game', protocol: 'UDP', port: 40123 },
        { name: 'clientPort', protocol: 'TCP', port: 40124 },
      ],
    },
    createdAt: new Date('2026-01-01T00:00:00Z'),
  });

  /** A room maestro created whose instance the runtime reports `status`. */
  async function createdRoom(roomId: string, status: GameRoomInstance['status'] = 'ready') {
    await api.lifecycle.roomCreating({ id: roomId, scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance: instance(roomId, status) });
  }

  const ping = (roomId: string, body: unknown, target = scheduler) =>
    call(api, 'PUT', `/scheduler/${target}/rooms/${roomId}/ping`, body);

  beforeAll(async () => {
    api = await startRoomsApi({
      allocationTtlMs: 60_000,
      runtime: {
        roomAddress: async (schedulerName, roomId) => {
          const address = placed.get(`${schedulerName}/${roomId}`);
          if (!address) throw new RoomNotPlacedError(schedulerName, roomId);
          return address;
        },
      },
    });
  });

  afterAll(async () => {
    await api.close();
  });

  beforeEach(async () => {
    scheduler = `rooms-${uniqueSuffix()}`;
    api.forwarder.calls.length = 0;
    api.forwarder.replyCode = 200;
    await api.schedulers.createScheduler(
      testScheduler(scheduler, { forwarders: [forwarderAt('backend', api.forwarder.address)] }),
    );
  });

  describe('PUT /scheduler/{s}/rooms/{r}/ping', () => {
    it('answers success and makes a room with a ready instance ready, forwarding a resync', async () => {
      await createdRoom('room-1');

      const answer = await ping('room-1', {
        status: 'ready',
        timestamp: '1700000000',
        metadata: { players: 2, mode: 'duo' },
      });

      expect(answer).toEqual({ status: 200, body: { success: true } });
      expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({
        status: 'ready',
        pingStatus: 'ready',
        metadata: { players: 2, mode: 'duo' },
      });
      await eventually(async () => expect(api.forwarder.calls).toHaveLength(1));
      expect(api.forwarder.calls[0]).toEqual({
        rpc: 'SendRoomResync',
        message: like.object({
          statusType: 0,
          room: like.object({
            game: 'tennis',
            roomId: 'room-1',
            host: '10.1.2.3',
            port: 40124,
            roomType: 'ranked',
            metadata: {
              roomType: 'ranked',
              players: '2',
              mode: 'duo',
              eventType: 'resync',
              pingType: 'ready',
              ports:
                '[{"name":"game","port":40123,"protocol":"UDP"},{"name":"clientPort","port":40124,"protocol":"TCP"}]',
            },
          }),
        }),
      });
    });

    it('accepts snake_case fields and int64 as numbers, and ignores unknown fields', async () => {
      await createdRoom('room-1');

      const answer = await ping('room-1', {
        status: 'occupied',
        running_matches: 1,
        whatever: [1],
      });

      expect(answer).toEqual({ status: 200, body: { success: true } });
      expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({
        status: 'occupied',
        runningMatches: 1,
      });
    });

    it('answers success for a room whose instance does not exist yet, which stays pending', async () => {
      await api.lifecycle.roomCreating({ id: 'early', scheduler, version: 'v1.0.0' });

      expect(await ping('early', { status: 'ready' })).toEqual({
        status: 200,
        body: { success: true },
      });

      expect(await api.rooms.getRoom(scheduler, 'early')).toMatchObject({
        status: 'pending',
        pingStatus: 'ready',
      });
      await api.lifecycle.instanceChanged({ type: 'added', instance: instance('early') });
      expect(await api.rooms.getRoom(scheduler, 'early')).toMatchObject({ status: 'ready' });
    });

    it('answers success false for an unknown scheduler, an unknown room and a forbidden transition', async () => {
      await createdRoom('room-1');
      await ping('room-1', { status: 'terminating' });
      await ping('room-1', { status: 'terminated' });

      expect(await ping('room-1', { status: 'ready' }, `missing-${uniqueSuffix()}`)).toEqual({
        status: 200,
        body: { success: false },
      });
      expect(await ping('ghost', { status: 'ready' })).toEqual({
        status: 200,
        body: { success: false },
      });
      expect(await ping('room-1', { status: 'ready' })).toEqual({
        status: 200,
        body: { success: false },
      });
      expect(await api.rooms.getRoom(scheduler, 'ghost')).toBeUndefined();
    });

    it.each([
      [{ status: 'READY' }, 'status: must be one of ready, occupied, terminating, terminated'],
      [{}, 'status: must be one of ready, occupied, terminating, terminated'],
      [{ status: 'ready', runningMatches: -1 }, 'runningMatches: must be a non-negative integer'],
      [{ status: 'ready', runningMatches: 'many' }, 'runningMatches'],
      [{ status: 'ready', metadata: 'not an object' }, 'metadata'],
      ['{"status": "ready"', 'body: must be valid JSON'],
      ['[1, 2]', 'body: must be a JSON object'],
    ])('answers 400 with a validation message for %j', async (body, message) => {
      await createdRoom('room-1');

      const answer = await ping('room-1', body);

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: 3,
        message: like.text(message),
        details: [],
      });
      expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ pingStatus: 'unknown' });
    });

    it('answers success even when the forwarder fails, and counts the failed forward', async () => {
      await createdRoom('room-1');
      api.forwarder.replyCode = 500;

      expect(await ping('room-1', { status: 'ready' })).toEqual({
        status: 200,
        body: { success: true },
      });

      await eventually(async () =>
        expect(
          await api.registry.getSingleMetricAsString('maestro_api_failed_ping_forwarding_total'),
        ).toContain(`scheduler="${scheduler}"} 1`),
      );
    });

    it('forwards terminated instead of the resync when the room’s instance is terminating', async () => {
      await createdRoom('room-1');
      await ping('room-1', { status: 'ready' });
      await api.lifecycle.instanceChanged({
        type: 'updated',
        instance: instance('room-1', 'terminating'),
      });
      await eventually(async () => expect(api.forwarder.calls).toHaveLength(2));

      expect(api.forwarder.calls[1]).toMatchObject({
        rpc: 'SendRoomStatus',
        message: {
          statusType: 3,
          room: { metadata: { roomEvent: 'terminated', pingType: 'terminated' } },
        },
      });
    });
  });

  describe('POST /scheduler/{s}/rooms/{r}/roomevent', () => {
    it('forwards the event synchronously and answers success', async () => {
      await createdRoom('room-1');

      const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/room-1/roomevent`, {
        event: 'matchStarted',
        metadata: { round: 1 },
      });

      expect(answer).toEqual({ status: 200, body: { success: true, message: '' } });
      expect(api.forwarder.calls).toEqual([
        {
          rpc: 'SendRoomEvent',
          message: like.object({
            eventType: 'matchStarted',
            room: like.object({
              roomId: 'room-1',
              metadata: like.object({
                round: '1',
                eventType: 'roomEvent',
                roomEvent: 'matchStarted',
              }),
            }),
          }),
        },
      ]);
    });

    it('answers success false with the reason when the forwarder replies a code other than 200', async () => {
      await createdRoom('room-1');
      api.forwarder.replyCode = 404;

      const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/room-1/roomevent`, {
        event: 'x',
      });

      expect(answer).toEqual({
        status: 200,
        body: { success: false, message: 'forwarder "backend" answered code 404: test reply' },
      });
      const metric = await api.registry
        .getSingleMetric('maestro_api_failed_room_event_forwarding_total')!
        .get();
      expect(metric.values.filter((value) => value.labels['scheduler'] === scheduler)).toEqual([
        {
          value: 1,
          labels: { game: 'tennis', scheduler, forwarder: 'backend', code: 'response_404' },
        },
      ]);
    });

    it.each([
      [
        'an unknown scheduler',
        'missing',
        'room-1',
        { event: 'x' },
        /^scheduler missing-\w+ not found$/,
      ],
      ['an unknown room', 'current', 'ghost', { event: 'x' }, /^room ghost not found$/],
      ['no event', 'current', 'room-1', {}, /^event is required$/],
    ])('answers success false for %s', async (_case, target, roomId, body, message) => {
      await createdRoom('room-1');
      const schedulerName = target === 'current' ? scheduler : `missing-${uniqueSuffix()}`;

      const answer = await call(
        api,
        'POST',
        `/scheduler/${schedulerName}/rooms/${roomId}/roomevent`,
        body,
      );

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ success: false, message: like.matching(message) });
      expect(api.forwarder.calls).toEqual([]);
    });

    it('still forwards a terminated event of a room that is already gone', async () => {
      const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/gone/roomevent`, {
        event: 'terminated',
      });

      expect(answer).toEqual({ status: 200, body: { success: true, message: '' } });
      expect(api.forwarder.calls[0]).toMatchObject({
        rpc: 'SendRoomEvent',
        message: { room: { host: '', port: 0 } },
      });
    });

    it('forwards nothing for a validation room, and answers success', async () => {
      await api.lifecycle.roomCreating({
        id: 'validation',
        scheduler,
        version: 'v2.0.0',
        isValidationRoom: true,
      });
      await api.lifecycle.instanceChanged({ type: 'added', instance: instance('validation') });

      const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/validation/roomevent`, {
        event: 'x',
      });

      expect(answer).toEqual({ status: 200, body: { success: true, message: '' } });
      expect(api.forwarder.calls).toEqual([]);
    });
  });

  describe('POST /scheduler/{s}/rooms/{r}/playerevent', () => {
    it('forwards playerJoin with the player id', async () => {
      const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/room-1/playerevent`, {
        event: 'playerJoin',
        metadata: { playerId: 'p-42', team: 'blue' },
      });

      expect(answer).toEqual({ status: 200, body: { success: true, message: '' } });
      expect(api.forwarder.calls).toEqual([
        {
          rpc: 'SendPlayerEvent',
          message: like.object({
            playerId: 'p-42',
            eventType: 0,
            room: like.object({ game: 'tennis', roomId: 'room-1' }),
            metadata: {
              playerId: 'p-42',
              team: 'blue',
              eventType: 'playerJoin',
              roomType: 'ranked',
            },
          }),
        },
      ]);
    });

    it.each([
      [
        { event: 'playerKicked', metadata: { playerId: 'p' } },
        'invalid player event "playerKicked"',
      ],
      [{ event: 'playerLeft', metadata: {} }, 'string "playerId"'],
      [{ event: 'playerLeft', metadata: { playerId: 7 } }, 'string "playerId"'],
    ])('answers success false for %j', async (body, message) => {
      const answer = await call(
        api,
        'POST',
        `/scheduler/${scheduler}/rooms/room-1/playerevent`,
        body,
      );

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ success: false, message: like.text(message) });
      expect(api.forwarder.calls).toEqual([]);
    });
  });

  describe('PUT /scheduler/{s}/rooms/{r}/status', () => {
    it('forwards a status event without storing anything', async () => {
      await createdRoom('room-1');

      const answer = await call(api, 'PUT', `/scheduler/${scheduler}/rooms/room-1/status`, {
        status: 'occupied',
      });

      expect(answer).toEqual({ status: 200, body: { success: true } });
      expect(api.forwarder.calls[0]).toMatchObject({
        rpc: 'SendRoomStatus',
        message: { statusType: 1 },
      });
      expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({
        status: 'unready',
        pingStatus: 'unknown',
      });
    });

    it('answers 400 for a status that is not one of the four', async () => {
      const answer = await call(api, 'PUT', `/scheduler/${scheduler}/rooms/room-1/status`, {
        status: 'pending',
      });

      expect(answer.status).toBe(400);
    });
  });

  describe('GET /scheduler/{s}/rooms/{r}/address', () => {
    it('answers the room’s host and ports with an empty ipv6Label', async () => {
      placed.set(`${scheduler}/room-1`, instance('room-1').address);

      const answer = await call(api, 'GET', `/scheduler/${scheduler}/rooms/room-1/address`);

      expect(answer).toEqual({
        status: 200,
        body: {
          ports: [
            { name: 'game', protocol: 'UDP', port: 40123 },
            { name: 'clientPort', protocol: 'TCP', port: 40124 },
          ],
          host: '10.1.2.3',
          ipv6Label: '',
        },
      });
    });

    it('answers 400 FailedPrecondition for a room without a host yet, never a crash', async () => {
      const answer = await call(api, 'GET', `/scheduler/${scheduler}/rooms/unplaced/address`);

      expect(answer).toEqual({
        status: 400,
        body: {
          code: 9,
          message: `room unplaced of scheduler ${scheduler} has no host yet`,
          details: [],
        },
      });
    });
  });

  describe('POST /scheduler/{s}/rooms/allocate', () => {
    it('hands out a ready room with its host and ports, and never the same room twice', async () => {
      await createdRoom('room-1');
      await ping('room-1', { status: 'ready' });

      const first = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});
      const second = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`);

      expect(first).toEqual({
        status: 200,
        body: {
          roomId: 'room-1',
          success: true,
          message: '',
          host: '10.1.2.3',
          ports: [
            { name: 'game', protocol: 'UDP', port: 40123 },
            { name: 'clientPort', protocol: 'TCP', port: 40124 },
          ],
        },
      });
      expect(second).toEqual({
        status: 429,
        body: {
          code: 8,
          message: `no ready rooms available for scheduler ${scheduler}`,
          details: [],
        },
      });
      expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ status: 'allocated' });
    });

    it('gives each of 20 ready rooms to exactly one of 50 concurrent matchmakers', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `room-${i}`);
      for (const id of ids) {
        await createdRoom(id);
        await ping(id, { status: 'ready' });
      }

      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {}),
        ),
      );

      const allocated = answers
        .filter((a) => a.status === 200)
        .map((a) => (a.body as { roomId: string }).roomId);
      expect(allocated.sort()).toEqual([...ids].sort());
      expect(answers.filter((a) => a.status === 429)).toHaveLength(30);
    });

    it('answers 404 for an unknown scheduler', async () => {
      const name = `missing-${uniqueSuffix()}`;

      expect(await call(api, 'POST', `/scheduler/${name}/rooms/allocate`, {})).toEqual({
        status: 404,
        body: { code: 5, message: `scheduler ${name} not found`, details: [] },
      });
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown path and 501 for a known path with another method', async () => {
      expect(await call(api, 'GET', `/scheduler/${scheduler}/rooms/r/nothing`)).toMatchObject({
        status: 404,
      });
      expect(await call(api, 'DELETE', `/scheduler/${scheduler}/rooms/r/ping`)).toEqual({
        status: 501,
        body: { code: 12, message: 'Method Not Allowed', details: [] },
      });
    });
  });

  it('logged no unexpected failure', () => {
    expect(api.problems().filter((line) => line.msg !== 'event forwarding failed')).toEqual([]);
  });
});
