import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './paths';
import { spawnService, waitUntilReady, type ServiceProcess } from './process';
import { pingRedis } from './redis';
import { withNode } from './redis-cluster';

export interface RedisSentinelOptions {
  /** Holds the servers' and sentinels' directories; removed by `stop()`. */
  dir: string;
  /** The master group name (`sentinel monitor <name> …`). */
  masterName: string;
  /** How long the master may be silent before the sentinels call it down (Redis: 30000). */
  downAfterMs: number;
  sentinels?: number;
}

export interface RedisServer {
  port: number;
  process: ServiceProcess;
}

export interface RunningRedisSentinel {
  /** The first master and its replica (after a failover, roles change: see `currentMaster`). */
  servers: RedisServer[];
  sentinels: RedisServer[];
  /** The server the sentinels name as master now. */
  currentMaster(): Promise<RedisServer>;
  stop(): Promise<void>;
}

/**
 * Starts on loopback a master, its replica and `sentinels` (3) `redis-server --sentinel`
 * processes monitoring it with quorum 2, and waits until every sentinel knows the replica and
 * the other sentinels (without that, no failover can be agreed).
 */
export async function startRedisSentinel(
  options: RedisSentinelOptions,
): Promise<RunningRedisSentinel> {
  const servers: RedisServer[] = [];
  const sentinels: RedisServer[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map((server) => server.process.stop(2_000)));
    rmSync(options.dir, { recursive: true, force: true });
  };
  try {
    const masterPort = await freePort();
    servers.push(startServer(options.dir, masterPort));
    servers.push(startServer(options.dir, await freePort(), masterPort));
    await Promise.all(servers.map((server) => waitForServer(server, options.dir)));
    for (let i = 0; i < (options.sentinels ?? 3); i++) {
      sentinels.push(startSentinel(options, await freePort(), masterPort));
    }
    await Promise.all(sentinels.map((sentinel) => waitForServer(sentinel, options.dir)));
    await waitUntilMonitored(options, sentinels.length, sentinels, servers[1]!);
  } catch (error) {
    await stop();
    throw error;
  }
  const currentMaster = async () => {
    const [, port] = await askSentinels(sentinels, ['get-master-addr-by-name', options.masterName]);
    const master = servers.find((server) => server.port === Number(port));
    if (!master) throw new Error(`sentinels name an unknown master port ${String(port)}`);
    return master;
  };
  return { servers, sentinels, currentMaster, stop };
}

function startServer(dir: string, port: number, replicaOf?: number): RedisServer {
  const serverDir = path.join(dir, `redis-${port}`);
  mkdirSync(serverDir, { recursive: true });
  const process = spawnService({
    name: `redis-${port}`,
    command: 'redis-server',
    args: [
      ...['--bind', '127.0.0.1', '--port', String(port), '--dir', serverDir],
      ...['--save', '', '--appendonly', 'no'],
      ...(replicaOf ? ['--replicaof', '127.0.0.1', String(replicaOf)] : []),
    ],
    logFile: path.join(serverDir, 'redis.log'),
  });
  return { port, process };
}

function startSentinel(
  options: RedisSentinelOptions,
  port: number,
  masterPort: number,
): RedisServer {
  const sentinelDir = path.join(options.dir, `sentinel-${port}`);
  mkdirSync(sentinelDir, { recursive: true });
  const name = options.masterName;
  const config = path.join(sentinelDir, 'sentinel.conf');
  // Sentinel rewrites its configuration file as it learns: it must be its own, writable.
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${sentinelDir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${name} ${options.downAfterMs}`,
      `sentinel failover-timeout ${name} ${Math.max(options.downAfterMs * 4, 3_000)}`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  const process = spawnService({
    name: `sentinel-${port}`,
    command: 'redis-server',
    args: [config, '--sentinel'],
    logFile: path.join(sentinelDir, 'sentinel.log'),
  });
  return { port, process };
}

function waitForServer(server: RedisServer, dir: string): Promise<void> {
  const ping = () => pingRedis(`redis://127.0.0.1:${server.port}`);
  return waitUntilReady(server.process, ping, 15_000, path.join(dir, '*', '*.log'));
}

/** Every sentinel knows the replica and the others, and the replica is in sync (promotable). */
async function waitUntilMonitored(
  options: RedisSentinelOptions,
  count: number,
  sentinels: RedisServer[],
  replica: RedisServer,
) {
  const deadline = Date.now() + 30_000;
  const isSynced = () =>
    withNode(replica.port, async (redis) =>
      (await redis.info('replication')).includes('master_link_status:up'),
    ).catch(() => false);
  const isReady = (sentinel: RedisServer) =>
    withNode(sentinel.port, async (redis) => {
      const fields = (await redis.call('SENTINEL', 'MASTER', options.masterName)) as string[];
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      return field('num-slaves') === '1' && field('num-other-sentinels') === String(count - 1);
    }).catch(() => false);
  while (!((await Promise.all(sentinels.map(isReady))).every(Boolean) && (await isSynced()))) {
    if (Date.now() > deadline) throw new Error('sentinels did not discover each other within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function askSentinels(sentinels: readonly RedisServer[], args: string[]): Promise<unknown[]> {
  for (const sentinel of sentinels) {
    const reply = await withNode(sentinel.port, (redis) => redis.call('SENTINEL', ...args)).catch(
      () => undefined,
    );
    if (Array.isArray(reply)) return reply as unknown[];
  }
  throw new Error('no sentinel answered');
}
