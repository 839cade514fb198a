/**
 * ForwarderLanes with a scripted client (a pure unit: the real gRPC path is covered by
 * test/integration/forwarding-*.test.ts): in-flight bound per forwarder, queueing, coalescing,
 * drops at the queue's bound, and lanes forgotten once idle.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ForwarderLanes, type LaneEvent } from '../../src/app/forwarder-lanes';
import type { ForwarderMessage } from '../../src/domain/game-room/forwarding';
import type { Forwarder } from '../../src/domain/scheduler/scheduler';
import type { ForwarderClient } from '../../src/ports/forwarder';

/** A client whose calls stay open until the test settles them. */
function scriptedClient() {
  const calls: Array<{ forwarder: string; roomId: string; settle: () => void }> = [];
  const client: ForwarderClient = {
    send: (forwarder, message) =>
      new Promise<void>((resolve) =>
        calls.push({ forwarder: forwarder.name, roomId: message.room.roomId, settle: resolve }),
      ),
    close: () => undefined,
  };
  return { client, calls };
}

const forwarder = (name: string): Forwarder => ({
  name,
  enable: true,
  type: 'gRPC',
  address: '127.0.0.1:1',
  options: { timeoutMs: 1_000, metadata: {} },
});

const resync = (roomId: string, status: 'ready' | 'occupied' = 'ready'): ForwarderMessage => ({
  rpc: 'SendRoomResync',
  statusType: status,
  room: { game: 'g', roomId, host: 'h', port: 1, metadata: {}, roomType: '' },
});

const event = (roomId: string, to = 'fw', isCoalescable = true): LaneEvent => ({
  scheduler: 's',
  forwarder: forwarder(to),
  message: resync(roomId),
  room: roomId,
  isCoalescable,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ForwarderLanes', () => {
  it('sends at most maxInFlight calls to a forwarder and the rest as calls finish', async () => {
    const { client, calls } = scriptedClient();
    const lanes = new ForwarderLanes(client, { maxInFlight: 2, maxQueued: 10 });

    const results = ['a', 'b', 'c', 'd'].map((room) => lanes.send(event(room)));
    expect(calls.map((call) => call.roomId)).toEqual(['a', 'b']);
    expect(lanes.backlog()).toEqual([{ scheduler: 's', forwarder: 'fw', queued: 2, inFlight: 2 }]);

    calls[0]!.settle();
    await tick();
    expect(calls.map((call) => call.roomId)).toEqual(['a', 'b', 'c']);

    for (const call of calls.slice(1)) call.settle();
    await tick();
    calls[3]!.settle();
    expect(await Promise.all(results)).toEqual(Array(4).fill({ outcome: 'sent' }));
  });

  it('bounds each forwarder on its own', () => {
    const { client, calls } = scriptedClient();
    const lanes = new ForwarderLanes(client, { maxInFlight: 1, maxQueued: 10 });

    void lanes.send(event('a', 'first'));
    void lanes.send(event('b', 'first'));
    void lanes.send(event('c', 'second'));

    expect(calls.map((call) => `${call.forwarder}/${call.roomId}`)).toEqual([
      'first/a',
      'second/c',
    ]);
  });

  it('sends only the latest of a room’s queued resyncs and settles the others as coalesced', async () => {
    const { client, calls } = scriptedClient();
    const lanes = new ForwarderLanes(client, { maxInFlight: 1, maxQueued: 10 });

    const first = lanes.send(event('busy'));
    const older = lanes.send({ ...event('a'), message: resync('a', 'ready') });
    const newer = lanes.send({ ...event('a'), message: resync('a', 'occupied') });

    expect(await older).toEqual({ outcome: 'coalesced' });
    calls[0]!.settle();
    await first;
    expect(calls).toHaveLength(2);
    calls[1]!.settle();
    expect(await newer).toEqual({ outcome: 'sent' });
  });

  it('drops events beyond the queue’s bound and says so', async () => {
    const { client, calls } = scriptedClient();
    const lanes = new ForwarderLanes(client, { maxInFlight: 1, maxQueued: 1 });

    void lanes.send(event('a'));
    void lanes.send(event('b', 'fw', false));
    const dropped = lanes.send(event('c', 'fw', false));

    expect(await dropped).toEqual({ outcome: 'dropped', reason: 'queue_full' });
    expect(calls).toHaveLength(1);
  });

  it('drops what is queued at shutdown and lets the calls in flight finish', async () => {
    const { client, calls } = scriptedClient();
    const lanes = new ForwarderLanes(client, { maxInFlight: 1, maxQueued: 10 });
    const inFlight = lanes.send(event('a'));
    const queued = lanes.send(event('b'));

    lanes.dropQueued();

    expect(await queued).toEqual({ outcome: 'dropped', reason: 'shutdown' });
    calls[0]!.settle();
    expect(await inFlight).toEqual({ outcome: 'sent' });
    expect(calls).toHaveLength(1);
    expect(lanes.backlog()).toEqual([]);
  });

  it('reports a failed call with its error', async () => {
    const failure = new Error('boom');
    const lanes = new ForwarderLanes(
      { send: () => Promise.reject(failure), close: () => undefined },
      { maxInFlight: 1, maxQueued: 1 },
    );

    expect(await lanes.send(event('a'))).toEqual({ outcome: 'failed', error: failure });
  });

  it('forgets a lane once nothing is queued or in flight', async () => {
    const { client, calls } = scriptedClient();
    const lanes = new ForwarderLanes(client, { maxInFlight: 1, maxQueued: 1 });

    const sent = lanes.send(event('a'));
    calls[0]!.settle();
    await sent;

    expect(lanes.backlog()).toEqual([]);
  });

  it('runs a queued call in the context of the code that queued it, with keepsCallerContext', async () => {
    const request = new AsyncLocalStorage<string>();
    const seen = (keepsCallerContext: boolean) => {
      const contexts: Array<string | undefined> = [];
      const { client, calls } = scriptedClient();
      const recording: ForwarderClient = {
        send: (to, message) => (contexts.push(request.getStore()), client.send(to, message)),
        close: () => undefined,
      };
      const lanes = new ForwarderLanes(
        recording,
        { maxInFlight: 1, maxQueued: 10 },
        keepsCallerContext,
      );
      return { lanes, calls, contexts };
    };

    for (const keepsCallerContext of [true, false]) {
      const { lanes, calls, contexts } = seen(keepsCallerContext);
      request.run('first request', () => void lanes.send(event('a')));
      request.run('second request', () => void lanes.send(event('b')));
      calls[0]!.settle(); // the queued call starts from the first call's completion
      await tick();
      expect(contexts).toEqual(
        keepsCallerContext
          ? ['first request', 'second request']
          : ['first request', 'first request'],
      );
    }
  });
});
