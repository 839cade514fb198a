/**
 * How events become forwarder messages (reference §2.1): RPC, port, `ports` attribute,
 * statusType, roomType and the metadata merge rules, with Go's `%v` stringification.
 */
import {
  goString,
  playerEventMessage,
  portsAttribute,
  roomEventMessage,
  UnforwardableEventError,
  type RoomEventInput,
} from '../../src/domain/game-room/forwarding';
import type { Forwarder, JsonObject } from '../../src/domain/scheduler/scheduler';

const forwarder = (metadata: JsonObject): Forwarder => ({
  name: 'matchmaker',
  enable: true,
  type: 'gRPC',
  address: '127.0.0.1:9000',
  options: { timeoutMs: 1_000, metadata },
});

const address = {
  host: '10.0.0.7',
  ports: [
    { name: 'voice', protocol: 'UDP', port: 41001 },
    { name: 'clientPort', protocol: 'TCP', port: 41002 },
  ],
};

const event = (overrides: Partial<RoomEventInput>): RoomEventInput => ({
  kind: { type: 'resync', pingStatus: 'ready' },
  game: 'tennis',
  roomId: 'tennis-bcdfg',
  address,
  metadata: {},
  ...overrides,
});

describe('goString (Go %v of JSON values)', () => {
  it.each([
    ['text', 'text'],
    [true, 'true'],
    [false, 'false'],
    [null, '<nil>'],
    [245, '245'],
    [0, '0'],
    [-3, '-3'],
    [0.5, '0.5'],
    [123456, '123456'],
    [1_000_000, '1e+06'],
    [1_234_567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e21, '1e+21'],
    [-2.5e-7, '-2.5e-07'],
    [[1, 'a', true], '[1 a true]'],
    [{ b: 2, a: 'x' }, 'map[a:x b:2]'],
    [{ nested: { list: [1.5, null] } }, 'map[nested:map[list:[1.5 <nil>]]]'],
  ] as const)('prints %j as %s', (value, expected) => {
    expect(goString(value as never)).toBe(expected);
  });
});

describe('portsAttribute', () => {
  it('is the JSON Go writes for the ports (keys sorted)', () => {
    expect(portsAttribute(address.ports)).toBe(
      '[{"name":"voice","port":41001,"protocol":"UDP"},{"name":"clientPort","port":41002,"protocol":"TCP"}]',
    );
  });
});

describe('roomEventMessage', () => {
  it('sends a ping resync as SendRoomResync with the status type, roomType and merged metadata', () => {
    const message = roomEventMessage(
      event({ metadata: { players: 3, roomType: 'from-room', eventType: 'spoofed' } }),
      forwarder({ roomType: 'ranked', region: 'eu' }),
    );

    expect(message).toEqual({
      rpc: 'SendRoomResync',
      statusType: 'ready',
      room: {
        game: 'tennis',
        roomId: 'tennis-bcdfg',
        host: '10.0.0.7',
        port: 41002,
        roomType: 'ranked',
        metadata: {
          // Status events: the event's attributes override the forwarder's metadata.
          region: 'eu',
          roomType: 'from-room',
          players: '3',
          eventType: 'resync',
          pingType: 'ready',
          ports: portsAttribute(address.ports),
        },
      },
    });
  });

  it('sends a status report as SendRoomStatus', () => {
    const message = roomEventMessage(
      event({ kind: { type: 'status', pingStatus: 'occupied' } }),
      forwarder({}),
    );

    expect(message).toMatchObject({ rpc: 'SendRoomStatus', statusType: 'occupied' });
    expect(message.room.metadata).toMatchObject({ eventType: 'status', pingType: 'occupied' });
  });

  it('sends a room event as SendRoomEvent with the forwarder metadata winning and no roomType', () => {
    const message = roomEventMessage(
      event({
        kind: { type: 'roomEvent', name: 'matchStarted' },
        metadata: { region: 'us', score: 1e6 },
      }),
      forwarder({ region: 'eu', roomType: 'ranked' }),
    );

    expect(message).toEqual({
      rpc: 'SendRoomEvent',
      eventType: 'matchStarted',
      room: {
        game: 'tennis',
        roomId: 'tennis-bcdfg',
        host: '10.0.0.7',
        port: 41002,
        roomType: '',
        metadata: {
          region: 'eu',
          roomType: 'ranked',
          score: '1e+06',
          eventType: 'roomEvent',
          roomEvent: 'matchStarted',
          ports: portsAttribute(address.ports),
        },
      },
    });
  });

  it('takes the first port when none is named clientPort', () => {
    const message = roomEventMessage(
      event({ address: { host: 'h', ports: [{ name: 'game', protocol: 'UDP', port: 7000 }] } }),
      forwarder({}),
    );
    expect(message.room.port).toBe(7000);
  });

  it('marks the terminated event with roomEvent=terminated', () => {
    const message = roomEventMessage(
      event({ kind: { type: 'status', pingStatus: 'terminated', isTermination: true } }),
      forwarder({}),
    );
    expect(message).toMatchObject({ rpc: 'SendRoomStatus', statusType: 'terminated' });
    expect(message.room.metadata).toMatchObject({
      eventType: 'status',
      pingType: 'terminated',
      roomEvent: 'terminated',
    });
  });

  it.each([
    { type: 'status', pingStatus: 'terminating' },
    { type: 'resync', pingStatus: 'terminated' },
    { type: 'roomEvent', name: 'terminating' },
    { type: 'roomEvent', name: 'terminated' },
  ] as const)('forwards %j without an address as host "" and port 0', (kind) => {
    const message = roomEventMessage(event({ kind, address: undefined }), forwarder({}));
    expect(message.room).toMatchObject({ host: '', port: 0 });
    expect(message.room.metadata['ports']).toBeUndefined();
  });

  it('refuses an event of a room without an address that is not leaving', () => {
    expect(() => roomEventMessage(event({ address: undefined }), forwarder({}))).toThrow(
      UnforwardableEventError,
    );
  });

  it('refuses an event of a placed room without ports', () => {
    expect(() =>
      roomEventMessage(event({ address: { host: 'h', ports: [] } }), forwarder({})),
    ).toThrow(/no room port found/);
  });

  it('works with a forwarder that has no options', () => {
    const bare: Forwarder = { name: 'f', enable: true, type: 'gRPC', address: 'a:1' };
    expect(roomEventMessage(event({}), bare).room.roomType).toBe('');
  });
});

describe('playerEventMessage', () => {
  it('sends the player id, the room, the event type and the attributes with the forwarder roomType', () => {
    const message = playerEventMessage(
      {
        game: 'tennis',
        roomId: 'tennis-bcdfg',
        eventType: 'playerLeft',
        metadata: { playerId: 'p-1', score: 10, roomType: 'from-room' },
      },
      forwarder({ roomType: 'ranked', region: 'eu' }),
    );

    expect(message).toEqual({
      rpc: 'SendPlayerEvent',
      playerId: 'p-1',
      room: { game: 'tennis', roomId: 'tennis-bcdfg' },
      eventType: 'playerLeft',
      metadata: { playerId: 'p-1', score: '10', roomType: 'ranked', eventType: 'playerLeft' },
    });
  });

  it('adds no roomType when the forwarder has none', () => {
    const message = playerEventMessage(
      { game: 'g', roomId: 'r', eventType: 'playerJoin', metadata: { playerId: 'p' } },
      forwarder({}),
    );
    expect(message).toMatchObject({ metadata: { playerId: 'p', eventType: 'playerJoin' } });
    expect('roomType' in message.metadata).toBe(false);
  });
});
