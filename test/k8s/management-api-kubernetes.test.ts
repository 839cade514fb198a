/**
 * The Management API over HTTP with rooms on Kubernetes (kwok pods, played by the harness's
 * RoomSimulator): what a Maestro client sees of a scheduler's whole life.
 */
import { OperationsHarness } from '../support/operations-harness';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { eventually } from '../support/runtime-contract';

interface SchedulerInfo {
  name: string;
  roomsReady: number;
  roomsPending: number;
  roomsOccupied: number;
  roomsTerminating: number;
}

describe('Management API over HTTP on Kubernetes', () => {
  const harness = new OperationsHarness('kubernetes');
  let api: RunningManagementApi;
  const scheduler = `k8s-api-${harness.suffix}`;
  const http = (method: string, route: string, body?: unknown) => call(api, method, route, body);
  const info = async () => {
    const { body } = await http('GET', `/schedulers/info?game=tennis`);
    return (body as { schedulers: SchedulerInfo[] }).schedulers.find((s) => s.name === scheduler);
  };

  beforeAll(async () => {
    await harness.start({ healthControllerIntervalMs: 1_000 });
    api = await startManagementApi(harness);
  });
  afterAll(async () => {
    await api.close();
    await harness.stop();
  });

  it('creates a scheduler whose pods become ready rooms, rolls a major version, and deletes it all', async () => {
    // As a Maestro client writes it: the grace period is a protobuf Duration.
    const { spec, ...rest } = harness.schedulerInput(
      scheduler,
      { roomsReplicas: 3 },
      { isSelfPinging: false },
    );
    const { terminationGracePeriodMs, ...specRest } = spec;
    const body = {
      ...rest,
      spec: { ...specRest, terminationGracePeriod: `${terminationGracePeriodMs / 1000}s` },
    };
    expect((await http('POST', '/schedulers', body)).status).toBe(200);
    await eventually(
      async () => expect(await info()).toMatchObject({ roomsReady: 3, roomsPending: 0 }),
      60_000,
    );
    expect(await harness.runtime.listRooms(scheduler)).toHaveLength(3);

    body.spec.containers[0]!.environment.push({ name: 'NEW_SETTING', value: 'on' });
    const update = await http('POST', `/schedulers/${scheduler}`, body);
    expect(update.status).toBe(200);
    await eventually(async () => {
      const { body: current } = await http('GET', `/schedulers/${scheduler}`);
      expect(current).toMatchObject({ scheduler: { spec: { version: 'v2.0.0' } } });
    }, 60_000);
    await eventually(
      async () => {
        const pods = await harness.runtime.listRooms(scheduler);
        expect(
          pods.filter((pod) => pod.status !== 'terminating').map((pod) => pod.version),
        ).toEqual(['v2.0.0', 'v2.0.0', 'v2.0.0']);
        expect(await info()).toMatchObject({ roomsReady: 3 });
      },
      120_000,
      500,
    );

    const { body: final } = await http(
      'GET',
      `/schedulers/${scheduler}/operations?stage=final&perPage=100`,
    );
    const names = (final as { operations: Array<{ definitionName: string }> }).operations.map(
      (operation) => operation.definitionName,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'create_scheduler',
        'create_new_scheduler_version',
        'switch_active_version',
        'add_rooms',
        'remove_rooms',
        'health_controller',
      ]),
    );

    expect((await http('DELETE', `/schedulers/${scheduler}`)).status).toBe(200);
    await eventually(
      async () => expect((await http('GET', `/schedulers/${scheduler}`)).status).toBe(404),
      120_000,
    );
    await eventually(
      async () => expect(await harness.runtime.listRooms(scheduler)).toEqual([]),
      60_000,
    );
    expect(await harness.rooms.listRoomIds(scheduler)).toEqual([]);
  });
});
