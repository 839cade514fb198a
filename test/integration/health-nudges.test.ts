import type { GameRoom } from '../../src/domain/game-room/room';
import { loadConfig } from '../../src/config/load';
import { schedulerWorkflowId } from '../../workflows/messages';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/** Production defaults: a 15-minute safety interval, the health watch every 5 s, 1 h heartbeats. */
const DEFAULTS = loadConfig({});

/**
 * Health driven by events: with the production's long safety interval
 * (MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS, 15 min), the runtime watcher's health watch nudges the
 * scheduler as soon as its health plan would act, so rooms that die or stop pinging are replaced,
 * and a rolling update moves step by step, within seconds, not at the next interval. Rooms are
 * played by the simulator (pings through the real Rooms API) on the local runtime.
 */
describe('health nudges with the default safety interval', () => {
  const harness = new OperationsHarness('local');
  const name = (label: string) => `nudge-${label}-${harness.suffix}`;
  const rooms = (scheduler: string) => harness.rooms.listRooms(scheduler);
  const live = (all: GameRoom[]) => all.filter((room) => room.status !== 'terminating');
  const ready = (all: GameRoom[]) => all.filter((room) => room.status === 'ready');
  /** Well under the safety interval: what happens within it was not the periodic check. */
  const WITHIN_SECONDS = 90_000;

  beforeAll(() =>
    harness.start({
      healthControllerIntervalMs: DEFAULTS.operations.healthControllerIntervalMs,
      simulateRooms: true,
      env: {
        MAESTRO_HEALTH_WATCH_INTERVAL_MS: String(DEFAULTS.runtimeWatcher.healthWatchIntervalMs),
        MAESTRO_HEALTH_NUDGE_MIN_GAP_MS: String(DEFAULTS.runtimeWatcher.healthNudgeMinGapMs),
        MAESTRO_SUPERVISION_HEARTBEAT_TIMEOUT_MS: String(
          DEFAULTS.operations.supervisionHeartbeatTimeoutMs,
        ),
        MAESTRO_ROOM_PING_TIMEOUT_MS: '4000',
        MAESTRO_ROOM_VALIDATION_TIMEOUT_MS: '30000',
      },
    }),
  );
  afterAll(() => harness.stop());

  async function readyScheduler(label: string, overrides: Record<string, unknown>) {
    const scheduler = name(label);
    await harness.commands.createScheduler(
      harness.schedulerInput(scheduler, overrides, { isSelfPinging: false }),
    );
    const replicas = overrides['roomsReplicas'] as number;
    await eventually(
      async () => expect(ready(await rooms(scheduler))).toHaveLength(replicas),
      WITHIN_SECONDS,
    );
    return scheduler;
  }

  /** The health_controller operations the scheduler ran (each one started by a health check). */
  async function healthControllerRuns(scheduler: string): Promise<number> {
    const { pending, active, finished } = await harness.queue.list(scheduler);
    return [...pending, ...active, ...finished].filter(
      (operation) => operation.definitionName === 'health_controller',
    ).length;
  }

  /** Events in the scheduler workflow's history: a nudge or a check adds some. */
  const historyLength = async (scheduler: string) =>
    (await harness.client.workflow.getHandle(schedulerWorkflowId(scheduler)).describe())
      .historyLength;

  it('gets its rooms by nudges: a new scheduler fills up long before the safety interval', async () => {
    const scheduler = await readyScheduler('fill', { roomsReplicas: 2 });

    expect(await healthControllerRuns(scheduler)).toBeGreaterThan(0);
  });

  it('replaces a room that stops pinging and a room deleted behind its back within seconds', async () => {
    const scheduler = await readyScheduler('replace', { roomsReplicas: 2 });
    const [silent, deleted] = (await rooms(scheduler)).map((room) => room.id) as [string, string];
    const checksBefore = await healthControllerRuns(scheduler);

    harness.simulator!.silence(silent);
    await harness.runtime.deleteRoom({ scheduler, roomId: deleted, reason: 'test' });

    await eventually(
      async () => {
        const current = await rooms(scheduler);
        const ids = current.map((room) => room.id);
        expect(ids).not.toContain(silent);
        expect(ids).not.toContain(deleted);
        expect(ready(current)).toHaveLength(2);
      },
      WITHIN_SECONDS,
      300,
    );
    // Both were replaced by the health controller (not a resync or the runtime), within seconds.
    expect(await healthControllerRuns(scheduler)).toBeGreaterThan(checksBefore);
  });

  it('does not nudge a healthy scheduler', async () => {
    const scheduler = await readyScheduler('quiet', { roomsReplicas: 1 });
    // The nudges of its filling up are delivered (a debounced repeat included).
    await new Promise((resolve) =>
      setTimeout(resolve, DEFAULTS.runtimeWatcher.healthNudgeMinGapMs),
    );
    const settled = await historyLength(scheduler);

    // Three health-watch intervals over rooms that keep pinging.
    await new Promise((resolve) =>
      setTimeout(resolve, 3 * DEFAULTS.runtimeWatcher.healthWatchIntervalMs),
    );

    expect(await historyLength(scheduler)).toBe(settled);
    expect(ready(await rooms(scheduler))).toHaveLength(1);
  });

  it('moves a rolling update step by step as the new rooms become ready', async () => {
    const scheduler = await readyScheduler('rolling', { roomsReplicas: 4, maxSurge: '25%' });
    const input = harness.schedulerInput(
      scheduler,
      { roomsReplicas: 4, maxSurge: '25%' },
      { isSelfPinging: false },
    );
    input.spec.containers[0]!.environment.push({ name: 'NEW_SETTING', value: 'on' });

    await harness.commands.newSchedulerVersion(scheduler, input);

    // One new room at a time (25% of 4): four steps, each started by a nudge.
    await eventually(
      async () => {
        const current = live(await rooms(scheduler));
        expect(current.filter((room) => room.version !== 'v2.0.0')).toEqual([]);
        expect(ready(current)).toHaveLength(4);
        expect(current).toHaveLength(4);
      },
      3 * WITHIN_SECONDS,
      500,
    );
  });

  it("stops a deleted scheduler's supervisors though their heartbeat comes once per 48 minutes", async () => {
    const scheduler = await readyScheduler('deleted', { roomsReplicas: 1 });
    const supervised = async () =>
      (await harness.system!.registry.getSingleMetricAsString('maestro_supervised_schedulers'))
        .split('\n')
        .filter((line) => line.startsWith('maestro_supervised_schedulers{'))
        .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
    const before = await supervised();

    await harness.waitForOperation(
      scheduler,
      await harness.commands.deleteScheduler(scheduler),
      'finished',
      WITHIN_SECONDS,
    );

    // Both supervisors (runtime watcher, metrics reporter) found it gone and gave their slots back.
    await eventually(
      async () => expect(await supervised()).toEqual(before.map((count) => count - 1)),
      30_000,
    );
  });
});
