import { freePort } from '../../scripts/local-infra/paths';
import { gaugeOf, MaestroFleet, type FleetProcess } from '../support/maestro-fleet';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

const SCHEDULERS = 20;
const SUPERVISED = 'maestro_supervised_schedulers';
const watchers = `${SUPERVISED}{module="runtime-watcher"}`;
const reporters = `${SUPERVISED}{module="metrics-reporter"}`;

/**
 * Scale-out on one Temporal, PostgreSQL and Redis: two worker processes, two processes running the
 * runtime watcher and the metrics reporter, and two Rooms API processes share the work of 20
 * schedulers, and the survivors carry on when one of each kind is SIGKILLed. Supervisors keep the
 * production heartbeat timeout (5 minutes): only the per-process liveness lease can re-home them
 * sooner.
 */
describe('scale-out: two processes of each module', () => {
  const harness = new OperationsHarness();
  let fleet: MaestroFleet;
  let workers: FleetProcess[];
  let supervisors: FleetProcess[];
  let roomsApis: { process: FleetProcess; address: string }[];
  const names = Array.from({ length: SCHEDULERS }, (_, i) => `scale-${i}-${harness.suffix}`);

  beforeAll(async () => {
    await harness.start({
      without: ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
      env: {
        MAESTRO_SUPERVISION_HEARTBEAT_TIMEOUT_MS: '300000',
        MAESTRO_LOCAL_RUNTIME_POLL_INTERVAL_MS: '500',
      },
    });
    fleet = new MaestroFleet(harness.maestroEnvironment());
    workers = await Promise.all([fleet.start(['worker']), fleet.start(['worker'])]);
    supervisors = await Promise.all([
      fleet.start(['runtime-watcher', 'metrics-reporter']),
      fleet.start(['runtime-watcher', 'metrics-reporter']),
    ]);
    roomsApis = await Promise.all(
      [0, 1].map(async () => {
        const port = await freePort();
        const process = await fleet.start(['rooms-api'], {
          MAESTRO_ROOMS_API_PORT: String(port),
        });
        return { process, address: `http://127.0.0.1:${port}` };
      }),
    );
  }, 180_000);
  afterAll(async () => {
    await fleet?.stop();
    await harness.stop();
  }, 120_000);

  const createSchedulers = async () => {
    for (const name of names) {
      const input = harness.schedulerInput(name);
      input.spec.containers[0]!.command = ['sleep', '600']; // counted, not played
      await harness.commands.createScheduler(input);
    }
    await eventually(
      async () => {
        const states = await Promise.all(names.map((n) => harness.schedulers.getScheduler(n)));
        expect(states.map((s) => s?.state)).toEqual(names.map(() => 'in-sync'));
      },
      120_000,
      500,
    );
  };
  const addRoomsEverywhere = (amount: number) =>
    Promise.all(names.map((name) => harness.queue.enqueue(name, 'add_rooms', { amount })));
  const waitFinished = (ids: string[], timeoutMs: number) =>
    Promise.all(
      names.map((name, i) => harness.waitForOperation(name, ids[i]!, 'finished', timeoutMs)),
    );
  const activityIdentities = async (operationIds: string[]) => {
    const identities = new Set<string>();
    for (const id of operationIds) {
      const history = await harness.client.workflow.getHandle(id).fetchHistory();
      for (const event of history.events ?? []) {
        const identity = event.activityTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    return identities;
  };

  it('spreads the operations of 20 schedulers over both workers', async () => {
    await createSchedulers();
    const operationIds = await addRoomsEverywhere(2);
    await waitFinished(operationIds, 120_000);

    const identities = await activityIdentities(operationIds);
    expect([...identities].sort()).toEqual(workers.map((w) => w.identity).sort());
  }, 300_000);

  it('finishes every operation on the surviving worker when the other is SIGKILLed mid-way', async () => {
    const operationIds = await addRoomsEverywhere(4);
    await eventually(
      async () => {
        const statuses = await Promise.all(
          names.map((name, i) => harness.queue.get(name, operationIds[i]!)),
        );
        expect(statuses.some((op) => op?.status === 'in_progress')).toBe(true);
      },
      60_000,
      50,
    );
    await fleet.kill(workers[0]!);

    await waitFinished(operationIds, 180_000);

    for (const name of names) {
      const rooms = await harness.runtime.listRooms(name);
      expect(new Set(rooms.map((room) => room.id)).size).toBe(6);
      expect(rooms).toHaveLength(6);
    }
  }, 300_000);

  it('re-homes the supervisors of a SIGKILLed process on its peer, long before their heartbeat timeout', async () => {
    const counts = async (member: FleetProcess) => ({
      watchers: await gaugeOf(member, 'runtime-watcher', watchers),
      reporters: await gaugeOf(member, 'metrics-reporter', reporters),
    });
    await eventually(
      async () => {
        const [a, b] = await Promise.all(supervisors.map(counts));
        expect(a!.watchers + b!.watchers).toBe(SCHEDULERS);
        expect(a!.reporters + b!.reporters).toBe(SCHEDULERS);
      },
      60_000,
      500,
    );
    const before = await Promise.all(supervisors.map(counts));
    const victimIndex = before[0]!.watchers >= before[1]!.watchers ? 0 : 1;
    const [victim, survivor] = [supervisors[victimIndex]!, supervisors[1 - victimIndex]!];
    expect(before[victimIndex]!.watchers).toBeGreaterThan(0);

    const killedAt = Date.now();
    await fleet.kill(victim);
    await eventually(
      async () =>
        expect(await counts(survivor)).toEqual({ watchers: SCHEDULERS, reporters: SCHEDULERS }),
      60_000,
      250,
    );
    const rehomedAfterMs = Date.now() - killedAt;

    // The re-homed watchers work: a room deleted in the runtime leaves room storage.
    const [room] = await harness.runtime.listRooms(names[0]!);
    await harness.runtime.deleteRoom({ scheduler: names[0]!, roomId: room!.id, reason: 'test' });
    await eventually(
      async () => {
        const ids = (await harness.rooms.listRooms(names[0]!)).map((r) => r.id);
        expect(ids).not.toContain(room!.id);
      },
      30_000,
      250,
    );
    expect(rehomedAfterMs).toBeLessThan(60_000); // the heartbeat timeout is 300 s
  }, 180_000);

  it('serves pings and allocations from both Rooms API processes on one room state, and from one when the other dies', async () => {
    const scheduler = names[1]!;
    const rooms = await harness.rooms.listRooms(scheduler);
    const ping = (address: string, roomId: string) =>
      fetch(`${address}/scheduler/${scheduler}/rooms/${roomId}/ping`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'ready', timestamp: Math.floor(Date.now() / 1000) }),
      }).then((r) => r.status);
    const allocate = (address: string) =>
      fetch(`${address}/scheduler/${scheduler}/rooms/allocate`, { method: 'POST' }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { roomId?: string } }),
      );
    const statuses = await Promise.all(
      rooms.map((room, i) => ping(roomsApis[i % 2]!.address, room.id)),
    );
    expect(statuses).toEqual(rooms.map(() => 200));
    await eventually(
      async () => {
        const ready = (await harness.rooms.listRooms(scheduler)).filter(
          (r) => r.status === 'ready',
        );
        expect(ready).toHaveLength(rooms.length);
      },
      30_000,
      250,
    );

    const allocations = await Promise.all(rooms.map((_, i) => allocate(roomsApis[i % 2]!.address)));
    expect(allocations.map((a) => a.status)).toEqual(rooms.map(() => 200));
    expect(new Set(allocations.map((a) => a.body.roomId)).size).toBe(rooms.length);

    await fleet.kill(roomsApis[0]!.process);
    expect(await ping(roomsApis[1]!.address, rooms[0]!.id)).toBe(200);
    expect((await allocate(roomsApis[1]!.address)).status).toBe(429); // every room is taken
  }, 120_000);
});
