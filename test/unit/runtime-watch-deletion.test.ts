import pino from 'pino';
import { RuntimeWatch, type RuntimeWatchDeps } from '../../src/app/runtime-watch';
import { InstanceStatus, type InstanceEvent } from '../../src/domain/game-room/instance';
import type { GameRoom } from '../../src/domain/game-room/room';
import { testRoom } from '../support/test-room';
import { testScheduler } from '../support/test-scheduler';

/**
 * A room whose instance is gone is forgotten in two steps: its host ports, then its record. The
 * record is what makes the next resync see the room as gone again, so it must go last: a failure
 * (or a crash) between the steps then leaves a record to retry from, never ports held by nobody.
 */
describe('RuntimeWatch, a room gone from the runtime', () => {
  const gone = testRoom('gone-1', {
    instance: {
      id: 'gone-1',
      scheduler: 'tennis',
      version: 'v1.0.0',
      status: InstanceStatus.READY,
      createdAt: new Date(),
    },
  });

  /** Room storage and the port ledger as the watcher sees them, with steps logged in order. */
  function world(options: { releaseFailures: number }) {
    const records = new Map<string, GameRoom>([[gone.id, gone]]);
    const held = new Set<string>([gone.id]);
    const steps: string[] = [];
    let releaseFailures = options.releaseFailures;
    const deps = {
      schedulers: { getScheduler: async () => testScheduler('tennis') },
      runtime: { listRooms: async () => [] },
      rooms: { listRooms: async () => [...records.values()] },
      lifecycle: {
        instanceChanged: async (event: InstanceEvent) => {
          steps.push(`${event.type} record`);
          if (event.type === 'deleted') records.delete(event.instance.id);
        },
      },
      ports: {
        release: async (_scheduler: string, roomId: string) => {
          steps.push('release ports');
          if (releaseFailures > 0) {
            releaseFailures -= 1;
            throw new Error('Redis unavailable');
          }
          held.delete(roomId);
        },
      },
      metrics: { eventProcessed: () => undefined },
      log: pino({ level: 'silent' }),
      resyncIntervalMs: 60_000,
      disruptionIntervalMs: 60_000,
    } as unknown as RuntimeWatchDeps;
    return { watch: new RuntimeWatch(deps, 'tennis'), records, held, steps };
  }

  it('frees its host ports before it drops the record', async () => {
    const { watch, records, held, steps } = world({ releaseFailures: 0 });

    await watch.resync();

    expect(steps).toEqual(['release ports', 'deleted record']);
    expect(records.size).toBe(0);
    expect(held.size).toBe(0);
  });

  it('keeps the record when the ports cannot be freed, and the next resync finishes both', async () => {
    const { watch, records, held, steps } = world({ releaseFailures: 1 });

    await watch.resync();

    expect([...records.keys()]).toEqual([gone.id]);
    expect([...held]).toEqual([gone.id]);

    await watch.resync();

    expect(steps).toEqual(['release ports', 'release ports', 'deleted record']);
    expect(records.size).toBe(0);
    expect(held.size).toBe(0);
  });
});
