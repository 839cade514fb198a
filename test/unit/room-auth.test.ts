import { RoomAuthenticator } from '../../src/api/rooms/room-auth';
import {
  isRoomToken,
  ROOM_TOKEN_VARIABLE,
  roomToken,
  roomTokenEnvironment,
} from '../../src/app/rooms-token';
import { RoomAuthenticationError } from '../../src/domain/game-room/errors';
import { ErrorCode } from '../../src/domain/errors';
import { ConfigError, loadConfig } from '../../src/config/load';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';

const SECRET = 'a-very-long-secret-of-at-least-32-chars';

describe('roomToken', () => {
  it('is the same for the same secret, scheduler and room (a retried creation gets the same)', () => {
    expect(roomToken(SECRET, 'tennis', 'tennis-bcdfg')).toBe(
      roomToken(SECRET, 'tennis', 'tennis-bcdfg'),
    );
  });

  it('differs when the room, the scheduler or the secret differs', () => {
    const token = roomToken(SECRET, 'tennis', 'tennis-bcdfg');
    expect(roomToken(SECRET, 'tennis', 'tennis-bcdfh')).not.toBe(token);
    expect(roomToken(SECRET, 'golf', 'tennis-bcdfg')).not.toBe(token);
    expect(roomToken(`${SECRET}!`, 'tennis', 'tennis-bcdfg')).not.toBe(token);
  });

  it('is URL-safe text a room can put in a header', () => {
    expect(roomToken(SECRET, 'tennis', 'tennis-bcdfg')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is handed to rooms as MAESTRO_ROOM_TOKEN', () => {
    expect(ROOM_TOKEN_VARIABLE).toBe('MAESTRO_ROOM_TOKEN');
    expect(roomTokenEnvironment(SECRET, 's', 'r')).toEqual({
      MAESTRO_ROOM_TOKEN: roomToken(SECRET, 's', 'r'),
    });
  });

  it('is recognised only for its own room', () => {
    const token = roomToken(SECRET, 's', 'r');
    expect(isRoomToken(SECRET, 's', 'r', token)).toBe(true);
    expect(isRoomToken(SECRET, 's', 'other', token)).toBe(false);
    expect(isRoomToken(SECRET, 's', 'r', token.slice(1))).toBe(false);
    expect(isRoomToken(SECRET, 's', 'r', '')).toBe(false);
  });
});

describe('RoomAuthenticator', () => {
  const required = new RoomAuthenticator({ isRequired: true, secret: SECRET });
  const bearer = (roomId: string) => `Bearer ${roomToken(SECRET, 's', roomId)}`;

  it('lets a room with its own token through', () => {
    expect(() => required.check('s', 'r', bearer('r'))).not.toThrow();
    expect(() => required.check('s', 'r', bearer('r').replace('Bearer', 'bearer'))).not.toThrow();
  });

  it.each([
    ['no authorization', undefined],
    ['another room’s token', `Bearer ${roomToken(SECRET, 's', 'other')}`],
    ['a token without the Bearer scheme', roomToken(SECRET, 's', 'r')],
    ['garbage', 'Bearer nope'],
  ])('rejects a request with %s as UNAUTHENTICATED', (_case, authorization) => {
    let error: unknown;
    try {
      required.check('s', 'r', authorization);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RoomAuthenticationError);
    expect((error as RoomAuthenticationError).code).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('checks nothing when room authentication is off', () => {
    const off = new RoomAuthenticator({ isRequired: false, secret: '' });
    expect(() => off.check('s', 'r', undefined)).not.toThrow();
  });

  it('covers every RPC about one room and not allocation', () => {
    const scoped = RoomsService.methods
      .filter((method) => RoomAuthenticator.isRoomScoped(method))
      .map((method) => method.name);
    expect(scoped).toEqual([
      'UpdateRoomWithPing',
      'ForwardRoomEvent',
      'ForwardPlayerEvent',
      'UpdateRoomStatus',
      'GetRoomAddress',
    ]);
  });
});

describe('rooms configuration', () => {
  it('defaults to no room authentication, a 5-minute allocation TTL and gRPC port 9070', () => {
    const config = loadConfig({});
    expect(config.rooms).toEqual({
      allocationTtlMs: 300_000,
      schedulerCacheTtlMs: 60_000,
      forwarding: { maxInFlight: 64, maxQueued: 10_000 },
      auth: { secret: '', isRequired: false },
    });
    expect(config.roomsApiGrpc.port).toBe(9070);
  });

  it('refuses to require room tokens without a secret', () => {
    expect(() => loadConfig({ MAESTRO_ROOM_AUTH_REQUIRED: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAESTRO_ROOM_AUTH_REQUIRED: 'true' })).toThrow(
      /MAESTRO_ROOM_AUTH_REQUIRED: needs MAESTRO_ROOM_AUTH_SECRET/,
    );
  });

  it('refuses a short secret and a flag that is not true or false', () => {
    expect(() => loadConfig({ MAESTRO_ROOM_AUTH_SECRET: 'short' })).toThrow(
      /at least 32 characters/,
    );
    expect(() => loadConfig({ MAESTRO_ROOM_AUTH_REQUIRED: 'yes' })).toThrow(
      /must be true or false/,
    );
  });

  it('requires tokens when asked with a secret', () => {
    const config = loadConfig({
      MAESTRO_ROOM_AUTH_SECRET: SECRET,
      MAESTRO_ROOM_AUTH_REQUIRED: 'true',
    });
    expect(config.rooms.auth).toEqual({ secret: SECRET, isRequired: true });
  });
});
