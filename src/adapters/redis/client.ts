import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from '../../config/redis';

export type { RedisConfig } from '../../config/redis';

/**
 * A connection to maestro's Redis in any mode: one server (given by URL or found through
 * Sentinel) or a Redis Cluster. Both speak the same commands; every key maestro uses in one
 * command or script shares a hash tag, so nothing needs to know which one it holds.
 */
export type RedisClient = Redis | Cluster;

/** Reconnect forever, backing off to one attempt every 2 s. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 2_000);

/** Options every data-node connection gets: credentials, TLS and the command bound. */
function nodeOptions(config: RedisConfig): RedisOptions {
  return {
    ...(config.username && { username: config.username }),
    ...(config.password && { password: config.password }),
    ...(config.isTls && { tls: {} }),
    ...(config.commandTimeoutMs && { commandTimeout: config.commandTimeoutMs }),
  };
}

/** Fail fast: no offline queue, one retry per command, reconnect forever in the background. */
const FAIL_FAST = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  maxRetriesPerRequest: 1,
  retryStrategy: reconnectDelay,
} satisfies RedisOptions;

/**
 * A Redis client that reconnects forever in the background and fails commands at once while it is
 * disconnected (no offline queue): the hot paths answer quickly instead of stalling, and /readyz
 * reports the outage. In Cluster mode a command whose master is gone is retried while the slot
 * map is refreshed (about 2 s at most, ioredis' redirection limit), then fails the same way.
 */
export function createRedisClient(config: RedisConfig, log: Logger): RedisClient {
  const client = connect(config);
  watchConnection(client, log);
  return client;
}

function connect(config: RedisConfig): RedisClient {
  switch (config.mode) {
    case undefined:
    case 'standalone':
      return new Redis(config.url, {
        ...nodeOptions(config),
        ...FAIL_FAST,
        keyPrefix: config.keyPrefix,
      });
    case 'cluster':
      return new Cluster(
        config.nodes.map((node) => ({ ...node })),
        clusterOptions(config),
      );
    case 'sentinel':
      return sentinelClient(config);
  }
}

/** The master of the group, found (and found again after a failover) through the sentinels. */
function sentinelClient(config: Extract<RedisConfig, { mode: 'sentinel' }>): Redis {
  const client = new Redis({
    ...nodeOptions(config),
    ...FAIL_FAST,
    keyPrefix: config.keyPrefix,
    sentinels: config.sentinels.map((node) => ({ ...node })),
    name: config.masterName,
    role: 'master',
    ...(config.sentinelPassword && { sentinelPassword: config.sentinelPassword }),
    ...(config.isTls && { enableTLSForSentinelMode: true, sentinelTLS: {} }),
    // Reconnect as soon as a sentinel announces a new master, not at the next failed write.
    failoverDetector: true,
    // A demoted master refuses writes: reconnect (through the sentinels) and fail this one.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  });
  // ioredis stops the failover detector's sentinel connections on disconnect() but not on quit():
  // they would reconnect forever and keep the process alive. Ending the client ends them.
  client.once('end', () => client.disconnect());
  return client;
}

function clusterOptions(config: RedisConfig): ClusterOptions {
  return {
    keyPrefix: config.keyPrefix,
    enableOfflineQueue: false,
    // ioredis redirects an auto-pipelined batch only when every command in it got the same MOVED;
    // a batch mixing slots of a failed-over master would hand MOVED to the callers instead.
    enableAutoPipelining: false,
    clusterRetryStrategy: reconnectDelay,
    redisOptions: nodeOptions(config),
  };
}

/** One warning when the connection (or, in a cluster, a node) is lost, one line when it is back. */
function watchConnection(client: RedisClient, log: Logger): void {
  let isDown = false;
  client.on('error', (error: Error) => {
    if (isDown) return;
    isDown = true;
    log.warn({ err: error }, 'redis connection lost, reconnecting');
  });
  client.on('ready', () => {
    if (isDown) log.info('redis connection restored');
    isDown = false;
  });
  if (!(client instanceof Cluster)) return;
  const downNodes = new Set<string>();
  client.on('node error', (error: Error, node: string) => {
    if (downNodes.has(node)) return;
    downNodes.add(node);
    log.warn({ err: error, node }, 'redis cluster node unreachable');
  });
  client.on('refresh', () => downNodes.clear());
}

/**
 * Readiness. One server: the connection is up and answers PING. A cluster: the cluster itself
 * says `cluster_state:ok` (every slot has a reachable master) and every master this client routes
 * to answers PING, so a master that died and whose replica is not promoted yet makes it unready.
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (client.status !== 'ready') throw new Error(`connection is ${client.status}`);
  if (!(client instanceof Cluster)) {
    await client.ping();
    return;
  }
  const info = String(await client.cluster('INFO'));
  const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
  if (state !== 'ok') throw new Error(`cluster_state is ${state}`);
  await Promise.all(
    client.nodes('master').map(async (node) => {
      try {
        await node.ping();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`master ${node.options.host}:${node.options.port}: ${reason}`);
      }
    }),
  );
}
