import type { GameRoomInstance, InstanceEvent } from '../../../domain/game-room/instance';
import { sleep } from '../../../shared/sleep';

/**
 * A watch over a source that can only be listed: lists every `intervalMs`, and reports what
 * appeared (`added`), changed status, reason or address (`updated`) or disappeared (`deleted`).
 * Listing failures are retried at the next tick.
 */
export async function* watchByPolling(
  list: () => Promise<GameRoomInstance[]>,
  intervalMs: number,
  signal: AbortSignal,
): AsyncGenerator<InstanceEvent> {
  let known = new Map<string, GameRoomInstance>();
  while (!signal.aborted) {
    const current = await list().catch(() => undefined);
    if (current) {
      const next = new Map(current.map((instance) => [instance.id, instance]));
      for (const instance of current) {
        const before = known.get(instance.id);
        if (!before) yield { type: 'added', instance };
        else if (fingerprint(before) !== fingerprint(instance)) yield { type: 'updated', instance };
      }
      for (const [id, instance] of known) if (!next.has(id)) yield { type: 'deleted', instance };
      known = next;
    }
    await sleep(intervalMs, signal);
  }
}

function fingerprint(instance: GameRoomInstance): string {
  return JSON.stringify([instance.status, instance.reason, instance.address]);
}
