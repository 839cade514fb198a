/**
 * `sizeOf` (the metrics reporter's desired and current rooms from counts kept incrementally and
 * the rooms that may have expired) against `planHealth` on every room, and the room index's
 * summary lines decoded.
 */
import { decodeSummaryLine } from '../../src/adapters/redis/room-codec';
import type { GameRoom } from '../../src/domain/game-room/room';
import { ROOM_STATUSES, type RoomStatus } from '../../src/domain/game-room/status';
import {
  countByStatus,
  planHealth,
  sizeOf,
  type RoomCounts,
} from '../../src/domain/health/health-plan';
import type { Autoscaling, Scheduler } from '../../src/domain/scheduler/scheduler';
import { msAgo, NOW, testRoom } from '../support/test-room';
import { testScheduler } from '../support/test-scheduler';

const TIMEOUTS = {
  pingTimeoutMs: 240_000,
  initializationTimeoutMs: 120_000,
  deletionTimeoutMs: 120_000,
};

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRooms(next: () => number, count: number): GameRoom[] {
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  return Array.from({ length: count }, (_, i) =>
    testRoom(`room-${i}`, {
      status: pick(ROOM_STATUSES),
      version: pick(['v1.0.0', 'v1.1.0', 'v2.0.0']),
      runningMatches: pick([0, 0, 1, 2, 3]),
      isValidationRoom: next() < 0.1,
      // Around each timeout, on both sides of it.
      createdAt: msAgo(pick([0, 119_999, 120_000, 120_001, 600_000])),
      lastPingAt: msAgo(pick([0, 119_999, 120_001, 239_999, 240_000, 240_001, 600_000])),
    }),
  );
}

/** What the room index keeps for `rooms`. */
function countsOf(rooms: readonly GameRoom[]): RoomCounts {
  const validation = rooms.filter((room) => room.isValidationRoom);
  const sum = (list: readonly GameRoom[]) => list.reduce((n, room) => n + room.runningMatches, 0);
  return {
    statuses: countByStatus(rooms),
    validationStatuses: countByStatus(validation),
    runningMatches: sum(rooms),
    validationRunningMatches: sum(validation),
  };
}

/** The rooms the store hands as expiry candidates: long-starting ones and silent ones. */
const candidatesOf = (rooms: readonly GameRoom[]) =>
  rooms.filter(
    (room) =>
      ((['pending', 'unready'] as RoomStatus[]).includes(room.status) &&
        room.createdAt.getTime() < NOW.getTime() - TIMEOUTS.initializationTimeoutMs) ||
      room.lastPingAt.getTime() < NOW.getTime() - TIMEOUTS.pingTimeoutMs,
  );

const autoscaled = (policy: Autoscaling['policy']): Partial<Scheduler> => ({
  autoscaling: { enabled: true, min: 1, max: 500, cooldown: 0, policy },
});

describe('sizeOf', () => {
  const schedulers: Array<[string, Scheduler]> = [
    ['fixed replicas', testScheduler('tennis', { roomsReplicas: 40 })],
    [
      'fixedBuffer autoscaling',
      testScheduler(
        'tennis',
        autoscaled({ type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 5 } } }),
      ),
    ],
    [
      'roomOccupancy autoscaling, 3 matches per room',
      testScheduler('tennis', {
        ...autoscaled({
          type: 'roomOccupancy',
          parameters: { roomOccupancy: { readyTarget: 0.4, downThreshold: 0.9 } },
        }),
        matchAllocation: { maxMatches: 3 },
      }),
    ],
  ];

  it.each(schedulers)('agrees with planHealth on 200 random room sets (%s)', (_, scheduler) => {
    const next = random(14);
    for (let round = 0; round < 200; round++) {
      const rooms = randomRooms(next, 1 + Math.floor(next() * 60));
      const plan = planHealth(scheduler, rooms, TIMEOUTS, NOW);

      const size = sizeOf(scheduler, countsOf(rooms), candidatesOf(rooms), TIMEOUTS, NOW);

      expect(size).toEqual({ desired: plan.desired, available: plan.available });
    }
  });

  it('counts a candidate listed twice once', () => {
    const scheduler = testScheduler('tennis', { roomsReplicas: 3 });
    const rooms = [testRoom('a', { status: 'pending', createdAt: msAgo(600_000) }), testRoom('b')];
    const twice = [rooms[0]!, rooms[0]!];

    expect(sizeOf(scheduler, countsOf(rooms), twice, TIMEOUTS, NOW)).toEqual({
      desired: 3,
      available: 1,
    });
  });
});

describe('decodeSummaryLine', () => {
  it('reads every field, a version containing the separator included', () => {
    expect(decodeSummaryLine('r1', '3|1700000000123|1700000000000|2|1|ready|v1.0.0|odd')).toEqual({
      id: 'r1',
      status: 'occupied',
      lastPingAt: new Date(1_700_000_000_123),
      createdAt: new Date(1_700_000_000_000),
      runningMatches: 2,
      isValidationRoom: true,
      instanceStatus: 'ready',
      version: 'v1.0.0|odd',
    });
  });

  it('reads an unknown status code as pending and an unknown instance status as unknown', () => {
    expect(decodeSummaryLine('r1', '42|1|1|0|0|exploded|v1')).toMatchObject({
      status: 'pending',
      instanceStatus: 'unknown',
      isValidationRoom: false,
    });
  });

  it('refuses a line with fields missing', () => {
    expect(decodeSummaryLine('r1', '2|1|1|0|0')).toBeUndefined();
  });
});
