/**
 * Temporal SIGKILLed in the middle of an add_rooms of 50 and started again on its state: the
 * Management API answers 503 naming Temporal within its call deadline meanwhile (never hangs),
 * and once Temporal is back the operation finishes once, with exactly its 50 rooms.
 */
import { timedCall, useTemporalChaosStack, type TimedAnswer } from '../../support/chaos-outages';
import { eventually } from '../../support/runtime-contract';

/** MAESTRO_TEMPORAL_CALL_TIMEOUT_MS of the Management API under test. */
const CALL_TIMEOUT_MS = 3_000;
/** A loaded test machine's slack on top of the deadline; a hang is 30 s (timedCall's limit). */
const SLACK_MS = 7_000;

describe('an add_rooms of 50 while Temporal is killed and restarted', () => {
  const { temporal, harness, api } = useTemporalChaosStack({ callTimeoutMs: CALL_TIMEOUT_MS });

  it('finishes once with exactly 50 rooms, answering 503 naming Temporal meanwhile, when Temporal dies mid-way', async () => {
    const scheduler = `chaos-add-${harness.suffix}`;
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(
      async () => expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
      60_000,
    );
    const operationId = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 50 });
    await eventually(
      async () =>
        expect((await harness.runtime.listRooms(scheduler)).length).toBeGreaterThanOrEqual(5),
      60_000,
    );
    const later = `chaos-later-${harness.suffix}`;
    const roomsWhenKilled = (await harness.runtime.listRooms(scheduler)).length;
    await temporal.kill();

    const duringOutage = {
      operation: await timedCall(
        `${api().url}/schedulers/${scheduler}/operations/${operationId}`,
        'GET',
      ),
      operations: await timedCall(
        `${api().url}/schedulers/${scheduler}/operations?stage=final`,
        'GET',
      ),
      patch: await timedCall(`${api().url}/schedulers/${scheduler}`, 'PATCH', { maxSurge: '50%' }),
      create: await timedCall(`${api().url}/schedulers`, 'POST', httpScheduler(later)),
      scheduler: await timedCall(`${api().url}/schedulers/${scheduler}`, 'GET'),
    };
    await temporal.start();
    const operation = await harness.waitForOperation(scheduler, operationId, 'finished', 180_000);

    expect(roomsWhenKilled).toBeLessThan(50);
    for (const answer of [duringOutage.operation, duringOutage.operations, duringOutage.patch]) {
      expectTemporalUnavailable(answer);
    }
    expectTemporalUnavailable(duringOutage.create);
    expect(duringOutage.create.body.message).toContain(
      'repeating the request cannot queue it twice',
    );
    // PostgreSQL alone answers this one.
    expect(duringOutage.scheduler.status).toBe(200);
    expect(operation.executionHistory.filter((e) => e.event === 'added 50 rooms')).toHaveLength(1);
    await eventually(
      async () => expect(await harness.runtime.listRooms(scheduler)).toHaveLength(50),
      60_000,
    );
    expect(await harness.rooms.listRoomIds(scheduler)).toHaveLength(50);
    const { pending, active, finished } = await harness.queue.list(scheduler);
    const addRooms = [...pending, ...active, ...finished].filter(
      (op) => op.definitionName === 'add_rooms',
    );
    expect(addRooms.map((op) => [op.id, op.status])).toEqual([[operationId, 'finished']]);
    expect(harness.failures).toEqual([]);
  });

  it('creates the scheduler once when the create that Temporal refused is repeated', async () => {
    const name = `chaos-later-${harness.suffix}`;
    expect((await harness.schedulers.getScheduler(name))?.state).toBe('creating');

    // Another definition under the same name is not a repeat: refused as in Maestro.
    const other = await timedCall(`${api().url}/schedulers`, 'POST', {
      ...httpScheduler(name),
      game: 'squash',
    });
    // Two at once, as an impatient client might: neither queues a second create_scheduler.
    const repeats = await Promise.all([
      timedCall(`${api().url}/schedulers`, 'POST', httpScheduler(name)),
      timedCall(`${api().url}/schedulers`, 'POST', httpScheduler(name)),
    ]);
    await eventually(
      async () => expect((await harness.schedulers.getScheduler(name))?.state).toBe('in-sync'),
      60_000,
    );
    const once = await timedCall(`${api().url}/schedulers`, 'POST', httpScheduler(name));

    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(repeats.map((answer) => answer.status).sort());
    expect(other).toMatchObject({
      status: 409,
      body: { message: `scheduler ${name} already exists` },
    });
    // Created: a repeat now is the duplicate Maestro refuses.
    expect(once).toMatchObject({
      status: 409,
      body: { message: `scheduler ${name} already exists` },
    });
    await eventually(async () => {
      const { pending, active, finished } = await harness.queue.list(name);
      expect(
        [...pending, ...active, ...finished].map((op) => [op.definitionName, op.status]),
      ).toEqual([['create_scheduler', 'finished']]);
    });
  });

  /** The harness's scheduler as Maestro's HTTP API takes it. */
  function httpScheduler(name: string) {
    const { spec, ...definition } = harness.schedulerInput(name);
    const { terminationGracePeriodMs: _, ...rest } = spec;
    return { ...definition, spec: { ...rest, terminationGracePeriod: '5s' } };
  }
});

function expectTemporalUnavailable(answer: TimedAnswer) {
  expect(answer).toMatchObject({
    status: 503,
    body: { code: 14, message: expect.stringMatching(/^Temporal is unavailable: /) as unknown },
    retryAfter: '2',
  });
  expect(answer.elapsedMs).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
}
