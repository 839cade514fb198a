import { RoomsAllocation } from '../../src/app/rooms-allocation';
import type { AllocationWaitOutcome } from '../../src/ports/allocation-metrics';
import { testScheduler } from '../support/test-scheduler';

const scheduler = testScheduler('tennis');

/**
 * RoomsAllocation's waits on in-memory fakes: room storage that turns a room ready when told (or
 * fails), the autoscaler's waiter registry, and the metrics each ended wait records.
 */
function allocationWith(store: { ready: number; isDown?: boolean }) {
  const waits: { outcome: AllocationWaitOutcome; durationMs: number; scheduler: string }[] = [];
  const registered = new Set<string>();
  const allocation = new RoomsAllocation({
    rooms: {
      allocate: () => {
        if (store.isDown) return Promise.reject(new Error('redis unavailable'));
        if (store.ready === 0) return Promise.resolve(undefined);
        store.ready -= 1;
        return Promise.resolve({ roomId: `room-${store.ready}` });
      },
    } as never,
    schedulers: { get: () => Promise.resolve(scheduler) },
    runtime: { roomAddress: () => Promise.reject(new Error('not used')) },
    waiting: {
      autoscaler: {
        addWaiter: (_scheduler, id) => Promise.resolve(void registered.add(id)),
        removeWaiter: (_scheduler, id) => Promise.resolve(void registered.delete(id)),
      },
      nudges: { nudge: () => Promise.resolve() },
      metrics: {
        allocationWaited: ({ outcome, durationMs, scheduler: name }) =>
          waits.push({ outcome, durationMs, scheduler: name }),
      },
    },
  });
  return { allocation, waits, registered };
}

const later = (ms: number, run: () => void) => setTimeout(run, ms);

describe('RoomsAllocation, waiting for a room', () => {
  it('counts a wait that a room turning ready ends as served, with how long it took', async () => {
    const store = { ready: 0 };
    const { allocation, waits, registered } = allocationWith(store);
    later(150, () => (store.ready = 1));

    const room = await allocation.allocate('tennis', { waitMs: 10_000 });

    expect(room.roomId).toBe('room-0');
    expect(waits).toEqual([
      { outcome: 'served', durationMs: expect.any(Number) as number, scheduler: 'tennis' },
    ]);
    expect(waits[0]!.durationMs).toBeGreaterThanOrEqual(100);
    expect(registered.size).toBe(0);
  });

  it('counts a wait that runs out as expired, and one whose caller left as gone', async () => {
    const { allocation, waits } = allocationWith({ ready: 0 });
    const caller = new AbortController();
    later(50, () => caller.abort());

    await expect(allocation.allocate('tennis', { waitMs: 150 })).rejects.toThrow(/no ready rooms/);
    await expect(
      allocation.allocate('tennis', { waitMs: 10_000, signal: caller.signal }),
    ).rejects.toThrow(/no ready rooms/);

    expect(waits.map((wait) => wait.outcome)).toEqual(['expired', 'gone']);
  });

  it('counts a wait that room storage failed as failed, the error answered', async () => {
    const store = { ready: 0, isDown: false };
    const { allocation, waits, registered } = allocationWith(store);
    later(80, () => (store.isDown = true));

    await expect(allocation.allocate('tennis', { waitMs: 10_000 })).rejects.toThrow(
      'redis unavailable',
    );

    expect(waits.map((wait) => wait.outcome)).toEqual(['failed']);
    expect(registered.size).toBe(0);
  });

  it('counts nothing when a room is ready at once or the allocation may not wait', async () => {
    const store = { ready: 1 };
    const { allocation, waits } = allocationWith(store);

    await allocation.allocate('tennis', { waitMs: 10_000 });
    await expect(allocation.allocate('tennis', { waitMs: 0 })).rejects.toThrow(/no ready rooms/);

    expect(waits).toEqual([]);
  });
});
