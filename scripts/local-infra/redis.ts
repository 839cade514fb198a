import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { spawnService, waitUntilReady, type ServiceProcess } from './process';

export interface RedisOptions {
  /** Run in its own process group (see spawnService). */
  detached?: boolean;
  dir: string;
  port: number;
  /** Append-only file in `dir` (dev keeps rooms across restarts); tests keep nothing. */
  durable: boolean;
}

export interface RunningRedis {
  process: ServiceProcess;
  url: string;
}

/** Starts a redis-server on loopback. */
export async function startRedis(options: RedisOptions): Promise<RunningRedis> {
  mkdirSync(options.dir, { recursive: true });
  const logFile = path.join(options.dir, 'redis.log');
  const process = spawnService({
    name: 'redis',
    command: 'redis-server',
    args: [
      '--bind',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--dir',
      options.dir,
      '--save',
      '',
      '--appendonly',
      options.durable ? 'yes' : 'no',
      // Durable means an acknowledged write survives the process being killed: with `everysec`
      // Redis may answer before writing the log when the disk is busy (up to ~2 s of writes lost).
      '--appendfsync',
      options.durable ? 'always' : 'everysec',
    ],
    logFile,
    detached: options.detached,
  });
  const url = `redis://127.0.0.1:${options.port}`;
  await waitUntilReady(process, () => pingRedis(url), 15_000, logFile);
  return { process, url };
}

/** One PING on a fresh connection; rejects when nothing (or no Redis) answers. */
export async function pingRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined); // the failed connect() already reports it
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}
