import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { maestroCacheDir } from '../../src/shared/cache-dir';

/** Where scripts/provision.sh caches what it builds (kept in step with scripts/provision/lib.sh). */
export const cacheDir = maestroCacheDir();
export const binDir = path.join(cacheDir, 'bin');

function provisioned(file: string, hint: string): string {
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`bash scripts/provision.sh ${hint}\``);
  return file;
}

export const temporalBinary = () => provisioned(path.join(binDir, 'temporal'), 'dev');

/** nginx, for the TLS proxy of the Temporal TLS tests (scripts/provision/nginx.sh). */
export function nginxBinary(): string {
  const marker = provisioned(path.join(binDir, '.nginx-path'), 'test');
  return readFileSync(marker, 'utf8').trim();
}

export const helmBinary = () => provisioned(path.join(binDir, 'helm'), 'test');

export function postgresBinDir(): string {
  const marker = provisioned(path.join(binDir, '.postgres-bindir'), 'dev');
  return readFileSync(marker, 'utf8').trim();
}

/** PostgreSQL refuses to run as root: when we are root, its processes run as this account. */
export function postgresAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** Whether nothing listens on host:port right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * The first port the OS hands out for outgoing connections and `listen(0)` (Linux's
 * ip_local_port_range; its default elsewhere). A test port below it is only taken by a process
 * that asks for it by number, so it cannot be lost to another test's connection later.
 */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > 1_024 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * The first of `count` consecutive ports, all free on loopback right now, picked at random between
 * 20,000 and 23,000 (or `below` when lower), for game rooms' host ports and services tests start
 * by number. Free now is not free later: test schedulers' rooms take host ports from 23,000 up to
 * the ephemeral range (test/support/operations-harness.ts), never from here.
 */
export async function freePortRange(count: number, below = Infinity): Promise<number> {
  const lowest = 20_000;
  const highest = Math.min(below, 23_000, ephemeralStart()) - count;
  if (highest <= lowest) throw new Error(`no room for ${count} ports below the ephemeral range`);
  for (;;) {
    const start = lowest + Math.floor(Math.random() * (highest - lowest));
    let free = true;
    for (let port = start; free && port < start + count; port += 1) {
      free = await isPortFree(port);
    }
    if (free) return start;
  }
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
