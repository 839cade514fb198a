import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/** The Event reason Maestro records on a pod it deletes. */
export const GAME_ROOM_DELETED = 'GameRoomDeleted';

/**
 * The Kubernetes Event that records why maestro deletes a room's pod (`kubectl describe pod`
 * shows it). Its name derives from the pod's uid, so a retried deletion records it once.
 */
export function deletionEvent(pod: V1Pod, reason: string, now = new Date()): CoreV1Event {
  const { name, namespace, uid } = pod.metadata ?? {};
  return {
    metadata: { name: `${name}.${uid}`, namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid },
    type: 'Normal',
    reason: GAME_ROOM_DELETED,
    message: reason,
    source: { component: 'maestro' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
