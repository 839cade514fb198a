import type { V1Pod } from '@kubernetes/client-node';
import type { GameRoomInstance, RoomAddress } from '../../../domain/game-room/instance';
import { PodLabel } from './pod-builder';
import { podStatus } from './pod-status';

/**
 * The room instance a pod stands for. Pods from watch events are plain JSON (timestamps are
 * strings, not `Date`s), so only conversions that accept both are used here.
 */
export function podInstance(pod: V1Pod, address: RoomAddress | undefined): GameRoomInstance {
  const metadata = pod.metadata ?? {};
  return {
    id: metadata.name ?? '',
    scheduler: metadata.namespace ?? '',
    version: metadata.labels?.[PodLabel.VERSION] ?? '',
    ...podStatus(pod),
    ...(address && { address }),
    createdAt: new Date(metadata.creationTimestamp ?? 0),
  };
}

/** What a watch compares to decide whether a change is worth an event. */
export function instanceFingerprint(instance: GameRoomInstance): string {
  return JSON.stringify([instance.status, instance.reason ?? null, instance.address ?? null]);
}
