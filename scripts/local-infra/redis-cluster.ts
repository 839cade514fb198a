import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './paths';
import { spawnService, waitUntilReady, type ServiceProcess } from './process';
import { pingRedis } from './redis';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Holds one directory per node (nodes.conf, log); removed by `stop()`. */
  dir: string;
  /** How long a master may be silent before its replica takes over (Redis: 15000). */
  nodeTimeoutMs: number;
  masters?: number;
  /**
   * `cluster-require-full-coverage`: when false (what maestro recommends), the masters that are
   * up keep serving their slots while another one fails over.
   */
  requireFullCoverage?: boolean;
  /** `requirepass` (and `masterauth`) of every node; none by default. */
  password?: string;
}

/** One redis-server of the cluster. */
export interface RedisClusterNode {
  port: number;
  process: ServiceProcess;
}

export interface RunningRedisCluster {
  nodes: RedisClusterNode[];
  /** host:port of every node, as MAESTRO_REDIS_NODES wants them. */
  seeds: Array<{ host: string; port: number }>;
  /** The master serving `slot` now (CLUSTER SHARDS of a live node). */
  masterOfSlot(slot: number): Promise<RedisClusterNode>;
  /** The live replica of `master` (CLUSTER NODES), if it has one. */
  replicaOf(master: RedisClusterNode): Promise<RedisClusterNode | undefined>;
  /** Stops every node and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster on loopback: `masters` masters with one replica each (6 processes by
 * default) on free ports, created with `redis-cli --cluster create`, and waits until every node
 * says `cluster_state:ok` and every replica is in sync (so a failover can promote it).
 */
export async function startRedisCluster(
  options: RedisClusterOptions,
): Promise<RunningRedisCluster> {
  const count = (options.masters ?? 3) * 2;
  const nodes: RedisClusterNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.process.stop(2_000)));
    rmSync(options.dir, { recursive: true, force: true });
  };
  try {
    // The cluster bus port is chosen too: Redis' default (port + 10000) may be taken, or past 65535.
    const ports = await distinctFreePorts(count * 2);
    for (let i = 0; i < count; i++)
      nodes.push(startNode(options, ports[2 * i]!, ports[2 * i + 1]!));
    await Promise.all(nodes.map((node) => waitForNode(node, options)));
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
    await run('redis-cli', [
      ...auth,
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await waitUntilFormed(nodes, options.password);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    seeds: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    masterOfSlot: (slot) => masterOfSlot(nodes, slot, options.password),
    replicaOf: (master) => replicaOf(nodes, master, options.password),
    stop,
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function startNode(options: RedisClusterOptions, port: number, busPort: number): RedisClusterNode {
  const dir = path.join(options.dir, String(port));
  mkdirSync(dir, { recursive: true });
  const process = spawnService({
    name: `redis-cluster-${port}`,
    command: 'redis-server',
    args: [
      ...['--bind', '127.0.0.1', '--port', String(port), '--dir', dir],
      ...['--save', '', '--appendonly', 'no'],
      ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
      ...['--cluster-port', String(busPort)],
      ...['--cluster-node-timeout', String(options.nodeTimeoutMs)],
      ...['--cluster-require-full-coverage', options.requireFullCoverage ? 'yes' : 'no'],
      ...(options.password
        ? ['--requirepass', options.password, '--masterauth', options.password]
        : []),
    ],
    logFile: path.join(dir, 'redis.log'),
  });
  return { port, process };
}

function waitForNode(node: RedisClusterNode, options: RedisClusterOptions): Promise<void> {
  const logFile = path.join(options.dir, String(node.port), 'redis.log');
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return waitUntilReady(
    node.process,
    () => pingRedis(`redis://${auth}127.0.0.1:${node.port}`),
    15_000,
    logFile,
  );
}

/** A plain connection to one node, closed after `use`. */
export async function withNode<T>(
  port: number,
  use: (redis: Redis) => Promise<T>,
  password?: string,
): Promise<T> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    ...(password && { password }),
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitUntilFormed(
  nodes: readonly RedisClusterNode[],
  password?: string,
): Promise<void> {
  const isFormed = async (node: RedisClusterNode) =>
    withNode(
      node.port,
      async (redis) => {
        const info = String(await redis.cluster('INFO'));
        const replication = await redis.info('replication');
        const isSynced =
          !replication.includes('role:slave') || replication.includes('master_link_status:up');
        return (
          info.includes('cluster_state:ok') &&
          info.includes(`cluster_known_nodes:${nodes.length}`) &&
          isSynced
        );
      },
      password,
    );
  const deadline = Date.now() + 30_000;
  while (!(await Promise.all(nodes.map(isFormed))).every(Boolean)) {
    if (Date.now() > deadline) throw new Error('redis cluster did not form within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function masterOfSlot(nodes: readonly RedisClusterNode[], slot: number, password?: string) {
  for (const node of nodes) {
    const slots = await withNode(node.port, (redis) => redis.cluster('SLOTS'), password).catch(
      () => undefined,
    );
    if (!slots) continue;
    const range = slots.find(([first, last]) => first <= slot && slot <= last);
    const owner = nodes.find((candidate) => candidate.port === range?.[2]?.[1]);
    if (owner) return owner;
  }
  throw new Error(`no live node knows the master of slot ${slot}`);
}

async function replicaOf(
  nodes: readonly RedisClusterNode[],
  master: RedisClusterNode,
  password?: string,
): Promise<RedisClusterNode | undefined> {
  const lines = String(
    await withNode(master.port, (redis) => redis.cluster('NODES'), password),
  ).split('\n');
  const masterId = lines.find((line) => line.includes('myself'))?.split(' ')[0];
  const replica = lines
    .map((line) => line.split(' '))
    .find(
      ([, , flags, parent]) =>
        flags?.includes('slave') && !flags.includes('fail') && parent === masterId,
    );
  const port = Number(replica?.[1]?.split(':')[1]?.split('@')[0]);
  return nodes.find((node) => node.port === port);
}
