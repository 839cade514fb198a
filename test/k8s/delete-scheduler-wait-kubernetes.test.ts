/**
 * delete_scheduler's wait for the rooms is bounded (MAESTRO_SCHEDULER_DELETION_TIMEOUT_MS, short
 * here): a pod that never goes (held by a finalizer) does not hold the deletion forever. As in
 * Maestro, the rows go when the wait runs out; the pod is the cluster's to finish.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { kubernetesInfra } from '../support/infra';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

const DELETION_TIMEOUT_MS = 5_000;
const FINALIZER = 'maestro.test/hold';

describe('delete_scheduler on Kubernetes with a room that does not go', () => {
  const harness = new OperationsHarness('kubernetes');
  const scheduler = `k8s-held-${harness.suffix}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubernetesInfra().kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  let heldPod = '';

  async function setFinalizers(name: string, finalizers: string[]) {
    await eventually(async () => {
      const pod = await core.readNamespacedPod({ name, namespace: scheduler });
      pod.metadata = { ...pod.metadata, finalizers };
      await core.replaceNamespacedPod({ name, namespace: scheduler, body: pod });
    });
  }

  beforeAll(() =>
    harness.start({ env: { MAESTRO_SCHEDULER_DELETION_TIMEOUT_MS: String(DELETION_TIMEOUT_MS) } }),
  );
  afterAll(async () => {
    if (heldPod) await setFinalizers(heldPod, []).catch(() => undefined);
    await harness.stop();
  });

  it('deletes the rows once the wait runs out, leaving the held pod terminating', async () => {
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
    );
    const added = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await harness.waitForOperation(scheduler, added, 'finished');
    await eventually(async () =>
      expect(await harness.runtime.listRooms(scheduler)).toHaveLength(1),
    );
    heldPod = (await harness.runtime.listRooms(scheduler))[0]!.id;
    await setFinalizers(heldPod, [FINALIZER]);

    const id = await harness.commands.deleteScheduler(scheduler);
    const deletion = await harness.waitForOperation(scheduler, id, 'finished', 60_000);

    const events = deletion.executionHistory;
    const started = events.find((e) => e.event === 'Starting operation')!.createdAt;
    expect(events.map((e) => e.event)).toContain(
      'rooms still terminating after the deletion wait: 1; left to the runtime',
    );
    expect(Date.parse(deletion.updatedAt) - Date.parse(started)).toBeGreaterThanOrEqual(
      DELETION_TIMEOUT_MS - 1_000,
    );
    expect(await harness.schedulers.getScheduler(scheduler)).toBeUndefined();
    const pod = await core.readNamespacedPod({ name: heldPod, namespace: scheduler });
    expect(pod.metadata?.deletionTimestamp).toBeDefined();
  });
});
