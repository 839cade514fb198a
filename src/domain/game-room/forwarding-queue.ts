/**
 * The bounded queue of events waiting for one forwarder: first in, first out, where a room's
 * state (a ping's resync) only matters in its latest version, so a newer one replaces the room's
 * queued one in place instead of queueing behind it. Pure data structure, no timers or I/O.
 */

/** What became of an offered event. */
export type QueueOffer<T> =
  | { outcome: 'queued' }
  /** It took the place of `replaced`, the room's older state, which will never be sent. */
  | { outcome: 'coalesced'; replaced: T }
  /** The queue holds `capacity` events already; the event is not kept. */
  | { outcome: 'dropped' };

interface Slot<T> {
  item: T;
  room: string;
}

/** Compact the backing array once this many taken slots lie before the head. */
const COMPACT_AFTER = 1_024;

export class ForwardingQueue<T> {
  private slots: Array<Slot<T> | undefined> = [];
  private head = 0;
  /** The queued, still replaceable state of each room. */
  private readonly latestState = new Map<string, Slot<T>>();

  /** `capacity`: how many events may wait at most (at least 1). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    }
  }

  /** How many events wait. */
  get size(): number {
    return this.slots.length - this.head;
  }

  /**
   * Queues `item`, an event about `room`. A coalescable event (a room state) replaces the room's
   * queued state, if any, even when the queue is full. Any other event keeps its place and closes
   * the room's slot: a later state queues behind it, so a room's events never overtake each other.
   */
  offer(item: T, room: string, isCoalescable: boolean): QueueOffer<T> {
    const queued = isCoalescable ? this.latestState.get(room) : undefined;
    if (queued) {
      const replaced = queued.item;
      queued.item = item;
      return { outcome: 'coalesced', replaced };
    }
    if (this.size >= this.capacity) return { outcome: 'dropped' };
    const slot = { item, room };
    this.slots.push(slot);
    if (isCoalescable) this.latestState.set(room, slot);
    else this.latestState.delete(room);
    return { outcome: 'queued' };
  }

  /** The oldest waiting event, removed from the queue; undefined when none waits. */
  take(): T | undefined {
    const slot = this.slots[this.head];
    if (!slot) return undefined;
    this.slots[this.head] = undefined;
    this.head += 1;
    if (this.latestState.get(slot.room) === slot) this.latestState.delete(slot.room);
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return slot.item;
  }

  /** Removes and returns every waiting event, oldest first. */
  takeAll(): T[] {
    const items = this.slots.slice(this.head).flatMap((slot) => (slot ? [slot.item] : []));
    this.slots = [];
    this.head = 0;
    this.latestState.clear();
    return items;
  }
}
