import type { GameRoom } from '../../src/domain/game-room/room';
import {
  desiredRooms,
  isExpired,
  isStuckTerminating,
  planHealth,
  planTakesAction,
  surgeOf,
  withGracePeriod,
  type HealthPlan,
} from '../../src/domain/health/health-plan';
import type { Autoscaling, Scheduler } from '../../src/domain/scheduler/scheduler';
import { msAgo, NOW, testRoom, testRooms } from '../support/test-room';
import { testScheduler } from '../support/test-scheduler';

const TIMEOUTS = {
  pingTimeoutMs: 240_000,
  initializationTimeoutMs: 120_000,
  deletionTimeoutMs: 120_000,
};
const DAY = 86_400_000;

const scheduler = (overrides: Partial<Scheduler> = {}): Scheduler =>
  testScheduler('tennis', { roomsReplicas: 10, ...overrides });

const fixedBuffer = (amount: number, extra: Partial<Autoscaling> = {}): Autoscaling => ({
  enabled: true,
  min: 1,
  max: 20,
  cooldown: 60,
  policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount } } },
  ...extra,
});

const roomOccupancy = (readyTarget: number, downThreshold: number): Autoscaling => ({
  ...fixedBuffer(1),
  policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget, downThreshold } } },
});

const plan = (s: Scheduler, rooms: GameRoom[]) => planHealth(s, rooms, TIMEOUTS, NOW);
const occupied = (prefix: string, count: number) =>
  testRooms(prefix, count, { status: 'occupied', runningMatches: 1 });

describe('isExpired', () => {
  const room = (status: GameRoom['status'], createdAgo: number, pingAgo: number) =>
    testRoom('room', { status, createdAt: msAgo(createdAgo), lastPingAt: msAgo(pingAgo) });

  it.each([
    ['terminated', 0, 0, true],
    ['error', 0, 0, true],
    ['terminating', DAY, 120_000, false],
    ['terminating', DAY, 120_001, true],
    ['pending', 120_000, 120_000, false],
    ['pending', 120_001, 120_001, true],
    ['unready', 120_000, 0, false],
    ['unready', 120_001, 0, true],
    ...['ready', 'occupied', 'active', 'allocated'].flatMap((status) => [
      [status, DAY, 240_000, false],
      [status, DAY, 240_001, true],
    ]),
  ] as [GameRoom['status'], number, number, boolean][])(
    'a room %s since %i ms, last ping %i ms ago, is expired: %s',
    (status, createdAgo, pingAgo, expected) => {
      expect(isExpired(room(status, createdAgo, pingAgo), TIMEOUTS, NOW)).toBe(expected);
    },
  );

  it('gives a starting room the initialization timeout even when pings are due sooner', () => {
    const timeouts = { ...TIMEOUTS, pingTimeoutMs: 30_000 };

    expect(isExpired(room('pending', 100_000, 100_000), timeouts, NOW)).toBe(false);
    expect(isExpired(room('ready', 100_000, 100_000), timeouts, NOW)).toBe(true);
  });
});

describe('isStuckTerminating', () => {
  const silentFor = (status: GameRoom['status'], pingAgo: number) =>
    testRoom('room', { status, createdAt: msAgo(DAY), lastPingAt: msAgo(pingAgo) });

  it('is a terminating room silent for longer than the deletion timeout, nothing else', () => {
    expect(isStuckTerminating(silentFor('terminating', 120_001), TIMEOUTS, NOW)).toBe(true);
    expect(isStuckTerminating(silentFor('terminating', 120_000), TIMEOUTS, NOW)).toBe(false);
    expect(isStuckTerminating(silentFor('error', DAY), TIMEOUTS, NOW)).toBe(false);
    expect(isStuckTerminating(silentFor('ready', DAY), TIMEOUTS, NOW)).toBe(false);
  });

  it("leaves a terminating room its scheduler's grace period when that is longer", () => {
    const base = testScheduler('tennis');
    const patient = { ...base, spec: { ...base.spec, terminationGracePeriodMs: 600_000 } };
    const timeouts = withGracePeriod(TIMEOUTS, patient);

    expect(isStuckTerminating(silentFor('terminating', 599_000), timeouts, NOW)).toBe(false);
    expect(isStuckTerminating(silentFor('terminating', 600_001), timeouts, NOW)).toBe(true);
    expect(plan(patient, [silentFor('terminating', 599_000)]).expired).toEqual([]);
    expect(plan(patient, [silentFor('terminating', 600_001)]).expired).toEqual(['room']);
    expect(withGracePeriod(TIMEOUTS, base)).toEqual(TIMEOUTS); // a short grace changes nothing
  });
});

describe('surgeOf', () => {
  it.each([
    ['25%', 10, 3],
    ['30%', 10, 3],
    ['100%', 7, 7],
    ['0%', 10, 1],
    ['10%', 0, 1],
    ['3', 10, 3],
    ['3', 0, 3],
  ])('maxSurge %s over %i desired rooms is %i rooms', (maxSurge, desired, expected) => {
    expect(surgeOf(maxSurge, desired)).toBe(expected);
  });
});

describe('desiredRooms', () => {
  it('is roomsReplicas without autoscaling, or with it disabled', () => {
    const rooms = occupied('busy', 8);

    expect(desiredRooms(scheduler({ roomsReplicas: 5 }), rooms, NOW).desired).toBe(5);
    const disabled = scheduler({
      roomsReplicas: 5,
      autoscaling: fixedBuffer(3, { enabled: false }),
    });
    expect(desiredRooms(disabled, rooms, NOW).desired).toBe(5);
  });

  it("sums the rooms' running matches and uses the scheduler's maxMatches", () => {
    // running 2 + 2 = 4 → ceil(4 / 0.5) = 8 matches → ceil(8 / 3) = 3 rooms
    const s = scheduler({
      autoscaling: roomOccupancy(0.5, 0.99),
      matchAllocation: { maxMatches: 3 },
    });
    const rooms = testRooms('active', 2, { status: 'active', runningMatches: 2 });

    expect(desiredRooms(s, rooms, NOW).desired).toBe(3);
  });
});

describe('planHealth', () => {
  it('ignores validation rooms, even broken ones', () => {
    const rooms = [
      ...testRooms('room', 2),
      testRoom('validation-ready', { isValidationRoom: true }),
      testRoom('validation-error', { isValidationRoom: true, status: 'error' }),
    ];

    const result = plan(scheduler({ roomsReplicas: 2 }), rooms);

    expect(result).toMatchObject({ expired: [], available: 2, add: 0, scaleDown: 0 });
    expect(planTakesAction(result)).toBe(false);
  });

  it('lists expired rooms and replaces them instead of counting them', () => {
    const rooms = [
      ...testRooms('fresh', 2),
      testRoom('stale', { createdAt: msAgo(DAY), lastPingAt: msAgo(240_001) }),
      testRoom('crashed', { status: 'error' }),
      testRoom('leaving', { status: 'terminating' }),
    ];

    const result = plan(scheduler({ roomsReplicas: 3 }), rooms);

    expect(result).toMatchObject({ expired: ['stale', 'crashed'], available: 2, add: 1 });
  });

  it('adds the missing rooms when fewer than desired are available', () => {
    const rooms = [...testRooms('ready', 2), testRoom('starting', { status: 'pending' })];

    const result = plan(scheduler({ roomsReplicas: 5 }), rooms);

    expect(result).toMatchObject({ available: 3, add: 2, scaleDown: 0, isRollingUpdate: false });
  });

  it('scales down to roomsReplicas at once when autoscaling is disabled', () => {
    const s = scheduler({
      roomsReplicas: 2,
      autoscaling: fixedBuffer(1, { enabled: false }),
      lastDownscaleAt: NOW.toISOString(),
    });

    const result = plan(s, testRooms('room', 5));

    expect(result).toMatchObject({ desired: 2, scaleDown: 3, isAutoscalerDownscale: false });
  });

  describe('with autoscaling', () => {
    const rooms = [...occupied('busy', 1), ...testRooms('free', 6)];

    it('adds the rooms the autoscaler wants', () => {
      const result = plan(scheduler({ autoscaling: fixedBuffer(8) }), rooms);

      expect(result).toMatchObject({ desired: 9, add: 2, scaleDown: 0 });
    });

    it('scales down as the autoscaler, once the cooldown has passed', () => {
      const s = scheduler({
        autoscaling: fixedBuffer(2),
        lastDownscaleAt: msAgo(60_000).toISOString(),
      });

      const result = plan(s, rooms);

      expect(result).toMatchObject({ desired: 3, scaleDown: 4, isAutoscalerDownscale: true });
    });

    it('does not scale down during the cooldown', () => {
      const s = scheduler({
        autoscaling: fixedBuffer(2),
        lastDownscaleAt: msAgo(30_000).toISOString(),
      });

      const result = plan(s, rooms);

      expect(result).toMatchObject({ desired: 3, available: 7, scaleDown: 0 });
      expect(planTakesAction(result)).toBe(false);
    });

    it('does not scale down while the policy refuses to', () => {
      // desired 8 of 10: ceil(8 · 0.5) = 4 of 6 free slots = 0.67
      const busyRooms = [...occupied('busy', 4), ...testRooms('free', 6)];

      const refused = plan(scheduler({ autoscaling: roomOccupancy(0.5, 0.5) }), busyRooms);
      const allowed = plan(scheduler({ autoscaling: roomOccupancy(0.5, 0.7) }), busyRooms);

      expect(refused).toMatchObject({ desired: 8, available: 10, scaleDown: 0 });
      expect(allowed).toMatchObject({ desired: 8, scaleDown: 2, isAutoscalerDownscale: true });
    });
  });
});

describe('planTakesAction', () => {
  const idle: HealthPlan = {
    expired: [],
    available: 3,
    desired: 3,
    isRollingUpdate: true,
    add: 0,
    replace: [],
    scaleDown: 0,
    isAutoscalerDownscale: false,
  };

  it('takes no action when nothing is to expire, add, replace or remove', () => {
    expect(planTakesAction(idle)).toBe(false);
  });

  it.each<[string, Partial<HealthPlan>]>([
    ['expired rooms', { expired: ['room-1'] }],
    ['rooms to add', { add: 1 }],
    ['rooms to replace', { replace: ['room-1'] }],
    ['rooms to scale down', { scaleDown: 1 }],
  ])('takes action when there are %s', (_, change) => {
    expect(planTakesAction({ ...idle, ...change })).toBe(true);
  });
});
