import { EventEmitter } from 'node:events';
import { Cluster, Redis } from 'ioredis';
import type { RedisConfig, RedisNode } from '../../config/redis';
import type { RedisClient } from './client';

/**
 * The pub/sub connection RedisSchedulerCache listens on. `ready` is emitted each time a (new)
 * connection can subscribe, so the listener re-subscribes and knows messages may have been missed
 * since the previous `close`.
 */
export interface SubscriberConnection {
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  subscribe(channel: string): Promise<unknown>;
  disconnect(): void;
}

/**
 * A connection for SUBSCRIBE next to `client`. One server or Sentinel: a duplicate of the client
 * (it reconnects, through the sentinels, by itself). A cluster: {@link ClusterNodeSubscriber}, since
 * ioredis' own cluster subscriber moves to another node silently and would hide missed messages.
 */
export function createSubscriber(client: RedisClient, config: RedisConfig): SubscriberConnection {
  if (!(client instanceof Cluster)) {
    const duplicate = client.duplicate();
    duplicate.on('error', () => undefined); // the main client reports the outage
    return duplicate;
  }
  const seeds = config.mode === 'cluster' ? config.nodes : [];
  return new ClusterNodeSubscriber(client, seeds, config);
}

/**
 * Subscribes on one node of a Redis Cluster (PUBLISH reaches every node over the cluster bus).
 * When that node goes away it picks another one the cluster client knows (or a seed) and emits
 * `close`, then `ready` once the new connection is up.
 */
export class ClusterNodeSubscriber extends EventEmitter implements SubscriberConnection {
  private connection?: Redis;
  private attempt = 0;
  private isStopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly seeds: readonly RedisNode[],
    private readonly auth: Pick<RedisConfig, 'username' | 'password' | 'isTls'>,
  ) {
    super();
    this.connectNext();
  }

  subscribe(channel: string): Promise<unknown> {
    if (!this.connection) return Promise.reject(new Error('subscriber is not connected'));
    return this.connection.subscribe(channel);
  }

  disconnect(): void {
    this.isStopped = true;
    this.connection?.disconnect();
  }

  private connectNext(): void {
    if (this.isStopped) return;
    const node = this.nextNode();
    const connection = new Redis({
      ...node,
      ...(this.auth.username && { username: this.auth.username }),
      ...(this.auth.password && { password: this.auth.password }),
      ...(this.auth.isTls && { tls: {} }),
      connectionName: 'maestro-subscriber',
      retryStrategy: () => null,
    });
    connection.on('error', () => undefined); // reported through `close`; the cluster client logs
    connection.on('message', (channel: string, message: string) =>
      this.emit('message', channel, message),
    );
    connection.on('ready', () => {
      this.attempt = 0;
      this.emit('ready');
    });
    connection.once('end', () => {
      this.emit('close');
      const delay = Math.min(++this.attempt * 100, 2_000);
      setTimeout(() => this.connectNext(), delay).unref();
    });
    this.connection = connection;
  }

  /** The cluster's current nodes first (they follow failovers), then the seeds, in turn. */
  private nextNode(): RedisNode {
    const known = this.cluster
      .nodes('all')
      .flatMap(({ options: { host, port } }) => (host && port ? [{ host, port }] : []));
    const candidates = [...known, ...this.seeds];
    const node = candidates[this.attempt % Math.max(candidates.length, 1)];
    return node ?? { host: '127.0.0.1', port: 6379 };
  }
}
