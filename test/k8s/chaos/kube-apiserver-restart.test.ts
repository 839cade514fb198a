/**
 * The Kubernetes API server restarted while `add_rooms` creates 100 pods. The cluster is this
 * file's own (etcd, kube-apiserver, controller-manager, scheduler and kwok nodes): other test
 * files use the run's shared one at the same time. The worker's client is throttled to 10
 * requests a second, so the restart lands in the middle of the creation.
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import {
  restartKubeComponent,
  startKubeCluster,
  stopKubeCluster,
  type KubeCluster,
} from '../../../scripts/local-infra/kube-cluster';
import { sharedInfra, uniqueSuffix } from '../../support/infra';
import { OperationsHarness } from '../../support/operations-harness';
import { eventually } from '../../support/runtime-contract';

const ROOMS = 100;

describe('kube-apiserver restarted during add_rooms', () => {
  const stateDir = path.join(sharedInfra().workDir, `chaos-kube-${uniqueSuffix()}`);
  let cluster: KubeCluster;
  let harness: OperationsHarness;

  beforeAll(async () => {
    cluster = await startKubeCluster(stateDir);
    harness = new OperationsHarness('kubernetes', cluster.kubeconfig);
    await harness.start({
      env: { MAESTRO_KUBERNETES_QPS: '10', MAESTRO_KUBERNETES_BURST: '10' },
      simulateRooms: false,
    });
  }, 300_000);

  afterAll(async () => {
    await harness?.stop();
    await stopKubeCluster(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  it('ends with exactly 100 pods and 100 rooms, and the operation finished once', async () => {
    const scheduler = `chaos-kube-${harness.suffix}`;
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(
      async () => expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
      60_000,
    );
    const operationId = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: ROOMS });

    await eventually(
      async () => expect((await harness.runtime.listRooms(scheduler)).length).toBeGreaterThan(5),
      60_000,
    );
    const podsBeforeRestart = (await harness.runtime.listRooms(scheduler)).length;
    const outage = countRefusals(Number(new URL(cluster.server).port));
    await restartKubeComponent(stateDir, 'kube-apiserver');
    const refusals = await outage.stop();
    const operation = await harness.waitForOperation(scheduler, operationId, 'finished', 240_000);

    // The restart landed mid-way, and the API server really refused connections for a while
    // (the runtime's own reads do not show it: its client retries through the outage).
    expect(podsBeforeRestart).toBeLessThan(ROOMS);
    expect(refusals).toBeGreaterThan(0);
    const pods = (await harness.runtime.listRooms(scheduler)).map((pod) => pod.id).sort();
    const rooms = (await harness.rooms.listRooms(scheduler)).map((room) => room.id).sort();
    expect(pods).toHaveLength(ROOMS);
    expect(rooms).toEqual(pods);
    expect(operation.executionHistory.map((entry) => entry.event)).toEqual(
      expect.arrayContaining([`added ${ROOMS} rooms`]),
    );
    const { pending, active, finished } = await harness.queue.list(scheduler);
    expect([...pending, ...active]).toEqual([]);
    expect(finished.filter((listed) => listed.id === operationId)).toHaveLength(1);
    expect(finished.filter((listed) => listed.definitionName === 'add_rooms')).toHaveLength(1);
  }, 420_000);
});

/** Connects to the port in a loop until stopped; resolves with how many attempts were refused. */
function countRefusals(port: number) {
  let isProbing = true;
  let refused = 0;
  const probe = () =>
    new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve()));
      socket.once('error', () => (refused++, resolve()));
    });
  const loop = (async () => {
    while (isProbing) {
      await probe();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      isProbing = false;
      await loop;
      return refused;
    },
  };
}
