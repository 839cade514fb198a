/**
 * The room status rules of Maestro v1 (reference §5), checked exhaustively. Expected values are
 * written out from the reference, not read back from the implementation's tables.
 */
import type { InstanceStatus } from '../../src/domain/game-room/instance';
import {
  calculateRoomStatus,
  effectiveRunningMatches,
  isValidTransition,
  parseReportedPingStatus,
  ROOM_STATUS_CODES,
  ROOM_STATUSES,
  roomStatusOfCode,
  type PingStatus,
  type RoomStatus,
  type StatusInputs,
} from '../../src/domain/game-room/status';

const INSTANCE_STATUSES: InstanceStatus[] = ['unknown', 'pending', 'ready', 'terminating', 'error'];
const PING_STATUSES: PingStatus[] = ['unknown', 'ready', 'occupied', 'terminating', 'terminated'];

// Reference §5, rows = ping status, columns = instance status in INSTANCE_STATUSES order.
const COMPOSITION: Record<PingStatus, RoomStatus[]> = {
  unknown: ['pending', 'pending', 'unready', 'terminating', 'error'],
  ready: ['pending', 'pending', 'ready', 'terminating', 'error'],
  occupied: ['pending', 'pending', 'occupied', 'terminating', 'error'],
  terminating: ['terminating', 'terminating', 'terminating', 'terminating', 'error'],
  terminated: ['terminated', 'terminated', 'terminated', 'terminated', 'error'],
};

const TRANSITIONS: Record<RoomStatus, RoomStatus[]> = {
  pending: ['ready', 'terminating', 'unready', 'error', 'occupied'],
  ready: ['occupied', 'allocated', 'terminating', 'unready', 'error', 'active'],
  unready: ['terminating', 'occupied', 'ready', 'error', 'pending', 'active'],
  active: ['ready', 'occupied', 'terminating', 'unready', 'error'],
  occupied: ['ready', 'terminating', 'unready', 'error', 'active'],
  allocated: ['active', 'occupied', 'ready', 'terminating', 'unready', 'error'],
  error: ['terminating', 'unready', 'ready'],
  terminating: ['error', 'unready', 'ready', 'terminated'],
  terminated: [],
};

const NOW = 1_700_000_000_000;
const TTL = 300_000;

const inputs = (overrides: Partial<StatusInputs>): StatusInputs => ({
  pingStatus: 'ready',
  instanceStatus: 'ready',
  current: 'pending',
  runningMatches: 0,
  maxMatches: 1,
  now: NOW,
  allocationTtlMs: TTL,
  ...overrides,
});

describe('room status codes', () => {
  it('stores every status under Maestro’s numeric code', () => {
    expect(ROOM_STATUS_CODES).toEqual({
      pending: 0,
      unready: 1,
      ready: 2,
      occupied: 3,
      terminating: 4,
      error: 5,
      terminated: 6,
      active: 7,
      allocated: 8,
    });
  });

  it('reads every code back to its status and no other code', () => {
    for (const status of ROOM_STATUSES)
      expect(roomStatusOfCode(ROOM_STATUS_CODES[status])).toBe(status);
    expect(roomStatusOfCode(9)).toBeUndefined();
    expect(roomStatusOfCode(-1)).toBeUndefined();
  });
});

describe('parseReportedPingStatus', () => {
  it.each(['ready', 'occupied', 'terminating', 'terminated'])('accepts %s', (status) => {
    expect(parseReportedPingStatus(status)).toBe(status);
  });

  it.each(['', 'unknown', 'READY', 'Ready', 'allocated', 'pending', ' ready'])(
    'refuses "%s" (only Maestro’s four exact values)',
    (status) => {
      expect(parseReportedPingStatus(status)).toBeUndefined();
    },
  );
});

describe('calculateRoomStatus composition', () => {
  const cases = PING_STATUSES.flatMap((ping) =>
    INSTANCE_STATUSES.map(
      (instance, column) => [ping, instance, COMPOSITION[ping][column]!] as const,
    ),
  );

  it.each(cases)(
    'ping %s × instance %s composes to %s for a single-match room',
    (ping, instance, expected) => {
      expect(calculateRoomStatus(inputs({ pingStatus: ping, instanceStatus: instance }))).toBe(
        expected,
      );
    },
  );
});

describe('calculateRoomStatus for multi-match rooms (maxMatches > 1)', () => {
  it.each([
    ['ready', 0, 'ready'],
    ['ready', 1, 'active'],
    ['ready', 2, 'active'],
    ['ready', 3, 'occupied'],
    ['ready', 4, 'occupied'],
    ['occupied', 0, 'ready'],
    ['occupied', 2, 'active'],
    ['occupied', 3, 'occupied'],
  ] as const)(
    'a ready instance pinging %s with %i of 3 matches is %s',
    (ping, running, expected) => {
      expect(
        calculateRoomStatus(inputs({ pingStatus: ping, runningMatches: running, maxMatches: 3 })),
      ).toBe(expected);
    },
  );

  it.each(['pending', 'unready', 'terminating', 'error', 'terminated'] as const)(
    'leaves a composed %s untouched whatever the matches',
    (composed) => {
      const ping: PingStatus =
        composed === 'terminating' || composed === 'terminated' ? composed : 'unknown';
      const instance: InstanceStatus =
        composed === 'pending' ? 'pending' : composed === 'error' ? 'error' : 'ready';
      expect(
        calculateRoomStatus(
          inputs({ pingStatus: ping, instanceStatus: instance, runningMatches: 2, maxMatches: 3 }),
        ),
      ).toBe(composed);
    },
  );

  it('ignores running matches when maxMatches is 1', () => {
    expect(calculateRoomStatus(inputs({ pingStatus: 'ready', runningMatches: 5 }))).toBe('ready');
    expect(calculateRoomStatus(inputs({ pingStatus: 'occupied', runningMatches: 0 }))).toBe(
      'occupied',
    );
  });
});

describe('calculateRoomStatus for allocated rooms', () => {
  it('keeps an allocated room allocated while it reports ready within the TTL', () => {
    const status = calculateRoomStatus(
      inputs({ current: 'allocated', allocatedAt: NOW - TTL, pingStatus: 'ready' }),
    );
    expect(status).toBe('allocated');
  });

  it('returns an allocated room to ready once the TTL has passed', () => {
    const status = calculateRoomStatus(
      inputs({ current: 'allocated', allocatedAt: NOW - TTL - 1, pingStatus: 'ready' }),
    );
    expect(status).toBe('ready');
  });

  it('returns an allocated room without an allocation time to ready', () => {
    expect(calculateRoomStatus(inputs({ current: 'allocated', pingStatus: 'ready' }))).toBe(
      'ready',
    );
  });

  it.each([
    ['occupied', 'ready', 'occupied'],
    ['terminating', 'ready', 'terminating'],
    ['ready', 'error', 'error'],
    ['ready', 'pending', 'pending'],
  ] as const)(
    'lets an allocated room pinging %s with a %s instance become %s',
    (ping, instance, expected) => {
      expect(
        calculateRoomStatus(
          inputs({
            current: 'allocated',
            allocatedAt: NOW,
            pingStatus: ping,
            instanceStatus: instance,
          }),
        ),
      ).toBe(expected);
    },
  );

  it('does not make a ready room allocated because of a stale allocation time', () => {
    expect(calculateRoomStatus(inputs({ current: 'ready', allocatedAt: NOW }))).toBe('ready');
  });

  it('keeps a multi-match allocated room allocated only while no match runs', () => {
    const allocated = inputs({ current: 'allocated', allocatedAt: NOW, maxMatches: 3 });
    expect(calculateRoomStatus({ ...allocated, runningMatches: 0 })).toBe('allocated');
    expect(calculateRoomStatus({ ...allocated, runningMatches: 1 })).toBe('active');
  });
});

describe('isValidTransition', () => {
  const pairs = ROOM_STATUSES.flatMap((from) => ROOM_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)(
    '%s → %s is allowed exactly when the reference lists it (or it is no change)',
    (from, to) => {
      expect(isValidTransition(from, to)).toBe(from === to || TRANSITIONS[from].includes(to));
    },
  );

  it('never lets a terminated room change', () => {
    for (const to of ROOM_STATUSES) {
      if (to !== 'terminated') expect(isValidTransition('terminated', to)).toBe(false);
    }
  });
});

describe('effectiveRunningMatches', () => {
  it('counts an occupied room reporting no match as running one', () => {
    expect(effectiveRunningMatches('occupied', 0)).toBe(1);
  });

  it('keeps what other reports say', () => {
    expect(effectiveRunningMatches('occupied', 3)).toBe(3);
    expect(effectiveRunningMatches('ready', 0)).toBe(0);
    expect(effectiveRunningMatches('terminating', 2)).toBe(2);
  });
});
