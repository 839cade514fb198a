import {
  decideAutoscaling,
  policyInForce,
  type AutoscalingSignals,
} from '../../src/domain/autoscaling/decide';
import type { AutoscalingPolicyBlock, InnerPolicy } from '../../src/domain/autoscaling/policies';
import { ROOM_STATUSES, type RoomStatus } from '../../src/domain/game-room/status';
import type { Occupancy } from '../../src/domain/health/autoscaling';
import type { Autoscaling } from '../../src/domain/scheduler/scheduler';

const buffer = (amount: number): InnerPolicy => ({
  type: 'fixedBuffer',
  parameters: { fixedBuffer: { amount } },
});
const webhookPolicy: InnerPolicy = {
  type: 'webhook',
  parameters: {
    webhook: {
      url: 'https://scaler.example/v1',
      timeout: '2s',
      interval: '15s',
      fallback: {
        type: 'policy',
        policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 3 } } },
      },
    },
  },
};
// Weekdays 18:00–23:00 in Berlin (UTC+1 in December), rooms started 30 minutes ahead.
const evenings = {
  start: '0 18 * * MON-FRI',
  duration: '5h',
  timeZone: 'Europe/Berlin',
  leadTime: '30m',
};
const schedule: AutoscalingPolicyBlock = {
  type: 'schedule',
  parameters: { schedule: { windows: [{ ...evenings, policy: buffer(20) }], default: buffer(2) } },
};
const chain: AutoscalingPolicyBlock = {
  type: 'chain',
  parameters: {
    chain: {
      entries: [{ window: evenings, policy: buffer(20) }, { policy: webhookPolicy }],
      default: buffer(1),
    },
  },
};

function autoscaling(policy: AutoscalingPolicyBlock, bounds = { min: 1, max: 30 }): Autoscaling {
  return { enabled: true, ...bounds, cooldown: 0, policy };
}

function occupancy(rooms: Partial<Record<RoomStatus, number>>): Occupancy {
  const counts = Object.fromEntries(ROOM_STATUSES.map((s) => [s, rooms[s] ?? 0]));
  return { counts: counts as Record<RoomStatus, number>, runningMatches: 0, maxMatches: 1 };
}

const at = (iso: string, extra: Partial<AutoscalingSignals> = {}): AutoscalingSignals => ({
  now: new Date(iso),
  current: 4,
  ...extra,
});

// 2024-12-20 is a Friday; 2024-12-21 a Saturday.
describe('decideAutoscaling with a schedule', () => {
  it.each([
    ['before the lead time: the default', '2024-12-20T16:29:00.000Z', 2 + 1],
    ['within the lead time: the window', '2024-12-20T16:30:00.000Z', 20 + 1],
    ['within the window', '2024-12-20T21:59:00.000Z', 20 + 1],
    ['after the window: the default', '2024-12-20T22:00:00.000Z', 2 + 1],
    ['on a Saturday evening: the default', '2024-12-21T17:30:00.000Z', 2 + 1],
  ])('%s', (_, now, desired) => {
    const decision = decideAutoscaling(autoscaling(schedule), occupancy({ occupied: 1 }), at(now));

    expect(decision.desired).toBe(desired);
    expect(decision.source).toBe('fixedBuffer');
  });

  it('says which window is in force', () => {
    const decision = decideAutoscaling(
      autoscaling(schedule),
      occupancy({}),
      at('2024-12-20T16:45:00.000Z'),
    );

    expect(decision.reason).toMatch(
      /^windows\[0\] active: window 0 18 \* \* MON-FRI Europe\/Berlin .*lead time 30m/,
    );
  });

  it('clamps the window policy to max', () => {
    const decision = decideAutoscaling(
      autoscaling(schedule, { min: 1, max: 10 }),
      occupancy({ occupied: 5 }),
      at('2024-12-20T18:00:00.000Z'),
    );

    expect(decision.desired).toBe(10);
  });
});

describe('decideAutoscaling with a chain and a webhook', () => {
  it('uses the webhook decision when the webhook entry is in force', () => {
    const webhook = {
      desired: 7,
      canDownscale: true,
      source: 'webhook' as const,
      note: 'webhook answered 7',
    };
    const decision = decideAutoscaling(
      autoscaling(chain),
      occupancy({ ready: 4 }),
      at('2024-12-21T10:00:00.000Z', { webhook }),
    );

    expect(decision).toMatchObject({ desired: 7, canDownscale: true, source: 'webhook' });
    expect(decision.reason).toBe('entries[1] has no window: always active; webhook answered 7');
  });

  it('clamps a stored webhook decision to the current bounds', () => {
    const webhook = {
      desired: 50,
      canDownscale: true,
      source: 'webhook' as const,
      note: 'webhook answered 50',
    };
    const decision = decideAutoscaling(
      autoscaling(chain),
      occupancy({}),
      at('2024-12-21T10:00:00.000Z', { webhook }),
    );

    expect(decision.desired).toBe(30);
  });

  it('applies the declared fallback while the webhook has not answered', () => {
    const decision = decideAutoscaling(
      autoscaling(chain),
      occupancy({ occupied: 2 }),
      at('2024-12-21T10:00:00.000Z'),
    );

    expect(decision).toMatchObject({ desired: 2 + 3, source: 'fallback:fixedBuffer' });
    expect(decision.reason).toMatch(
      /webhook unusable: not asked yet; fallback fixedBuffer wants 5 rooms/,
    );
  });

  it('keeps the current rooms with a keep fallback, never scaling down', () => {
    const keep: InnerPolicy = {
      type: 'webhook',
      parameters: { webhook: { ...webhookPolicy.parameters.webhook!, fallback: { type: 'keep' } } },
    };
    const decision = decideAutoscaling(
      autoscaling({ type: keep.type, parameters: keep.parameters }),
      occupancy({ ready: 4 }),
      at('2024-12-21T10:00:00.000Z', { current: 4 }),
    );

    expect(decision).toMatchObject({ desired: 4, canDownscale: false, source: 'fallback:keep' });
  });
});

describe('decideAutoscaling with min 0 (scale to zero)', () => {
  const zero = {
    ...autoscaling(
      { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 2 } } },
      { min: 0, max: 10 },
    ),
    scaleToZero: { idleAfter: '10m', allocateWait: '30s' },
  };
  const now = '2024-12-21T10:00:00.000Z';

  it.each([
    ['rooms in use: the policy', { occupied: 1 }, undefined, 3],
    ['active 9 minutes ago: the policy', { ready: 2 }, '2024-12-21T09:51:00.000Z', 2],
    ['idle for 10 minutes: zero', { ready: 2 }, '2024-12-21T09:50:00.000Z', 0],
    ['never active: zero', { ready: 2 }, undefined, 0],
  ])('%s', (_, rooms, lastActiveAt, desired) => {
    const decision = decideAutoscaling(
      zero,
      occupancy(rooms),
      at(now, lastActiveAt ? { lastActiveAt } : {}),
    );

    expect(decision.desired).toBe(desired);
  });

  it('keeps at least one room until idle, even when the policy wants none', () => {
    const occupancyPolicy = {
      ...zero,
      policy: {
        type: 'roomOccupancy' as const,
        parameters: { roomOccupancy: { readyTarget: 0.5, downThreshold: 0.9 } },
      },
    };
    const decision = decideAutoscaling(
      occupancyPolicy,
      occupancy({ ready: 1 }),
      at(now, { lastActiveAt: '2024-12-21T09:55:00.000Z' }),
    );

    expect(decision.desired).toBe(1);
    expect(decision.reason).toBe('not idle for 10m yet: keeping 1 room');
  });

  it('says why it drains', () => {
    const decision = decideAutoscaling(
      zero,
      occupancy({ ready: 2 }),
      at(now, { lastActiveAt: '2024-12-21T09:00:00.000Z' }),
    );

    expect(decision).toEqual({
      desired: 0,
      canDownscale: true,
      source: 'scale-to-zero',
      reason: 'idle since 2024-12-21T09:00:00.000Z (idleAfter 10m): scaling to zero',
    });
  });

  it('wakes for waiting allocations: one free room each, no downscale', () => {
    const decision = decideAutoscaling(zero, occupancy({}), at(now, { waiters: 3 }));

    expect(decision).toMatchObject({ desired: 3, canDownscale: false });
    expect(decision.reason).toContain('3 allocation(s) waiting for a room');
  });

  it('never wakes past max', () => {
    const decision = decideAutoscaling(zero, occupancy({ occupied: 9 }), at(now, { waiters: 5 }));

    expect(decision.desired).toBe(10);
  });
});

describe('policyInForce', () => {
  it('changes its key exactly when another window or entry takes over', () => {
    const keys = [
      '2024-12-20T16:00:00.000Z',
      '2024-12-20T16:10:00.000Z',
      '2024-12-20T16:40:00.000Z',
    ].map((now) => policyInForce(schedule, new Date(now)).key);

    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[1]);
  });

  it('is the policy itself for a plain policy', () => {
    const block: AutoscalingPolicyBlock = {
      type: 'fixedBuffer',
      parameters: { fixedBuffer: { amount: 1 } },
    };

    expect(policyInForce(block, new Date())).toEqual({
      policy: block,
      reason: '',
      key: 'fixedBuffer',
    });
  });
});
