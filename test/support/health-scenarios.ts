import type { GameRoom } from '../../src/domain/game-room/room';
import { schedulerWorkflowId } from '../../workflows/messages';
import { metricsReporterWorkflowId, runtimeWatcherWorkflowId } from '../../workflows/supervision';
import { OperationsHarness } from './operations-harness';
import { eventually } from './runtime-contract';

/** Fast health controller: checks every second, gives up on a silent room after 4 s. */
const HEALTH_ENV = {
  MAESTRO_ROOM_PING_TIMEOUT_MS: '4000',
  MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS: '60000',
  MAESTRO_ROOM_VALIDATION_TIMEOUT_MS: '30000',
  MAESTRO_RUNTIME_WATCHER_DISRUPTION_INTERVAL_MS: '1000',
};

export interface HealthScenarioOptions {
  /** The runtime's disruption budget of the scheduler (Kubernetes: the PDB's minAvailable). */
  readDisruptionBudget?: (scheduler: string) => Promise<number>;
}

const live = (rooms: GameRoom[]) => rooms.filter((room) => room.status !== 'terminating');
const withStatus = (rooms: GameRoom[], status: string) =>
  rooms.filter((room) => room.status === status);

/**
 * What keeps schedulers healthy, end to end on one runtime: autoscaling, rolling updates,
 * replacement of silent rooms and of rooms deleted behind maestro's back. The rooms are played by
 * `RoomSimulator` (pings through the real Rooms API), so both runtimes see the same rooms.
 */
export function describeHealthScenarios(
  runtimeKind: 'local' | 'kubernetes',
  options: HealthScenarioOptions = {},
) {
  describe(`keeping schedulers healthy (${runtimeKind} runtime)`, () => {
    const harness = new OperationsHarness(runtimeKind);
    const name = (label: string) => `hc-${label}-${harness.suffix}`;
    const rooms = (scheduler: string) => harness.rooms.listRooms(scheduler);

    beforeAll(() =>
      harness.start({ healthControllerIntervalMs: 1_000, simulateRooms: true, env: HEALTH_ENV }),
    );
    afterAll(() => harness.stop());

    async function createdScheduler(label: string, overrides: Record<string, unknown>) {
      const scheduler = name(label);
      await harness.commands.createScheduler(
        harness.schedulerInput(scheduler, overrides, { isSelfPinging: false }),
      );
      return scheduler;
    }

    it('scales with occupancy, readyTarget 0.5: (1,1) → (2,2) → (4,4), then stops at max', async () => {
      const simulator = harness.simulator!;
      simulator.occupyAfterMs = 2_000;
      const scheduler = await createdScheduler('autoscale', {
        autoscaling: {
          enabled: true,
          min: 1,
          max: 8,
          cooldown: 0,
          policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
        },
      });
      const seen = new Set<string>();
      let mostRooms = 0;
      try {
        await eventually(
          async () => {
            const current = await rooms(scheduler);
            const [ready, occupied] = [
              withStatus(current, 'ready'),
              withStatus(current, 'occupied'),
            ];
            seen.add(`${ready.length},${occupied.length}`);
            mostRooms = Math.max(mostRooms, live(current).length);
            expect(occupied).toHaveLength(8);
          },
          120_000,
          100,
        );
      } finally {
        simulator.occupyAfterMs = undefined;
      }
      expect([...seen]).toEqual(expect.arrayContaining(['1,1', '2,2', '4,4']));
      expect(mostRooms).toBe(8);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // a few more cycles
      expect(live(await rooms(scheduler))).toHaveLength(8);
    });

    it('rolls 10 rooms to a new major version with maxSurge 30% without deleting occupied ones', async () => {
      const simulator = harness.simulator!;
      const scheduler = await createdScheduler('rolling', { roomsReplicas: 10, maxSurge: '30%' });
      await eventually(
        async () => expect(withStatus(await rooms(scheduler), 'ready')).toHaveLength(10),
        60_000,
      );
      const occupied = (await rooms(scheduler)).slice(0, 4).map((room) => room.id);
      occupied.forEach((id) => simulator.occupy(id));
      await eventually(async () =>
        expect(
          withStatus(await rooms(scheduler), 'occupied')
            .map((r) => r.id)
            .sort(),
        ).toEqual([...occupied].sort()),
      );

      // The runtime watcher keeps the rooms in use through voluntary disruptions.
      const { readDisruptionBudget } = options;
      if (readDisruptionBudget) {
        await eventually(async () => expect(await readDisruptionBudget(scheduler)).toBe(4), 30_000);
      }

      const input = harness.schedulerInput(
        scheduler,
        { roomsReplicas: 10, maxSurge: '30%' },
        { isSelfPinging: false },
      );
      input.spec.containers[0]!.environment.push({ name: 'NEW_SETTING', value: 'on' });
      await harness.commands.newSchedulerVersion(scheduler, input);

      const lostOccupied = new Set<string>();
      await eventually(
        async () => {
          const current = await rooms(scheduler);
          for (const id of occupied) {
            if (current.find((room) => room.id === id)?.status !== 'occupied') lostOccupied.add(id);
          }
          const free = withStatus(current, 'ready');
          expect(free.length).toBeGreaterThanOrEqual(6);
          expect(free.filter((room) => room.version !== 'v2.0.0')).toEqual([]);
          expect(live(current).filter((room) => room.version !== 'v2.0.0')).toHaveLength(4);
        },
        180_000,
        200,
      );
      expect([...lostOccupied]).toEqual([]);

      // The games end: the old rooms are free now, and are replaced in turn.
      occupied.forEach((id) => simulator.free(id));
      await eventually(
        async () => {
          const current = live(await rooms(scheduler));
          expect(current.filter((room) => room.version !== 'v2.0.0')).toEqual([]);
          expect(withStatus(current, 'ready')).toHaveLength(10);
          expect(current).toHaveLength(10);
        },
        180_000,
        500,
      );
    });

    it('replaces a room that stops pinging and a room deleted behind its back', async () => {
      const simulator = harness.simulator!;
      const scheduler = await createdScheduler('replace', { roomsReplicas: 2 });
      await eventually(
        async () => expect(withStatus(await rooms(scheduler), 'ready')).toHaveLength(2),
        60_000,
      );
      const [silent, deleted] = (await rooms(scheduler)).map((room) => room.id) as [string, string];

      simulator.silence(silent);
      await harness.runtime.deleteRoom({ scheduler, roomId: deleted, reason: 'test' });

      await eventually(
        async () => {
          const current = await rooms(scheduler);
          const ids = current.map((room) => room.id);
          expect(ids).not.toContain(silent);
          expect(ids).not.toContain(deleted);
          expect(withStatus(current, 'ready')).toHaveLength(2);
        },
        90_000,
        300,
      );
      const instances = await harness.runtime.listRooms(scheduler);
      expect(instances.map((instance) => instance.id)).not.toContain(silent);
    });

    it('adopts a room the runtime runs without maestro knowing it, then scales back to the target', async () => {
      const scheduler = await createdScheduler('orphan', { roomsReplicas: 1 });
      await eventually(
        async () => expect(withStatus(await rooms(scheduler), 'ready')).toHaveLength(1),
        60_000,
      );
      const definition = (await harness.schedulers.getScheduler(scheduler))!;
      const orphan = `${scheduler}-zzzzz`;
      await harness.runtime.createRoom({
        scheduler: { name: scheduler, labels: {}, annotations: {} },
        roomId: orphan,
        spec: definition.spec,
        hostPorts: { game: definition.portRange!.end },
      });

      await eventually(
        async () => expect((await rooms(scheduler)).map((room) => room.id)).toContain(orphan),
        30_000,
      );
      await eventually(
        async () => {
          expect(live(await rooms(scheduler))).toHaveLength(1);
          const instances = await harness.runtime.listRooms(scheduler);
          expect(instances.filter((instance) => instance.status !== 'terminating')).toHaveLength(1);
        },
        60_000,
        300,
      );
    });

    it('enqueues nothing for a healthy scheduler, and publishes its gauges until it is deleted', async () => {
      const scheduler = await createdScheduler('idle', { roomsReplicas: 1 });
      await eventually(
        async () => expect(withStatus(await rooms(scheduler), 'ready')).toHaveLength(1),
        60_000,
      );
      const before = await harness.queue.list(scheduler);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const after = await harness.queue.list(scheduler);
      expect(after.finished.length + after.pending.length + after.active.length).toBe(
        before.finished.length + before.pending.length + before.active.length,
      );
      const series = `maestro_worker_gru_ready{game="tennis",scheduler="${scheduler}"} 1`;
      await eventually(async () => expect(await metricsText()).toContain(series));
      // Its supervisors hold a slot each of their processes.
      for (const module of ['runtime-watcher', 'metrics-reporter']) {
        expect(await metricsText()).toMatch(
          new RegExp(`maestro_supervised_schedulers\\{module="${module}"\\} [1-9]`),
        );
        expect(await metricsText()).toContain(`maestro_supervision_slots{module="${module}"} 1000`);
      }
      await eventually(async () =>
        expect(await metricsText()).toContain(
          `maestro_worker_desired_rooms{game="tennis",scheduler="${scheduler}"} 1`,
        ),
      );

      await harness.waitForOperation(
        scheduler,
        await harness.commands.deleteScheduler(scheduler),
        'finished',
        90_000,
      );
      // The reporter's gauges go (counters and latencies stay, as counters do: the Rooms API's,
      // e.g. a late ping's failure, and the operations', its delete_scheduler's included).
      await eventually(async () => {
        const gauges = (await metricsText())
          .split('\n')
          .filter(
            (line) =>
              line.startsWith('maestro_worker_') &&
              !line.startsWith('maestro_worker_operation_') &&
              line.includes(scheduler),
          );
        expect(gauges).toEqual([]);
      }, 30_000);
    });

    it('ends the scheduler workflow and its supervisors once the scheduler is no longer stored', async () => {
      const scheduler = await createdScheduler('vanished', { roomsReplicas: 0 });
      const handle = (workflowId: string) => harness.client.workflow.getHandle(workflowId);
      await eventually(async () => {
        const watcher = await handle(runtimeWatcherWorkflowId(scheduler)).describe();
        expect(watcher.status.name).toBe('RUNNING');
        const final = await harness.operations.list({ schedulerName: scheduler, stage: 'final' });
        expect(final.operations.map((operation) => operation.definitionName)).toContain(
          'create_scheduler',
        );
      });

      // What a rolled-back create_scheduler does: the row goes, the workflow stays idle.
      await harness.schedulers.deleteScheduler(scheduler);

      await eventually(async () => {
        const statuses = await Promise.all(
          [
            schedulerWorkflowId(scheduler),
            runtimeWatcherWorkflowId(scheduler),
            metricsReporterWorkflowId(scheduler),
          ].map(async (id) => (await handle(id).describe()).status.name),
        );
        expect(statuses[0]).toBe('COMPLETED');
        expect(statuses.slice(1).every((status) => status !== 'RUNNING')).toBe(true);
      }, 30_000);
    });

    const metricsText = () => harness.system!.registry.metrics();
  });
}
