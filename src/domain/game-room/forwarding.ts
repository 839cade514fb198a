/**
 * How room and player events become messages of Maestro's forwarder protocol
 * (`eventforwarder.GRPCForwarder`), exactly as Maestro v1 builds them: which RPC, which port, the
 * `ports` attribute, `statusType`, `roomType`, and how event attributes and the forwarder's
 * metadata merge into the string map the backend receives.
 */
import type { Forwarder, JsonObject, JsonValue } from '../scheduler/scheduler';
import type { InstancePort, RoomAddress } from './instance';
import type { PlayerEventType } from './room';
import { PingStatus, type ReportedPingStatus } from './status';

/** `eventforwarder.Room`. */
export interface ForwardedRoom {
  game: string;
  roomId: string;
  host: string;
  port: number;
  metadata: Record<string, string>;
  roomType: string;
}

/** `eventforwarder.RoomStatus.RoomStatusType`, by Maestro's lowercase names. */
export type ForwardedStatusType = ReportedPingStatus;

/** A call of the forwarder protocol about a room, named by its RPC. */
export type RoomMessage =
  | { rpc: 'SendRoomEvent'; room: ForwardedRoom; eventType: string }
  | {
      rpc: 'SendRoomStatus' | 'SendRoomResync';
      room: ForwardedRoom;
      statusType: ForwardedStatusType;
    };

/** `SendPlayerEvent`: the room is only named (game and id). */
export interface PlayerMessage {
  rpc: 'SendPlayerEvent';
  playerId: string;
  room: Pick<ForwardedRoom, 'game' | 'roomId'>;
  eventType: PlayerEventType;
  metadata: Record<string, string>;
}

/** One call of the forwarder protocol. */
export type ForwarderMessage = RoomMessage | PlayerMessage;

/**
 * A room event to forward: a free-form `roomEvent` (POST …/roomevent), the `resync` every ping
 * produces, or a `status` event (PUT …/status, and `terminated` when a room goes away).
 */
export type RoomEventKind =
  | { type: 'roomEvent'; name: string }
  | { type: 'resync' | 'status'; pingStatus: ReportedPingStatus; isTermination?: boolean };

export interface RoomEventInput {
  kind: RoomEventKind;
  game: string;
  roomId: string;
  /** Where the room is; absent when the runtime has not placed it (or it is gone). */
  address?: RoomAddress;
  /** The room's metadata sent with the event. */
  metadata: JsonObject;
}

export interface PlayerEventInput {
  game: string;
  roomId: string;
  eventType: PlayerEventType;
  /** Must hold a string `playerId`. */
  metadata: JsonObject;
}

/** A room event that cannot be forwarded (no address for an event that needs one). */
export class UnforwardableEventError extends Error {}

/** The message that sends `input` to `forwarder`; throws UnforwardableEventError. */
export function roomEventMessage(input: RoomEventInput, forwarder: Forwarder): RoomMessage {
  const attributes = roomEventAttributes(input);
  const { host, port } = roomLocation(input, forwarder);
  const base = { game: input.game, roomId: input.roomId, host, port };
  const options = forwarder.options?.metadata ?? {};
  const { kind } = input;
  if (kind.type === 'roomEvent') {
    // Room events: the forwarder's metadata overrides the event's attributes.
    const metadata = stringifyValues({ ...attributes, ...options });
    return {
      rpc: 'SendRoomEvent',
      room: { ...base, metadata, roomType: '' },
      eventType: kind.name,
    };
  }
  // Status and resync: the event's attributes override the forwarder's metadata.
  const metadata = stringifyValues({ ...options, ...attributes });
  const roomType = typeof options['roomType'] === 'string' ? options['roomType'] : '';
  return {
    rpc: kind.type === 'resync' ? 'SendRoomResync' : 'SendRoomStatus',
    room: { ...base, metadata, roomType },
    statusType: kind.pingStatus,
  };
}

/** The message that sends a player event to `forwarder`. */
export function playerEventMessage(input: PlayerEventInput, forwarder: Forwarder): PlayerMessage {
  const playerId = input.metadata['playerId'];
  const attributes: JsonObject = { ...input.metadata, eventType: input.eventType };
  const roomType = forwarder.options?.metadata['roomType'];
  if (roomType !== undefined) attributes['roomType'] = roomType;
  return {
    rpc: 'SendPlayerEvent',
    playerId: typeof playerId === 'string' ? playerId : goString(playerId ?? null),
    room: { game: input.game, roomId: input.roomId },
    eventType: input.eventType,
    metadata: stringifyValues(attributes),
  };
}

/** The attributes Maestro attaches to a room event (its `event.Attributes`). */
function roomEventAttributes(input: RoomEventInput): JsonObject {
  const attributes: JsonObject = { ...input.metadata };
  const { kind } = input;
  if (kind.type === 'roomEvent') {
    attributes['eventType'] = 'roomEvent';
    attributes['roomEvent'] = kind.name;
  } else {
    attributes['eventType'] = kind.type;
    attributes['pingType'] = kind.pingStatus;
    if (kind.isTermination) attributes['roomEvent'] = PingStatus.TERMINATED;
  }
  const ports = input.address?.ports ?? [];
  if (ports.length > 0) attributes['ports'] = portsAttribute(ports);
  return attributes;
}

/**
 * Host and port of the room: the port named `clientPort`, else the first. A room that is
 * terminating or terminated may have no address any more; it is sent with host "" and port 0.
 */
function roomLocation(input: RoomEventInput, forwarder: Forwarder): { host: string; port: number } {
  const ports = input.address?.ports ?? [];
  const port = ports.find((candidate) => candidate.name === 'clientPort') ?? ports[0];
  if (input.address && port) return { host: input.address.host, port: port.port };
  if (isLeaving(input.kind)) return { host: input.address?.host ?? '', port: port?.port ?? 0 };
  throw new UnforwardableEventError(
    input.address
      ? `no room port found to forward roomEvent. Forwarder name: "${forwarder.name}", room: "${input.roomId}"`
      : `room "${input.roomId}" has no address yet (its instance is not placed)`,
  );
}

function isLeaving(kind: RoomEventKind): boolean {
  const leaving: string[] = [PingStatus.TERMINATING, PingStatus.TERMINATED];
  return kind.type === 'roomEvent'
    ? leaving.includes(kind.name)
    : leaving.includes(kind.pingStatus);
}

/** Maestro's `ports` attribute: Go's JSON of `[{port, name, protocol}]` maps (keys sorted). */
export function portsAttribute(ports: readonly InstancePort[]): string {
  return JSON.stringify(ports.map(({ name, port, protocol }) => ({ name, port, protocol })));
}

function stringifyValues(attributes: JsonObject): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) result[key] = goString(value);
  return result;
}

/**
 * A JSON value as Go's `fmt.Sprintf("%v", v)` prints what `encoding/json` decoded: strings as they
 * are, `true`, `<nil>`, numbers as float64 (`245`, `0.5`, `1e+06`), `[a b]`, `map[k:v]`.
 */
export function goString(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFloat(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goString).join(' ')}]`;
  const keys = Object.keys(value).sort();
  return `map[${keys.map((key) => `${key}:${goString(value[key] ?? null)}`).join(' ')}]`;
}

/** Go's `%v` of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6. */
function goFloat(value: number): string {
  if (Object.is(value, -0)) return '-0';
  if (value === 0) return '0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return value.toString();
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}
