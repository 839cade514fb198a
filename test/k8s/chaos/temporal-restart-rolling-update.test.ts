/**
 * Temporal SIGKILLed in the middle of a major version's rolling update (the health controller
 * replacing 50 rooms after switch_active_version) and started again on its state: the Management
 * API answers 503 naming Temporal meanwhile, and once Temporal is back the update finishes once:
 * exactly 50 rooms, all of the new version, each version operation run once.
 */
import { timedCall, useTemporalChaosStack } from '../../support/chaos-outages';
import { eventually } from '../../support/runtime-contract';

const CALL_TIMEOUT_MS = 3_000;
/** A loaded test machine's slack on top of the deadline; a hang is 30 s (timedCall's limit). */
const SLACK_MS = 7_000;
const ROOMS = 50;

describe('a major version rolling update while Temporal is killed and restarted', () => {
  const { temporal, harness, api } = useTemporalChaosStack({
    callTimeoutMs: CALL_TIMEOUT_MS,
    healthControllerIntervalMs: 1_000,
  });

  const versionsOf = async (scheduler: string) =>
    (await harness.runtime.listRooms(scheduler)).map((room) => room.version);

  it('ends with exactly 50 rooms of the new version and each version operation run once when Temporal dies mid-way', async () => {
    const scheduler = `chaos-roll-${harness.suffix}`;
    await harness.commands.createScheduler(
      harness.schedulerInput(scheduler, { roomsReplicas: ROOMS }, { isSelfPinging: false }),
    );
    await eventually(async () => {
      const ready = await harness.rooms.listRoomIdsByStatus(scheduler, 'ready');
      expect(ready).toHaveLength(ROOMS);
    }, 180_000);
    const major = harness.schedulerInput(
      scheduler,
      { roomsReplicas: ROOMS },
      { isSelfPinging: false },
    );
    major.spec.containers[0]!.image = 'sample-game-room:v2';
    const versionOperationId = await harness.commands.newSchedulerVersion(scheduler, major);
    await eventually(async () => {
      const versions = await versionsOf(scheduler);
      expect(versions.filter((v) => v === 'v2.0.0').length).toBeGreaterThanOrEqual(5);
    }, 180_000);
    const versionsWhenKilled = await versionsOf(scheduler);
    await temporal.kill();

    const patch = await timedCall(`${api().url}/schedulers/${scheduler}`, 'PATCH', {
      maxSurge: '50%',
    });
    const operations = await timedCall(
      `${api().url}/schedulers/${scheduler}/operations?stage=active`,
      'GET',
    );
    await temporal.start();

    expect(versionsWhenKilled.filter((v) => v === 'v1.0.0').length).toBeGreaterThan(0);
    for (const answer of [patch, operations]) {
      expect(answer).toMatchObject({
        status: 503,
        body: { code: 14, message: expect.stringMatching(/^Temporal is unavailable: /) as unknown },
        retryAfter: '2',
      });
      expect(answer.elapsedMs).toBeLessThan(CALL_TIMEOUT_MS + SLACK_MS);
    }
    await eventually(async () => {
      const versions = await versionsOf(scheduler);
      expect(versions).toEqual(Array.from({ length: ROOMS }, () => 'v2.0.0'));
      expect(await harness.rooms.listRoomIdsByStatus(scheduler, 'ready')).toHaveLength(ROOMS);
      // The last old pod's record goes when the watcher sees the pod gone, after the list above.
      expect(await harness.rooms.listRoomIds(scheduler)).toHaveLength(ROOMS);
    }, 240_000);
    expect((await harness.schedulers.getScheduler(scheduler))?.spec.version).toBe('v2.0.0');
    const { pending, active, finished } = await harness.queue.list(scheduler);
    const versionOperations = [...pending, ...active, ...finished]
      .filter((op) =>
        ['create_new_scheduler_version', 'switch_active_version'].includes(op.definitionName),
      )
      .map((op) => [op.definitionName, op.status]);
    expect(versionOperations).toEqual([
      ['create_new_scheduler_version', 'finished'],
      ['switch_active_version', 'finished'],
    ]);
    expect(finished.find((op) => op.id === versionOperationId)?.status).toBe('finished');
    expect(harness.failures).toEqual([]);
  });
});
