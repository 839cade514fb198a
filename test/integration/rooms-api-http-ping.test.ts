/**
 * The Rooms API over HTTP as rooms and matchmakers call it (test/support/rooms-api-http-fixture.ts):
 * pings.
 */
import { like, type RoomsApiHarness } from '../support/rooms-api-server';
import { roomsApiOverHttp } from '../support/rooms-api-http-fixture';
import { eventually } from '../support/runtime-contract';
import { uniqueSuffix } from '../support/infra';

describe('Rooms API over HTTP', () => {
  const { current, instance, createdRoom, ping } = roomsApiOverHttp();
  let api: RoomsApiHarness;
  let scheduler: string;
  beforeEach(() => ({ api, scheduler } = current()));

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

  it('logged no unexpected failure', () => {
    expect(api.problems().filter((line) => line.msg !== 'event forwarding failed')).toEqual([]);
  });
});
