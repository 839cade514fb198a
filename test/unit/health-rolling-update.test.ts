import type { GameRoom } from '../../src/domain/game-room/room';
import { byDeletionPriority, IN_USE_STATUSES } from '../../src/domain/health/deletion-priority';
import { planHealth, planTakesAction, type HealthPlan } from '../../src/domain/health/health-plan';
import type { Autoscaling, Scheduler } from '../../src/domain/scheduler/scheduler';
import { NOW, testRooms } from '../support/test-room';
import { testScheduler } from '../support/test-scheduler';

const TIMEOUTS = {
  pingTimeoutMs: 240_000,
  initializationTimeoutMs: 120_000,
  deletionTimeoutMs: 120_000,
};
const OLD = 'v1.0.0';
const ACTIVE = 'v2.0.0';

/** 10 rooms wanted, 30% surge, and `ACTIVE` a new major version. */
function scheduler(overrides: Partial<Scheduler> = {}): Scheduler {
  const base = testScheduler('tennis', { roomsReplicas: 10, maxSurge: '30%', ...overrides });
  return { ...base, spec: { ...base.spec, version: ACTIVE } };
}

const plan = (rooms: GameRoom[], s = scheduler()) => planHealth(s, rooms, TIMEOUTS, NOW);

const busyOld = () => testRooms('busy', 4, { status: 'occupied', runningMatches: 1, version: OLD });
const freeOld = (count = 6) => testRooms('free', count, { version: OLD });
const fresh = (count: number, status: GameRoom['status']) =>
  testRooms(`fresh-${status}`, count, { status, version: ACTIVE });
const ids = (rooms: GameRoom[]) => rooms.map((room) => room.id);

describe('planHealth during a rolling update', () => {
  it('surges maxSurge new rooms above the desired ones and removes nothing yet', () => {
    const result = plan([...busyOld(), ...freeOld()]);

    expect(result).toMatchObject({ isRollingUpdate: true, desired: 10, add: 3, replace: [] });
  });

  it.each(['pending', 'unready'] as const)(
    'replaces nothing while the new rooms are %s',
    (status) => {
      const result = plan([...busyOld(), ...freeOld(), ...fresh(3, status)]);

      expect(result).toMatchObject({ add: 0, replace: [], scaleDown: 0 });
    },
  );

  it('replaces as many free old rooms as new rooms became ready, never an occupied one', () => {
    const result = plan([...busyOld(), ...freeOld(), ...fresh(3, 'ready')]);

    expect(result.replace).toHaveLength(3);
    expect(ids(freeOld())).toEqual(expect.arrayContaining(result.replace));
  });

  // 4 occupied old rooms, `free` free old ones, new rooms by status; 10 desired, surge 3.
  it.each([
    { case: 'a whole step ready', free: 6, ready: 3, starting: 0, replace: 3, add: 3 },
    { case: 'part of a step ready', free: 6, ready: 1, starting: 2, replace: 1, add: 1 },
    { case: 'nothing ready yet', free: 6, ready: 0, starting: 3, replace: 0, add: 0 },
    { case: 'the last free old rooms', free: 2, ready: 6, starting: 0, replace: 2, add: 3 },
    { case: 'below the surge', free: 1, ready: 5, starting: 0, replace: 0, add: 3 },
    { case: 'rooms in use hold the surge', free: 0, ready: 9, starting: 0, replace: 0, add: 0 },
  ])(
    'starts the next step in the cycle that retires the previous one: $case',
    ({ free, ready, starting, replace, add }) => {
      const rooms = [
        ...busyOld(),
        ...freeOld(free),
        ...fresh(ready, 'ready'),
        ...fresh(starting, 'pending'),
      ];

      const result = plan(rooms);

      expect({ replace: result.replace.length, add: result.add }).toEqual({ replace, add });
      // Never more than desired + surge rooms on their way in or serving, once the retired go.
      expect(rooms.length - result.replace.length + result.add).toBeLessThanOrEqual(13);
      // Never fewer than desired serving rooms (ready or occupied) once the retired go.
      expect(4 + free + ready - result.replace.length).toBeGreaterThanOrEqual(10);
    },
  );

  it('replaces only the free old rooms when more rooms than that are in excess', () => {
    const result = plan([...busyOld(), ...freeOld(2), ...fresh(9, 'ready')]);

    expect(result.replace.sort()).toEqual(ids(freeOld(2)));
  });

  it('leaves old rooms in use alone once no free old room remains', () => {
    const result = plan([...busyOld(), ...fresh(9, 'ready')]);

    expect(result).toMatchObject({ isRollingUpdate: true, add: 0, replace: [], scaleDown: 0 });
    expect(planTakesAction(result)).toBe(false);
  });

  it('retires a surge of free old rooms, and starts as many new ones, when the autoscaling max leaves no room to surge', () => {
    const result = plan(freeOld(10), scheduler({ autoscaling: fixedBufferUpTo(10, 10) }));

    // Their replacements start in the same cycle, up to the max.
    expect(result).toMatchObject({ isRollingUpdate: true, desired: 10, add: 3 });
    expect(result.replace).toHaveLength(3);
  });

  it('retires nothing at the autoscaling max while new rooms are still starting', () => {
    const rooms = [...freeOld(7), ...fresh(3, 'pending')];

    const result = plan(rooms, scheduler({ autoscaling: fixedBufferUpTo(10, 10) }));

    expect(result).toMatchObject({ add: 0, replace: [] });
  });

  it.each([
    [12, 2],
    [-1, 3],
  ])('caps the surge at the autoscaling max %i: adds %i rooms', (max, add) => {
    // fixedBuffer: 4 occupied + 6 = 10 desired rooms
    const autoscaling: Autoscaling = {
      enabled: true,
      min: 1,
      max,
      cooldown: 0,
      policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 6 } } },
    };

    const result = plan([...busyOld(), ...freeOld()], scheduler({ autoscaling }));

    expect(result).toMatchObject({ desired: 10, add });
  });

  it('is no rolling update when the rooms run another minor version', () => {
    const rooms = testRooms('room', 10, { version: 'v2.3.0' });

    const result = plan(rooms);

    expect(result.isRollingUpdate).toBe(false);
    expect(planTakesAction(result)).toBe(false);
  });
});

/** Autoscaling that wants `amount` free rooms over the ones in use, at most `max` rooms. */
function fixedBufferUpTo(amount: number, max: number): Autoscaling {
  return {
    enabled: true,
    min: 1,
    max,
    cooldown: 0,
    policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount } } },
  };
}

/**
 * A toy scheduler that acts on each plan as the health controller does: rooms created by one step
 * are pending when the next plan looks, and ready after it; replaced, expired and scaled-down
 * rooms disappear.
 */
class ToyScheduler {
  removed: GameRoom[] = [];
  /** After each step: how many rooms there are, and how many serve (ready or occupied). */
  readonly sizes: number[] = [];
  readonly capacities: number[] = [];
  private created = 0;

  constructor(
    public rooms: GameRoom[],
    private readonly target = scheduler(),
  ) {}

  step(): HealthPlan {
    const result = plan(this.rooms, this.target);
    const scaledDown = byDeletionPriority(this.rooms, {
      activeVersion: ACTIVE,
      now: NOW,
      pingTimeoutMs: TIMEOUTS.pingTimeoutMs,
    }).slice(0, result.scaleDown);
    const gone = new Set([...result.expired, ...result.replace, ...ids(scaledDown)]);
    this.removed.push(...this.rooms.filter((room) => gone.has(room.id)));
    this.rooms = this.rooms
      .filter((room) => !gone.has(room.id))
      .map((room) => (room.status === 'pending' ? { ...room, status: 'ready' } : room));
    const added = testRooms(`new-${++this.created}`, result.add, {
      status: 'pending',
      version: ACTIVE,
    });
    this.rooms.push(...added);
    this.sizes.push(this.rooms.length);
    this.capacities.push(
      this.rooms.filter((room) => room.status === 'ready' || room.status === 'occupied').length,
    );
    return result;
  }

  /** Runs `steps` plans; returns the last one. */
  run(steps: number): HealthPlan {
    let last = this.step();
    for (let i = 1; i < steps; i++) last = this.step();
    return last;
  }

  removedInUse() {
    return this.removed.filter((room) => IN_USE_STATUSES.includes(room.status));
  }

  withVersion(version: string) {
    return this.rooms.filter((room) => room.version === version);
  }
}

describe('a rolling update, step by step', () => {
  it('replaces every free room, keeps rooms in use until they are free, then settles at 10', () => {
    const toy = new ToyScheduler([...busyOld(), ...freeOld()]);

    const settled = toy.run(20);

    expect(planTakesAction(settled)).toBe(false);
    expect(toy.rooms.filter((room) => room.status === 'pending')).toEqual([]);
    expect(toy.withVersion(OLD)).toEqual(busyOld());
    const others = toy.rooms.filter((room) => room.version !== OLD);
    expect(others.every((room) => room.version === ACTIVE && room.status === 'ready')).toBe(true);
    expect(others.length).toBeGreaterThanOrEqual(6); // the free old rooms' capacity, at least
    expect(Math.max(...toy.sizes)).toBeLessThanOrEqual(13); // never above desired + surge
    expect(Math.min(...toy.capacities)).toBeGreaterThanOrEqual(10); // never below desired
    expect(toy.removedInUse()).toEqual([]);

    // The matches end: the old rooms become free.
    toy.rooms = toy.rooms.map((room) =>
      room.status === 'occupied' ? { ...room, status: 'ready', runningMatches: 0 } : room,
    );
    const done = toy.run(20);

    expect(planTakesAction(done)).toBe(false);
    expect(done.isRollingUpdate).toBe(false);
    expect(toy.rooms).toHaveLength(10);
    expect(toy.withVersion(ACTIVE)).toHaveLength(10);
    expect(toy.rooms.every((room) => room.status === 'ready')).toBe(true);
    expect(toy.removedInUse()).toEqual([]);
  });

  it('converges at the autoscaling max without exceeding it or touching a room in use', () => {
    // 4 occupied + 6 = 10 desired = max: the surge has no room above the target.
    const toy = new ToyScheduler(
      [...busyOld(), ...freeOld()],
      scheduler({ autoscaling: fixedBufferUpTo(6, 10) }),
    );

    const settled = toy.run(20);

    expect(planTakesAction(settled)).toBe(false);
    expect(toy.withVersion(OLD)).toEqual(busyOld());
    expect(toy.withVersion(ACTIVE)).toHaveLength(6);
    expect(toy.withVersion(ACTIVE).every((room) => room.status === 'ready')).toBe(true);
    expect(Math.max(...toy.sizes)).toBeLessThanOrEqual(10);
    expect(Math.min(...toy.capacities)).toBeGreaterThanOrEqual(10 - 3); // one surge down, at most
    expect(toy.removedInUse()).toEqual([]);
  });

  it('spends one cycle per step once its rooms are ready: 100 rooms, 25 % surge, 20 in use', () => {
    const target = scheduler({ roomsReplicas: 100, maxSurge: '25%' });
    const busy = testRooms('busy', 20, { status: 'occupied', runningMatches: 1, version: OLD });
    const toy = new ToyScheduler([...busy, ...freeOld(80)], target);
    const hasFreeOld = () =>
      toy.rooms.some((room) => room.version === OLD && room.status === 'ready');

    let cycles = 0;
    while (hasFreeOld() && cycles < 50) {
      toy.step();
      cycles += 1;
    }

    // The first cycle starts 25 rooms; then each of the 4 steps (80 free old rooms, and 20 new ones
    // for the rooms in use) takes two: one sees its rooms starting, the next (they are ready)
    // retires as many old rooms and starts the next step. Retiring without starting would take 12.
    expect(cycles).toBe(9);
    expect(toy.withVersion(OLD)).toEqual(busy);
    expect(Math.max(...toy.sizes)).toBeLessThanOrEqual(125);
    expect(Math.min(...toy.capacities)).toBeGreaterThanOrEqual(100);
    expect(toy.removedInUse()).toEqual([]);
  });
});
