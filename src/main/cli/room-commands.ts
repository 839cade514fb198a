import { parseDuration } from './durations';
import type { Command } from 'commander';
import { Option } from 'commander';
import { ROOM_STATUSES, type Room, type RoomStatus } from '@maestro/management-client';
import type { AllocatedRoom, RoomAddress } from '@maestro/rooms-client';
import type { CliContext } from './cli-context';
import { shortTime, type Column } from './output';

const address = (room: Pick<Room, 'host' | 'ports'>) =>
  room.host
    ? `${room.host} ${room.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`).join(' ')}`
    : '';

const COLUMNS: Column<Room>[] = [
  { heading: 'ID', value: (r) => r.id },
  { heading: 'STATUS', value: (r) => r.status },
  { heading: 'VERSION', value: (r) => r.version },
  { heading: 'MATCHES', value: (r) => r.runningMatches },
  { heading: 'LAST PING', value: (r) => shortTime(r.lastPingAt) },
  {
    heading: 'INSTANCE',
    value: (r) => r.instanceStatus + (r.instanceReason ? ` (${r.instanceReason})` : ''),
  },
  { heading: 'ADDRESS', value: address },
];

const ADDRESS_COLUMNS: Column<RoomAddress & Partial<Pick<AllocatedRoom, 'roomId'>>>[] = [
  { heading: 'ROOM', value: (r) => r.roomId },
  { heading: 'HOST', value: (r) => r.host },
  {
    heading: 'PORTS',
    value: (r) => r.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`).join(' '),
  },
];

/** `maestro rooms …`: list (Management API), allocate and address (Rooms API). */
export function registerRoomCommands(program: Command, cli: CliContext): void {
  const rooms = program
    .command('rooms')
    .description("a scheduler's rooms: list them, allocate one, find one's address");

  rooms
    .command('list <scheduler>')
    .description('the rooms with their status, version, last ping and address (by id)')
    .addOption(new Option('--status <status>', 'only rooms in this status').choices(ROOM_STATUSES))
    .action(
      cli.run(async (scheduler: string, options: { status?: RoomStatus }) => {
        const list = await cli.client().listRooms(scheduler, { status: options.status });
        cli.print({ rooms: list }, list, COLUMNS);
      }),
    );

  rooms
    .command('allocate <scheduler>')
    .description(
      'take a ready room for a match, as a matchmaker does (Rooms API; --token: a matchmaker credential when required)',
    )
    .option(
      '--wait <duration>',
      'when no room is ready, wait up to this long (at most 2m) while the scheduler wakes, e.g. 30s',
      (text: string) => parseDuration(text, '--wait'),
    )
    .action(
      cli.run(async (scheduler: string, options: { wait?: number }) => {
        const wait = options.wait === undefined ? {} : { waitMs: options.wait };
        const room = await cli.roomsClient().allocate(scheduler, wait);
        cli.print(room, [room], ADDRESS_COLUMNS);
      }),
    );

  rooms
    .command('address <scheduler> <room>')
    .description("a room's public host and ports (Rooms API)")
    .option(
      '--room-token <token>',
      "the room's token (its MAESTRO_ROOM_TOKEN), when the Rooms API requires room tokens",
    )
    .action(
      cli.run(async (scheduler: string, room: string, options: { roomToken?: string }) => {
        const found = await cli.roomsClient(options.roomToken).address(scheduler, room);
        cli.print(found, [{ roomId: room, ...found }], ADDRESS_COLUMNS);
      }),
    );
}
