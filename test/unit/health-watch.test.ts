import pino from 'pino';
import type { GameRoom } from '../../src/domain/game-room/room';
import { RoomStatus } from '../../src/domain/game-room/status';
import { planHealth, type HealthPlan } from '../../src/domain/health/health-plan';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import {
  HealthWatch,
  MAX_REPEAT_GAPS,
  NUDGE_BURST,
  nextHealthDeadline,
  REFILL_GAPS,
  NudgeDebouncer,
} from '../../src/app/health-watch';
import type { HealthWatchDeps } from '../../src/app/health-watch';
import type { WebhookOutcome } from '../../src/domain/autoscaling/webhook';
import type { StoredWebhookDecision } from '../../src/ports/autoscaler-state';
import type { AutoscalingWebhook } from '../../src/ports/autoscaling-webhook';
import { msAgo, NOW, testRoom, testRooms } from '../support/test-room';
import { testScheduler } from '../support/test-scheduler';

const TIMEOUTS = {
  pingTimeoutMs: 240_000,
  initializationTimeoutMs: 120_000,
  deletionTimeoutMs: 120_000,
};
const GAP = 15_000;
const T0 = NOW.getTime();

const quiet: HealthPlan = {
  expired: [],
  available: 2,
  desired: 2,
  isRollingUpdate: false,
  add: 0,
  replace: [],
  scaleDown: 0,
  isAutoscalerDownscale: false,
};
const adding = (add: number): HealthPlan => ({ ...quiet, available: 2 - add, add });
const expiring = (...expired: string[]): HealthPlan => ({ ...quiet, expired });

describe('NudgeDebouncer', () => {
  it('never nudges while the plan takes no action', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);

    expect([0, 1, 2].map((i) => debouncer.decide(quiet, T0 + i * GAP).isNudge)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('nudges a new action at once, and the same one again only after the gap, doubling', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);

    expect(debouncer.decide(adding(1), T0)).toEqual({ isNudge: true });
    expect(debouncer.decide(adding(1), T0 + 1_000)).toEqual({ isNudge: false, retryAt: T0 + GAP });
    expect(debouncer.decide(adding(1), T0 + GAP).isNudge).toBe(true);
    expect(debouncer.decide(adding(1), T0 + GAP + 1_000)).toEqual({
      isNudge: false,
      retryAt: T0 + 3 * GAP,
    });
    expect(debouncer.decide(adding(1), T0 + 3 * GAP).isNudge).toBe(true);
  });

  it('backs a repeated action off to at most MAX_REPEAT_GAPS gaps', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);
    let at = T0;
    const gaps: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      debouncer.decide(adding(1), at);
      const { retryAt } = debouncer.decide(adding(1), at + 1);
      gaps.push((retryAt! - at) / GAP);
      at = retryAt!;
    }

    expect(gaps).toEqual([1, 2, 4, 8, 8, 8, 8]);
    expect(MAX_REPEAT_GAPS).toBe(8);
  });

  it('nudges at once when another room dies, whatever was nudged just before', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);

    expect(debouncer.decide(expiring('a'), T0).isNudge).toBe(true);
    expect(debouncer.decide(expiring('a', 'b'), T0 + 500).isNudge).toBe(true);
  });

  it('forgets the action once the plan is quiet: the same action later nudges at once', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);

    expect(debouncer.decide(adding(1), T0).isNudge).toBe(true);
    expect(debouncer.decide(quiet, T0 + 1_000).isNudge).toBe(false);
    expect(debouncer.decide(adding(1), T0 + 2_000).isNudge).toBe(true);
  });

  it('bounds a flapping plan to a burst, then one nudge per REFILL_GAPS gaps', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);
    let nudges = 0;
    // The plan flips between acting and quiet every second for ten minutes.
    for (let second = 0; second < 600; second += 1) {
      const plan = second % 2 === 0 ? adding(1) : quiet;
      if (debouncer.decide(plan, T0 + second * 1_000).isNudge) nudges += 1;
    }

    expect(nudges).toBeLessThanOrEqual(NUDGE_BURST + 600_000 / (REFILL_GAPS * GAP));
    expect(nudges).toBeGreaterThanOrEqual(600_000 / (REFILL_GAPS * GAP));
  });

  it('keeps deaths and rolling-update steps out of the bucket: each nudges at once', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);
    // Distinct resizes use up the burst.
    for (let i = 1; i <= NUDGE_BURST; i += 1)
      expect(debouncer.decide(adding(i), T0 + i).isNudge).toBe(true);
    expect(debouncer.decide(adding(NUDGE_BURST + 1), T0 + 100).isNudge).toBe(false); // a resize waits its token

    const step = (n: number): HealthPlan => ({
      ...quiet,
      isRollingUpdate: true,
      replace: [`old-${n}`],
    });
    const steps = [1, 2, 3, 4, 5].map((n) => debouncer.decide(step(n), T0 + 200 + n).isNudge);
    expect(steps).toEqual([true, true, true, true, true]);
    expect(debouncer.decide(expiring('dead-1'), T0 + 300).isNudge).toBe(true);
  });

  it('after a failed delivery, lets the same action nudge again at once', () => {
    const debouncer = new NudgeDebouncer(GAP, T0);
    debouncer.decide(adding(1), T0);

    debouncer.forget();

    expect(debouncer.decide(adding(1), T0 + 100).isNudge).toBe(true);
  });
});

describe('nextHealthDeadline', () => {
  const scheduler = testScheduler('tennis', { roomsReplicas: 3 });

  it("is the earliest room's timeout: ping, initialization or deletion", () => {
    const rooms = [
      testRoom('ready', { lastPingAt: msAgo(200_000) }), // expires in 40 s
      testRoom('pending', { status: RoomStatus.PENDING, createdAt: msAgo(60_000) }), // 60 s
      testRoom('leaving', { status: RoomStatus.TERMINATING, lastPingAt: msAgo(30_000) }), // 90 s
    ];

    expect(nextHealthDeadline(scheduler, rooms, TIMEOUTS, T0)).toBe(T0 + 40_000);
    expect(nextHealthDeadline(scheduler, rooms.slice(1), TIMEOUTS, T0)).toBe(T0 + 60_000);
    expect(nextHealthDeadline(scheduler, rooms.slice(2), TIMEOUTS, T0)).toBe(T0 + 90_000);
  });

  it('leaves out rooms already expired, validation rooms, and says undefined with none due', () => {
    const rooms = [
      testRoom('gone', { status: RoomStatus.ERROR }),
      testRoom('silent', { lastPingAt: msAgo(300_000) }),
      testRoom('validation', { isValidationRoom: true, lastPingAt: msAgo(1_000) }),
    ];

    expect(nextHealthDeadline(scheduler, rooms, TIMEOUTS, T0)).toBeUndefined();
  });

  it('is reached exactly when the plan starts to act on the room', () => {
    const rooms = testRooms('r', 3, { lastPingAt: msAgo(100_000) });
    const deadline = nextHealthDeadline(scheduler, rooms, TIMEOUTS, T0)!;

    expect(planHealth(scheduler, rooms, TIMEOUTS, new Date(deadline)).expired).toEqual([]);
    expect(planHealth(scheduler, rooms, TIMEOUTS, new Date(deadline + 1)).expired).toHaveLength(3);
  });

  it("includes the end of the autoscaler's cooldown", () => {
    const autoscaled: Scheduler = {
      ...scheduler,
      autoscaling: {
        enabled: true,
        min: 1,
        max: 10,
        cooldown: 20,
        policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } },
      },
      lastDownscaleAt: new Date(T0 - 5_000).toISOString(),
    };

    expect(nextHealthDeadline(autoscaled, [], TIMEOUTS, T0)).toBe(T0 + 15_000);
  });
});

/** What a fake health watch is built from; anything not given is the plain case's. */
interface FakeWatchOptions {
  rooms: GameRoom[];
  /** The scheduler as the cache has it. */
  scheduler: Scheduler | undefined;
  /** The scheduler as PostgreSQL has it (the cache's, unless said). */
  stored?: Scheduler | undefined;
  clock?: { now: number };
  autoscaler?: HealthWatchDeps['autoscaler'];
  webhook?: AutoscalingWebhook;
  /** The room index's change counter (by default it moves when a room's state changes). */
  roomChanges?: () => Promise<number>;
}

/** A HealthWatch on in-memory fakes, recording its nudges and its reads of the room summaries. */
function fakeWatch(options: FakeWatchOptions) {
  const { rooms, scheduler, clock = { now: T0 } } = options;
  const stored = 'stored' in options ? options.stored : scheduler;
  const nudges: number[] = [];
  const reads = { summaries: 0 };
  // The index's counter moves when a room's status, version or matches change, as Redis's does.
  const changes = { count: 0, seen: '' };
  const roomChanges = () => {
    const state = JSON.stringify(rooms.map((r) => [r.id, r.status, r.version, r.runningMatches]));
    if (state !== changes.seen) [changes.count, changes.seen] = [changes.count + 1, state];
    return Promise.resolve(changes.count);
  };
  const watch = new HealthWatch(
    {
      schedulerCache: { get: () => Promise.resolve(scheduler) },
      schedulers: { getScheduler: () => Promise.resolve(stored) },
      rooms: {
        listRoomSummaries: () => {
          reads.summaries += 1;
          return Promise.resolve(
            rooms.map((room) => ({ ...room, instanceStatus: 'ready' as const })),
          );
        },
        roomChanges: options.roomChanges ?? roomChanges,
      },
      autoscaler: options.autoscaler ?? {
        snapshot: () => Promise.resolve({ waiters: 0 }),
        markActive: () => Promise.resolve(),
        recordWebhookDecision: () => Promise.resolve(),
        webhookHistory: () => Promise.resolve([]),
      },
      webhook: options.webhook ?? {
        call: () => Promise.reject(new Error('no webhook in these tests')),
      },
      webhookMetrics: { webhookCalled: () => undefined },
      nudger: {
        nudge: () => {
          nudges.push(clock.now);
          return Promise.resolve();
        },
      },
      timeouts: TIMEOUTS,
      log: pino({ level: 'silent' }),
      healthWatchIntervalMs: 5_000,
      healthNudgeMinGapMs: GAP,
      now: () => clock.now,
    },
    'tennis',
  );
  return { watch, nudges, clock, reads };
}

describe('HealthWatch', () => {
  const watchOf = (
    rooms: GameRoom[],
    scheduler: Scheduler | undefined,
    { clock = { now: T0 }, stored = scheduler } = {},
  ) => fakeWatch({ rooms, scheduler, stored, clock });

  it('does not nudge a healthy scheduler, and looks again at the next room timeout', async () => {
    const rooms = testRooms('r', 2, { lastPingAt: msAgo(238_000) });
    const { watch, nudges } = watchOf(rooms, testScheduler('tennis', { roomsReplicas: 2 }));

    const evaluation = await watch.evaluate();

    expect(nudges).toEqual([]);
    expect(evaluation).toEqual({ isSchedulerGone: false, nextAt: T0 + 2_001 });
  });

  it('nudges when a room died (one room fewer than wanted), once per gap', async () => {
    const rooms = testRooms('r', 1);
    const { watch, nudges, clock } = watchOf(rooms, testScheduler('tennis', { roomsReplicas: 2 }));

    await watch.evaluate();
    clock.now += 1_000;
    const again = await watch.evaluate();

    expect(nudges).toEqual([T0]);
    expect(again.nextAt).toBe(T0 + GAP);
  });

  it('reads only the change counter while rooms, scheduler and deadlines stay as they were', async () => {
    const rooms = testRooms('r', 2, { lastPingAt: msAgo(100_000) });
    const { watch, reads, clock } = watchOf(rooms, testScheduler('tennis', { roomsReplicas: 2 }));

    const first = await watch.evaluate();
    clock.now += 5_000;
    const second = await watch.evaluate();

    expect(reads.summaries).toBe(1);
    expect(second).toEqual(first);
  });

  it('plans again when a room changes, when poked, and when the next deadline is reached', async () => {
    const rooms = testRooms('r', 2, { lastPingAt: msAgo(100_000) });
    const { watch, reads, nudges, clock } = watchOf(
      rooms,
      testScheduler('tennis', { roomsReplicas: 2 }),
    );
    const { nextAt } = await watch.evaluate();

    await watch.evaluate(true);
    expect(reads.summaries).toBe(2);

    rooms.pop(); // a room vanished: the counter moves, the plan adds one
    await watch.evaluate();
    expect(reads.summaries).toBe(3);
    expect(nudges).toEqual([T0]);

    rooms.push(testRoom('r-again', { lastPingAt: msAgo(100_000) }));
    await watch.evaluate();
    clock.now = nextAt!;
    await watch.evaluate();
    expect(reads.summaries).toBe(5);
  });

  it('takes the stored scheduler when the cache does not know it (a stale cache entry)', async () => {
    const stored = testScheduler('tennis', { roomsReplicas: 2 });
    const { watch, nudges } = watchOf(testRooms('r', 1), undefined, { stored });

    await expect(watch.evaluate()).resolves.toMatchObject({ isSchedulerGone: false });
    expect(nudges).toEqual([T0]); // one room of two: the plan adds one
  });

  it('nudges a last time and ends when the scheduler is gone', async () => {
    const { watch, nudges } = watchOf([], undefined);

    const controller = new AbortController();

    await expect(watch.run(controller.signal)).resolves.toBe('scheduler_deleted');
    expect(nudges).toEqual([T0]);
  });
});

describe('HealthWatch with a webhook policy', () => {
  const INTERVAL = 10_000;

  /** The autoscaler's memory in memory, recording which decisions were stored as events. */
  function memoryState() {
    const stored: { decision: StoredWebhookDecision; isEvent: boolean }[] = [];
    const reads = { snapshots: 0 };
    const state: HealthWatchDeps['autoscaler'] = {
      snapshot: () => {
        reads.snapshots += 1;
        const latest = stored.at(-1)?.decision;
        return Promise.resolve({ waiters: 0, ...(latest && { webhook: latest }) });
      },
      markActive: () => Promise.resolve(),
      recordWebhookDecision: (_scheduler, decision, options) => {
        stored.push({ decision, isEvent: options?.isEvent ?? false });
        return Promise.resolve();
      },
      webhookHistory: () =>
        Promise.resolve(
          stored.map(({ decision: { at, desired, source } }) => ({ at, desired, source })),
        ),
    };
    return { state, stored, reads };
  }

  function webhookScheduler(fallback: unknown) {
    return testScheduler('tennis', {
      autoscaling: {
        enabled: true,
        min: 1,
        max: 6,
        cooldown: 0,
        policy: {
          type: 'webhook',
          parameters: {
            webhook: {
              url: 'https://autoscaler.example/',
              timeout: '2s',
              interval: '10s',
              fallback,
            },
          },
        },
      },
    } as Partial<Scheduler>);
  }

  function setUp(answers: WebhookOutcome[], fallback: unknown = { type: 'keep' }) {
    const { state, stored, reads } = memoryState();
    const calls: unknown[] = [];
    const webhook: AutoscalingWebhook = {
      call: (call) => {
        calls.push(call.body);
        return Promise.resolve(answers.shift() ?? { failure: 'no more answers' });
      },
    };
    const { watch, clock, nudges } = fakeWatch({
      rooms: testRooms('r', 2, { lastPingAt: msAgo(1_000) }),
      scheduler: webhookScheduler(fallback),
      stored: undefined,
      autoscaler: state,
      webhook,
      roomChanges: () => Promise.resolve(1),
    });
    return { watch, calls, stored, clock, nudges, reads };
  }

  const answer = (desired: number): WebhookOutcome => ({
    body: { apiVersion: 'autoscaling.maestro/v1', desired },
  });

  it('asks once per interval, and looks again when the next call is due', async () => {
    const { watch, calls, stored, clock } = setUp([answer(2), answer(2)]);

    const first = await watch.evaluate();
    clock.now += 5_000;
    await watch.evaluate(true); // a room change within the interval: no call
    clock.now = T0 + INTERVAL;
    await watch.evaluate();

    expect(first.nextAt).toBe(T0 + INTERVAL);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ desired: 2, min: 1, max: 6, rooms: { ready: 2 } });
    expect(calls[1]).toMatchObject({ history: [{ desired: 2, source: 'webhook' }] });
    expect(stored.map((s) => [s.decision.source, s.isEvent])).toEqual([
      ['webhook', true],
      ['webhook', false],
    ]);
  });

  it('reads the autoscaler state once when the webhook is not due, again after a call stored its answer', async () => {
    const { watch, clock, reads } = setUp([answer(2)]);

    await watch.evaluate(); // due: the call's decision is stored, then read for the plan
    const afterCall = reads.snapshots;
    clock.now += 5_000;
    await watch.evaluate(true); // not due: the read that says so is the plan's
    const notDue = reads.snapshots - afterCall;

    expect([afterCall, notDue]).toEqual([2, 1]);
  });

  it('nudges when the source or the problem changes, even with no room to change', async () => {
    const { watch, clock, nudges } = setUp([
      answer(2),
      answer(2),
      { failure: 'timeout after 2s' },
      { failure: 'timeout after 2s' },
      { failure: 'HTTP 503' },
    ]);

    for (let call = 0; call < 5; call += 1) {
      clock.now = T0 + call * INTERVAL;
      await watch.evaluate();
    }

    // keep: 2 rooms throughout; the first answer, the timeout and then the 503 are news.
    expect(nudges).toEqual([T0, T0 + 2 * INTERVAL, T0 + 4 * INTERVAL]);
  });

  it('plans with a new answer at once: a bigger desired nudges with no change of source', async () => {
    const { watch, clock, nudges } = setUp([answer(2), answer(5)]);

    await watch.evaluate();
    clock.now = T0 + INTERVAL;
    await watch.evaluate();

    expect(nudges).toEqual([T0, T0 + INTERVAL]); // the first answer's event, then the resize
  });
});
