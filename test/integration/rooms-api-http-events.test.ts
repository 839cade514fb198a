/**
 * The Rooms API over HTTP as rooms and matchmakers call it (test/support/rooms-api-http-fixture.ts):
 * room events, player events and status reports.
 */
import { call, like, type RoomsApiHarness } from '../support/rooms-api-server';
import { roomsApiOverHttp } from '../support/rooms-api-http-fixture';
import { uniqueSuffix } from '../support/infra';

describe('Rooms API over HTTP', () => {
  const { current, instance, createdRoom } = roomsApiOverHttp();
  let api: RoomsApiHarness;
  let scheduler: string;
  beforeEach(() => ({ api, scheduler } = current()));

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

  it('logged no unexpected failure', () => {
    expect(api.problems().filter((line) => line.msg !== 'event forwarding failed')).toEqual([]);
  });
});
