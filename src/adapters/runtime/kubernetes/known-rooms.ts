import type { GameRoomInstance, InstanceEvent } from '../../../domain/game-room/instance';
import { instanceFingerprint } from './pod-instance';

interface KnownRoom {
  uid: string;
  instance: GameRoomInstance;
  fingerprint: string;
}

/**
 * What a watch has reported so far, one entry per room: turns what the API server shows (a pod
 * seen, a pod deleted, the pods of a fresh list) into the events that tell a consumer the
 * difference, and nothing when nothing it reports changed.
 */
export class KnownRooms {
  private readonly rooms = new Map<string, KnownRoom>();

  /** A pod seen (listed, added or modified): `added`, `updated`, or no event. */
  *seen(uid: string, instance: GameRoomInstance): Generator<InstanceEvent> {
    let before = this.rooms.get(instance.id);
    if (before && before.uid !== uid) {
      // Deleted and created again under the same name while nobody was looking.
      yield { type: 'deleted', instance: before.instance };
      before = undefined;
    }
    const fingerprint = instanceFingerprint(instance);
    this.rooms.set(instance.id, { uid, instance, fingerprint });
    if (!before) yield { type: 'added', instance };
    else if (before.fingerprint !== fingerprint) yield { type: 'updated', instance };
  }

  /** A pod deleted: `deleted`, unless that pod was never reported or already replaced. */
  *deleted(uid: string, instance: GameRoomInstance): Generator<InstanceEvent> {
    if (this.rooms.get(instance.id)?.uid !== uid) return;
    this.rooms.delete(instance.id);
    yield { type: 'deleted', instance };
  }

  /** A complete list: every pod is seen, and every room missing from it was deleted meanwhile. */
  *listed(pods: ReadonlyArray<{ uid: string; instance: GameRoomInstance }>) {
    const present = new Set(pods.map(({ instance }) => instance.id));
    for (const { uid, instance } of pods) yield* this.seen(uid, instance);
    for (const [id, room] of this.rooms) {
      if (present.has(id)) continue;
      this.rooms.delete(id);
      yield { type: 'deleted', instance: room.instance } satisfies InstanceEvent;
    }
  }
}
