/**
 * The Kubernetes runtime against a real kube-apiserver with KWOK nodes
 * (test/support/kubernetes-runtime-fixture.ts): the watch of rooms through transitions, hung
 * connections (the API server restart is test/k8s/chaos/kube-apiserver-watch.test.ts, on a cluster of
 * its own).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import pino from 'pino';
import { KubernetesRuntime } from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import type { RuntimeScheduler } from '../../src/ports/runtime';
import {
  config,
  kubeConfig,
  runtime,
  spec,
  useKubernetesRuntime,
  useSchedulerSpace,
  watch,
  writeKubeconfig,
} from '../support/kubernetes-runtime-fixture';
import { eventually, eventuallyStatus } from '../support/runtime-contract';

useKubernetesRuntime();

describe('kubernetes runtime', () => {
  const space = useSchedulerSpace();
  const { create, deleteRoom } = space;
  let scheduler: RuntimeScheduler;
  beforeEach(() => (scheduler = space.current()));

  it('reports every transition of a room through the watch: added pending, ready, terminating, deleted', async () => {
    await create('marker', spec(), 1);
    await eventuallyStatus(runtime, scheduler.name, 'marker', 'ready');
    const watching = watch(runtime, scheduler.name);
    await eventually(async () => expect(watching.types('marker')).toContain('added'));

    await create('watched');
    await eventuallyStatus(runtime, scheduler.name, 'watched', 'ready');
    await deleteRoom('watched');
    await eventually(async () => expect(watching.types('watched')).toContain('deleted'));
    await watching.stop();

    const steps = watching.of('watched').map((event) => `${event.type} ${event.instance.status}`);
    expect(steps[0]).toBe('added pending');
    expect(steps.at(-1)).toBe('deleted terminating');
    const ready = steps.indexOf('updated ready');
    const terminating = steps.indexOf('updated terminating');
    expect(ready).toBeGreaterThan(0);
    expect(terminating).toBeGreaterThan(ready);
  });

  // Freezing hangs the watch and the pool's kept-alive connections alike: the resync's list times
  // out on one of them (3 s here), the pool's idle connections are retired with it, and the retry
  // lists over a fresh connection.
  it('reports, at the next resync, a deletion its hung connections never delivered, and nothing twice', async () => {
    const proxy = await startFreezableProxy(new URL(kubeConfig.getCurrentCluster()!.server));
    const server = `https://127.0.0.1:${proxy.port}`;
    const resyncing = new KubernetesRuntime(
      {
        ...config,
        kubeconfigPath: writeKubeconfig({ server }),
        resyncIntervalMs: 1_000,
        requestTimeoutMs: 3_000,
      },
      pino({ level: 'silent' }),
    );
    await create('steady');
    await create('doomed', spec(), 1);
    await eventuallyStatus(runtime, scheduler.name, 'steady', 'ready');
    await eventuallyStatus(runtime, scheduler.name, 'doomed', 'ready');
    const watching = watch(resyncing, scheduler.name);
    await eventually(async () => expect(watching.events).toHaveLength(2));

    await eventually(async () => expect(proxy.freeze(200)).toBeGreaterThan(0));
    await deleteRoom('doomed');
    await eventually(async () => expect(watching.types('doomed')).toContain('deleted'));
    await watching.stop();
    await proxy.close();

    expect(watching.types('steady')).toEqual(['added']);
    expect(watching.types('doomed')[0]).toBe('added');
    expect(watching.types('doomed').filter((type) => type === 'deleted')).toHaveLength(1);
  });
});

/**
 * A TCP proxy to the API server whose long-lived connections (watches) can be frozen: they stay
 * open but carry nothing, as through a dead NAT entry or a hung load balancer.
 */
async function startFreezableProxy(target: URL) {
  const open = new Map<Socket, { upstream: Socket; openedAt: number }>();
  const frozen: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => (client.destroy(), upstream.destroy(), open.delete(client)));
    }
    open.set(client, { upstream, openedAt: Date.now() });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Freezes the connections open for `minAgeMs` or more (watches and idle kept-alive ones); says how many. */
    freeze: (minAgeMs: number) => {
      let count = 0;
      for (const [client, { upstream, openedAt }] of open) {
        if (Date.now() - openedAt < minAgeMs) continue;
        open.delete(client);
        for (const socket of [client, upstream]) {
          socket.unpipe();
          socket.pause();
          frozen.push(socket);
        }
        count += 1;
      }
      return count;
    },
    close: async () => {
      for (const socket of frozen) socket.destroy();
      for (const [client, { upstream }] of open) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
