import type { V1ContainerState, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import {
  FAILED_WAITING_REASONS,
  podStatus,
} from '../../src/adapters/runtime/kubernetes/pod-status';

const READY: V1PodCondition[] = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Initialized', status: 'True' },
  { type: 'ContainersReady', status: 'True' },
  { type: 'Ready', status: 'True' },
];

function pod(
  status: V1Pod['status'],
  metadata: V1Pod['metadata'] = { name: 'room', namespace: 'scheduler' },
): V1Pod {
  return { metadata, spec: { containers: [{ name: 'game', image: 'game' }] }, status };
}

function withContainer(state: V1ContainerState, phase = 'Running'): V1Pod {
  return pod({
    phase,
    conditions: READY,
    containerStatuses: [
      { name: 'game', image: 'game', imageID: '', ready: false, restartCount: 0, state },
    ],
  });
}

describe('podStatus', () => {
  it('is terminating when the pod is being deleted, whatever else it shows (rule 1)', () => {
    const deleting = pod(
      { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False' }] },
      { name: 'room', deletionTimestamp: new Date() },
    );

    expect(podStatus(deleting)).toEqual({ status: 'terminating' });
  });

  it('is terminating when the pod succeeded, and error with its reason when it failed (rule 2)', () => {
    const failed = pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' });

    expect(podStatus(pod({ phase: 'Succeeded', conditions: READY }))).toEqual({
      status: 'terminating',
    });
    expect(podStatus(failed)).toEqual({ status: 'error', reason: 'Evicted: low on memory' });
    expect(podStatus(pod({ phase: 'Unknown' }))).toEqual({
      status: 'error',
      reason: 'pod phase Unknown',
    });
  });

  it.each([...FAILED_WAITING_REASONS])(
    'is error with "reason: message" when a container waits with %s (rule 3)',
    (reason) => {
      const waiting = withContainer({ waiting: { reason, message: 'it went wrong' } }, 'Pending');

      expect(podStatus(waiting)).toEqual({ status: 'error', reason: `${reason}: it went wrong` });
    },
  );

  it('is not an error when a container waits for a reason that resolves by itself (rule 3)', () => {
    const creating = withContainer({ waiting: { reason: 'ContainerCreating' } }, 'Pending');

    expect(podStatus(creating).status).not.toBe('error');
  });

  it('is terminating when a container completed and error when it failed (rule 4)', () => {
    const completed = withContainer({ terminated: { exitCode: 0, reason: 'Completed' } });
    const crashed = withContainer({ terminated: { exitCode: 3, reason: 'Error' } });
    const killed = withContainer({ terminated: { exitCode: 137, reason: 'OOMKilled' } });

    expect(podStatus(completed)).toEqual({
      status: 'terminating',
      reason: 'Completed: exit code 0',
    });
    expect(podStatus(crashed)).toEqual({ status: 'error', reason: 'Error: exit code 3' });
    expect(podStatus(killed)).toEqual({ status: 'error', reason: 'OOMKilled: exit code 137' });
  });

  it('is pending with the condition\'s "reason: message" when a condition is False (rule 5)', () => {
    const unschedulable = pod({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/2 nodes are available',
        },
      ],
    });
    const notReady = pod({
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
    });

    expect(podStatus(unschedulable)).toEqual({
      status: 'pending',
      reason: 'Unschedulable: 0/2 nodes are available',
    });
    expect(podStatus(notReady)).toEqual({ status: 'pending', reason: 'Ready is False' });
  });

  it('is ready when the Ready condition is True, even before the phase says Running (rule 6)', () => {
    expect(podStatus(pod({ phase: 'Pending', conditions: READY }))).toEqual({ status: 'ready' });
  });

  it('follows the phase when no condition decides: Pending, Running, anything else (rule 7)', () => {
    expect(podStatus(pod({ phase: 'Pending' }))).toEqual({ status: 'pending' });
    expect(podStatus(pod({ phase: 'Running' }))).toEqual({ status: 'ready' });
    expect(podStatus(pod(undefined))).toEqual({ status: 'error', reason: 'pod phase missing' });
  });

  it('applies the first rule that matches: a failed waiting container wins over a False condition', () => {
    const broken = pod({
      phase: 'Pending',
      conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
      containerStatuses: [
        {
          name: 'game',
          image: 'game',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: 'pull access denied' } },
        },
      ],
    });

    expect(podStatus(broken)).toEqual({
      status: 'error',
      reason: 'ImagePullBackOff: pull access denied',
    });
  });
});
