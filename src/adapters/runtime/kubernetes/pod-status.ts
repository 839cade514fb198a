import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';
import { InstanceStatus, type GameRoomInstance } from '../../../domain/game-room/instance';

/** A room's status as its pod shows it, and why when the pod says. */
export type PodInstanceStatus = Pick<GameRoomInstance, 'status' | 'reason'>;

/** Waiting reasons that will not resolve by themselves: the room is broken, not starting. */
export const FAILED_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ErrImageNeverPull',
  'ErrImagePullBackOff',
  'ImagePullBackOff',
  'ErrInvalidImageName',
  'ErrImagePull',
  'CrashLoopBackOff',
  'RunContainerError',
  'ContainerStatusUnknown',
]);

/**
 * The instance status of a pod by Maestro's seven rules, the first that applies winning:
 * 1. being deleted → terminating;
 * 2. phase Succeeded → terminating, Failed or Unknown → error;
 * 3. a container waiting for a reason that will not resolve (image pull, crash loop) → error;
 * 4. a terminated container → terminating when it completed (exit 0), else error;
 * 5. any condition False (unschedulable, containers not ready…) → pending;
 * 6. condition Ready True → ready;
 * 7. phase Pending → pending, Running → ready, anything else → error.
 */
export function podStatus(pod: V1Pod): PodInstanceStatus {
  if (pod.metadata?.deletionTimestamp) return { status: InstanceStatus.TERMINATING };
  return (
    terminalPhase(pod) ??
    failedWaitingContainer(pod) ??
    terminatedContainer(pod) ??
    falseCondition(pod) ??
    readyCondition(pod) ??
    byPhase(pod)
  );
}

function terminalPhase(pod: V1Pod): PodInstanceStatus | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return { status: InstanceStatus.TERMINATING };
  if (phase === 'Failed' || phase === 'Unknown') {
    return {
      status: InstanceStatus.ERROR,
      reason: explain(pod.status?.reason, pod.status?.message) ?? `pod phase ${phase}`,
    };
  }
  return undefined;
}

function failedWaitingContainer(pod: V1Pod): PodInstanceStatus | undefined {
  for (const container of pod.status?.containerStatuses ?? []) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && FAILED_WAITING_REASONS.has(waiting.reason)) {
      return { status: InstanceStatus.ERROR, reason: explain(waiting.reason, waiting.message) };
    }
  }
  return undefined;
}

function terminatedContainer(pod: V1Pod): PodInstanceStatus | undefined {
  for (const container of pod.status?.containerStatuses ?? []) {
    const terminated = container.state?.terminated;
    if (terminated) return terminatedStatus(terminated);
  }
  return undefined;
}

function terminatedStatus(terminated: V1ContainerStateTerminated): PodInstanceStatus {
  const exit = `exit code ${terminated.exitCode}`;
  if (terminated.exitCode === 0 || terminated.reason === 'Completed') {
    return { status: InstanceStatus.TERMINATING, reason: explain(terminated.reason, exit) };
  }
  return {
    status: InstanceStatus.ERROR,
    reason: explain(
      terminated.reason,
      terminated.message ? `${exit}, ${terminated.message}` : exit,
    ),
  };
}

function falseCondition(pod: V1Pod): PodInstanceStatus | undefined {
  const condition = pod.status?.conditions?.find((c) => c.status === 'False');
  if (!condition) return undefined;
  return {
    status: InstanceStatus.PENDING,
    reason: explain(condition.reason, condition.message) ?? `${condition.type} is False`,
  };
}

function readyCondition(pod: V1Pod): PodInstanceStatus | undefined {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  return ready ? { status: InstanceStatus.READY } : undefined;
}

function byPhase(pod: V1Pod): PodInstanceStatus {
  const phase = pod.status?.phase;
  if (phase === 'Pending') return { status: InstanceStatus.PENDING };
  if (phase === 'Running') return { status: InstanceStatus.READY };
  return { status: InstanceStatus.ERROR, reason: `pod phase ${phase ?? 'missing'}` };
}

/** `reason: message`, either alone when the other is empty, undefined when both are. */
function explain(reason: string | undefined, message: string | undefined): string | undefined {
  const parts = [reason, message].filter((part): part is string => !!part);
  return parts.length > 0 ? parts.join(': ') : undefined;
}
