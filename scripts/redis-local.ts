/**
 * `node --import tsx scripts/redis-local.ts cluster|sentinel`: starts a Redis Cluster (3 masters,
 * 3 replicas) or a master, a replica and 3 sentinels on free loopback ports, prints the MAESTRO_*
 * settings that reach it, and on Ctrl-C stops every process and removes its files. For trying
 * `npm run dev` (or a single module) against Cluster or Sentinel.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisCluster } from './local-infra/redis-cluster';
import { startRedisSentinel } from './local-infra/redis-sentinel';

const say = (message: string) => process.stdout.write(`${message}\n`);

async function start(
  mode: string | undefined,
): Promise<{ env: string[]; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `maestro-redis-${mode}-`));
  if (mode === 'cluster') {
    const cluster = await startRedisCluster({ dir, nodeTimeoutMs: 5_000 });
    const nodes = cluster.seeds.map((node) => `${node.host}:${node.port}`).join(',');
    return {
      env: ['MAESTRO_REDIS_MODE=cluster', `MAESTRO_REDIS_NODES=${nodes}`],
      stop: () => cluster.stop(),
    };
  }
  if (mode === 'sentinel') {
    const sentinel = await startRedisSentinel({ dir, masterName: 'maestro', downAfterMs: 5_000 });
    const nodes = sentinel.sentinels.map((node) => `127.0.0.1:${node.port}`).join(',');
    return {
      env: [
        'MAESTRO_REDIS_MODE=sentinel',
        `MAESTRO_REDIS_NODES=${nodes}`,
        'MAESTRO_REDIS_SENTINEL_MASTER=maestro',
      ],
      stop: () => sentinel.stop(),
    };
  }
  throw new Error('usage: node --import tsx scripts/redis-local.ts cluster|sentinel');
}

async function main(): Promise<void> {
  const running = await start(process.argv[2]);
  say(running.env.join('\n'));
  say('(Ctrl-C stops it)');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
