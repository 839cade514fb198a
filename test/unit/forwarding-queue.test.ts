/**
 * The bounded queue of one forwarder: FIFO, a room's resyncs coalesce in place, other events keep
 * a room's order, and nothing beyond the capacity is kept.
 */
import { ForwardingQueue } from '../../src/domain/game-room/forwarding-queue';

const drain = <T>(queue: ForwardingQueue<T>): T[] => {
  const items: T[] = [];
  for (let item = queue.take(); item !== undefined; item = queue.take()) items.push(item);
  return items;
};

describe('ForwardingQueue', () => {
  it('hands events out oldest first', () => {
    const queue = new ForwardingQueue<string>(10);
    queue.offer('a1', 'a', false);
    queue.offer('b1', 'b', true);
    queue.offer('c1', 'c', false);

    expect(drain(queue)).toEqual(['a1', 'b1', 'c1']);
  });

  it('replaces a room’s queued resync with the newer one, in its place', () => {
    const queue = new ForwardingQueue<string>(10);
    queue.offer('a-ready', 'a', true);
    queue.offer('b-ready', 'b', true);

    const offer = queue.offer('a-occupied', 'a', true);

    expect(offer).toEqual({ outcome: 'coalesced', replaced: 'a-ready' });
    expect(queue.size).toBe(2);
    expect(drain(queue)).toEqual(['a-occupied', 'b-ready']);
  });

  it('never holds two resyncs of one room', () => {
    const queue = new ForwardingQueue<number>(10);
    for (let version = 0; version < 100; version += 1) queue.offer(version, 'a', true);

    expect(drain(queue)).toEqual([99]);
  });

  it('queues a resync behind a room’s other event instead of overtaking it', () => {
    const queue = new ForwardingQueue<string>(10);
    queue.offer('a-ready', 'a', true);
    queue.offer('a-terminated', 'a', false);

    expect(queue.offer('a-terminating', 'a', true)).toEqual({ outcome: 'queued' });
    expect(drain(queue)).toEqual(['a-ready', 'a-terminated', 'a-terminating']);
  });

  it('queues a new resync once the room’s previous one was taken', () => {
    const queue = new ForwardingQueue<string>(10);
    queue.offer('a-ready', 'a', true);
    expect(queue.take()).toBe('a-ready');

    expect(queue.offer('a-occupied', 'a', true)).toEqual({ outcome: 'queued' });
    expect(drain(queue)).toEqual(['a-occupied']);
  });

  it('drops events beyond its capacity but still coalesces into a full queue', () => {
    const queue = new ForwardingQueue<string>(2);
    queue.offer('a1', 'a', true);
    queue.offer('b1', 'b', false);

    expect(queue.offer('c1', 'c', true)).toEqual({ outcome: 'dropped' });
    expect(queue.offer('b2', 'b', false)).toEqual({ outcome: 'dropped' });
    expect(queue.offer('a2', 'a', true)).toEqual({ outcome: 'coalesced', replaced: 'a1' });
    expect(drain(queue)).toEqual(['a2', 'b1']);
  });

  it('keeps order across many takes (its array is compacted on the way)', () => {
    const queue = new ForwardingQueue<number>(5_000);
    const taken: number[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      queue.offer(i, `room-${i}`, true);
      if (i % 2 === 1) taken.push(queue.take()!, queue.take()!);
    }

    expect(taken).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(queue.size).toBe(0);
  });

  it('gives every waiting event back when emptied', () => {
    const queue = new ForwardingQueue<string>(10);
    queue.offer('a1', 'a', true);
    queue.offer('b1', 'b', false);
    queue.take();
    queue.offer('c1', 'c', true);

    expect(queue.takeAll()).toEqual(['b1', 'c1']);
    expect(queue.size).toBe(0);
    expect(queue.offer('c2', 'c', true)).toEqual({ outcome: 'queued' });
  });

  it('refuses a capacity below 1', () => {
    expect(() => new ForwardingQueue(0)).toThrow('capacity must be an integer >= 1, got 0');
  });
});
