import {
  autoscale,
  clamp,
  isCooledDown,
  type Occupancy,
} from '../../src/domain/health/autoscaling';
import { ROOM_STATUSES, type RoomStatus } from '../../src/domain/game-room/status';
import type { Autoscaling, AutoscalingPolicy } from '../../src/domain/scheduler/scheduler';

/** A block with one of Maestro's policies (what `autoscale` computes). */
type LocalAutoscaling = Autoscaling & { policy: AutoscalingPolicy };

const NOW = new Date('2024-05-01T12:00:00.000Z');

function roomOccupancy(
  readyTarget: number,
  downThreshold: number,
  bounds = { min: 1, max: -1 },
): LocalAutoscaling {
  return {
    enabled: true,
    ...bounds,
    cooldown: 0,
    policy: {
      type: 'roomOccupancy',
      parameters: { roomOccupancy: { readyTarget, downThreshold } },
    },
  };
}

function fixedBuffer(amount: number, bounds = { min: 1, max: -1 }): LocalAutoscaling {
  return {
    enabled: true,
    ...bounds,
    cooldown: 0,
    policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount } } },
  };
}

/** Rooms per status (absent statuses: none), their running matches and the match capacity. */
function occupancy(
  rooms: Partial<Record<RoomStatus, number>>,
  runningMatches = 0,
  maxMatches = 1,
): Occupancy {
  const counts = Object.fromEntries(ROOM_STATUSES.map((s) => [s, rooms[s] ?? 0]));
  return { counts: counts as Record<RoomStatus, number>, runningMatches, maxMatches };
}

describe('autoscale with roomOccupancy', () => {
  it('keeps readyTarget of the rooms free when every room hosts one match', () => {
    // running 4 → ceil(4 / (1 − 0.5)) = 8
    const decision = autoscale(roomOccupancy(0.5, 0.99), occupancy({ occupied: 4, ready: 1 }, 4));

    expect(decision.desired).toBe(8);
  });

  it('counts allocated rooms as running a match before they report one', () => {
    // running 3 + 1 allocated = 4 → ceil(4 / 0.25) = 16
    const rooms = occupancy({ occupied: 3, allocated: 1 }, 3);

    expect(autoscale(roomOccupancy(0.75, 0.99), rooms).desired).toBe(16);
  });

  it('divides the matches to host by maxMatches when rooms host several', () => {
    // running 7 + 1 allocated = 8 → ceil(8 / 0.5) = 16 matches → ceil(16 / 3) = 6 rooms
    const rooms = occupancy({ occupied: 2, active: 1, allocated: 1, ready: 2 }, 7, 3);

    expect(autoscale(roomOccupancy(0.5, 0.99), rooms).desired).toBe(6);
  });

  it('clamps the desired rooms to [min, max], with max −1 unbounded', () => {
    const busy = occupancy({ occupied: 6 }, 6); // unclamped: 12
    const idle = occupancy({ ready: 5 }); // unclamped: 0

    expect(autoscale(roomOccupancy(0.5, 0.99, { min: 2, max: 10 }), busy).desired).toBe(10);
    expect(autoscale(roomOccupancy(0.5, 0.99, { min: 2, max: -1 }), busy).desired).toBe(12);
    expect(autoscale(roomOccupancy(0.5, 0.99, { min: 2, max: 10 }), idle).desired).toBe(2);
  });

  it('allows a downscale when the target uses at most downThreshold of the free slots', () => {
    // desired 4 → ceil(4 · 1 · 0.5) = 2 of 4 free slots = 0.5
    const rooms = occupancy({ occupied: 2, ready: 4 }, 2);

    expect(autoscale(roomOccupancy(0.5, 0.5), rooms).canDownscale).toBe(true);
    expect(autoscale(roomOccupancy(0.5, 0.49), rooms).canDownscale).toBe(false);
  });

  it('refuses a downscale when fewer free slots remain', () => {
    // the same target over 3 free slots = 0.67
    const rooms = occupancy({ occupied: 2, ready: 3 }, 2);

    expect(autoscale(roomOccupancy(0.5, 0.5), rooms).canDownscale).toBe(false);
  });

  it.each([
    ['every room is full', occupancy({ occupied: 3 }, 3)],
    ['there are no rooms', occupancy({})],
    ['rooms report more matches than they have slots', occupancy({ occupied: 2 }, 3)],
  ])('refuses a downscale when %s', (_, rooms) => {
    expect(autoscale(roomOccupancy(0.5, 0.99), rooms).canDownscale).toBe(false);
  });

  it('counts slots of every match when rooms host several', () => {
    // desired 6 (above) → ceil(6 · 3 · 0.5) = 9; free slots (2 + 1 + 1 + 2) · 3 − 7 = 11; 9/11 = 0.82
    const rooms = occupancy({ occupied: 2, active: 1, allocated: 1, ready: 2 }, 7, 3);

    expect(autoscale(roomOccupancy(0.5, 0.85), rooms).canDownscale).toBe(true);
    expect(autoscale(roomOccupancy(0.5, 0.8), rooms).canDownscale).toBe(false);
  });

  it('judges a downscale by the unclamped target, not by min', () => {
    // unclamped 4 → 2 of 8 free slots = 0.25 (the clamped 10 would be 5/8 = 0.63)
    const rooms = occupancy({ occupied: 2, ready: 8 }, 2);
    const decision = autoscale(roomOccupancy(0.5, 0.4, { min: 10, max: 20 }), rooms);

    expect(decision).toEqual({ desired: 10, canDownscale: true });
  });

  it('throws when the policy has no roomOccupancy parameters', () => {
    const broken: LocalAutoscaling = {
      ...fixedBuffer(1),
      policy: { type: 'roomOccupancy', parameters: {} },
    };

    expect(() => autoscale(broken, occupancy({ ready: 1 }))).toThrow(/roomOccupancy/);
  });
});

describe('autoscale with fixedBuffer', () => {
  it('keeps amount rooms on top of the occupied and allocated ones', () => {
    const rooms = occupancy({ occupied: 4, allocated: 2, ready: 5, pending: 1 });

    expect(autoscale(fixedBuffer(3), rooms).desired).toBe(9);
  });

  it('clamps the desired rooms to [min, max]', () => {
    const rooms = occupancy({ occupied: 4, allocated: 2 });

    expect(autoscale(fixedBuffer(3, { min: 1, max: 8 }), rooms).desired).toBe(8);
    expect(autoscale(fixedBuffer(3, { min: 12, max: 20 }), rooms).desired).toBe(12);
  });

  it('allows a downscale only while more rooms than desired are alive', () => {
    const above = occupancy({ occupied: 4, allocated: 2, ready: 4 }); // 10 > 9
    const exact = occupancy({ occupied: 4, allocated: 2, ready: 3 }); // 9

    expect(autoscale(fixedBuffer(3), above).canDownscale).toBe(true);
    expect(autoscale(fixedBuffer(3), exact).canDownscale).toBe(false);
  });

  it('does not count terminating or error rooms as alive', () => {
    const rooms = occupancy({ occupied: 4, allocated: 2, ready: 3, terminating: 2, error: 1 });

    expect(autoscale(fixedBuffer(3), rooms)).toEqual({ desired: 9, canDownscale: false });
  });

  it('throws when the policy has no fixedBuffer parameters', () => {
    const broken: LocalAutoscaling = {
      ...fixedBuffer(1),
      policy: { type: 'fixedBuffer', parameters: {} },
    };

    expect(() => autoscale(broken, occupancy({ ready: 1 }))).toThrow(/fixedBuffer/);
  });
});

describe('clamp', () => {
  it.each([
    [{ min: 2, max: 10 }, 1, 2],
    [{ min: 2, max: 10 }, 5, 5],
    [{ min: 2, max: 10 }, 11, 10],
    [{ min: 2, max: -1 }, 1000, 1000],
  ])('puts %j around %i at %i', (bounds, rooms, expected) => {
    expect(clamp(bounds, rooms)).toBe(expected);
  });
});

describe('isCooledDown', () => {
  const autoscaling = { ...fixedBuffer(1), cooldown: 60 };
  const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

  it('is cooled down when the scheduler never scaled down', () => {
    expect(isCooledDown(autoscaling, undefined, NOW)).toBe(true);
  });

  it('is not cooled down before cooldown seconds have passed since the last downscale', () => {
    expect(isCooledDown(autoscaling, secondsAgo(59), NOW)).toBe(false);
  });

  it('is cooled down once cooldown seconds have passed since the last downscale', () => {
    expect(isCooledDown(autoscaling, secondsAgo(60), NOW)).toBe(true);
    expect(isCooledDown(autoscaling, secondsAgo(61), NOW)).toBe(true);
  });

  it('is always cooled down with a zero cooldown', () => {
    expect(isCooledDown({ ...autoscaling, cooldown: 0 }, NOW.toISOString(), NOW)).toBe(true);
  });
});
