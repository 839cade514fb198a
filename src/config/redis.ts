/**
 * The Redis slice of the configuration: the three connection modes (MAESTRO_REDIS_MODE), the rules
 * between their variables, and the typed settings the Redis client is built from.
 */
import type { ConfigProblem } from './problems';
import type { Environment } from './schema';

/** A Redis node or sentinel address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** Credentials and TLS of the data nodes (standalone: also accepted in the URL). */
export interface RedisNodeAuth {
  username?: string;
  password?: string;
  isTls?: boolean;
}

/** Where the data lives, per mode. `mode` may be left out for one server (tests, scripts). */
export type RedisConnection =
  | { mode?: 'standalone'; url: string }
  | { mode: 'cluster'; nodes: readonly RedisNode[] }
  | {
      mode: 'sentinel';
      sentinels: readonly RedisNode[];
      masterName: string;
      sentinelPassword?: string;
    };

/** Everything the Redis client is created from. */
export type RedisConfig = RedisConnection &
  RedisNodeAuth & {
    /** Prefix of every key (hash tags stay intact: it may not contain `{` or `}` in cluster mode). */
    keyPrefix: string;
    /** A command unanswered this long is failed; unset: no bound. */
    commandTimeoutMs?: number;
  };

type Rule = [isBroken: boolean, variable: keyof Environment, message: string];

/**
 * The rules between the Redis variables, every broken one at once. `explicit` holds the variables
 * the operator set (a default MAESTRO_REDIS_URL is not a conflict, a set one is).
 */
export function checkRedisSettings(
  env: Environment,
  explicit: ReadonlySet<string>,
): ConfigProblem[] {
  const mode = env.MAESTRO_REDIS_MODE;
  const isStandalone = mode === 'standalone';
  const rules: Rule[] = [
    [
      mode !== 'standalone' && env.MAESTRO_REDIS_NODES === '',
      'MAESTRO_REDIS_NODES',
      `is required when MAESTRO_REDIS_MODE is ${mode} (${mode === 'cluster' ? 'the seed nodes' : 'the sentinels'}, host:port,…)`,
    ],
    [
      mode === 'sentinel' && env.MAESTRO_REDIS_SENTINEL_MASTER === '',
      'MAESTRO_REDIS_SENTINEL_MASTER',
      'is required when MAESTRO_REDIS_MODE is sentinel (the master group name the sentinels monitor)',
    ],
    [
      isStandalone && env.MAESTRO_REDIS_NODES !== '',
      'MAESTRO_REDIS_NODES',
      'is only used when MAESTRO_REDIS_MODE is cluster or sentinel (standalone uses MAESTRO_REDIS_URL)',
    ],
    [
      mode !== 'sentinel' && env.MAESTRO_REDIS_SENTINEL_MASTER !== '',
      'MAESTRO_REDIS_SENTINEL_MASTER',
      'is only used when MAESTRO_REDIS_MODE is sentinel',
    ],
    [
      mode !== 'sentinel' && env.MAESTRO_REDIS_SENTINEL_PASSWORD !== '',
      'MAESTRO_REDIS_SENTINEL_PASSWORD',
      'is only used when MAESTRO_REDIS_MODE is sentinel',
    ],
    [
      !isStandalone && explicit.has('MAESTRO_REDIS_URL'),
      'MAESTRO_REDIS_URL',
      `is not used when MAESTRO_REDIS_MODE is ${mode}: the nodes come from MAESTRO_REDIS_NODES`,
    ],
    [
      isStandalone &&
        env.MAESTRO_REDIS_PASSWORD !== '' &&
        new URL(env.MAESTRO_REDIS_URL).password !== '',
      'MAESTRO_REDIS_PASSWORD',
      'is set and MAESTRO_REDIS_URL carries a password too: keep one',
    ],
    [
      mode === 'cluster' && /[{}]/.test(env.MAESTRO_REDIS_KEY_PREFIX),
      'MAESTRO_REDIS_KEY_PREFIX',
      'may not contain { or } when MAESTRO_REDIS_MODE is cluster: it would replace the per-scheduler hash tags',
    ],
  ];
  return rules
    .filter(([isBroken]) => isBroken)
    .map(([, variable, message]) => ({ variable, message }));
}

/** The typed Redis settings of a valid environment. */
export function toRedisConfig(env: Environment): RedisConfig {
  const common = {
    keyPrefix: env.MAESTRO_REDIS_KEY_PREFIX,
    commandTimeoutMs: env.MAESTRO_REDIS_COMMAND_TIMEOUT_MS,
    ...(env.MAESTRO_REDIS_USERNAME && { username: env.MAESTRO_REDIS_USERNAME }),
    ...(env.MAESTRO_REDIS_PASSWORD && { password: env.MAESTRO_REDIS_PASSWORD }),
    ...(env.MAESTRO_REDIS_TLS && { isTls: true }),
  };
  switch (env.MAESTRO_REDIS_MODE) {
    case 'standalone':
      return { mode: 'standalone', url: env.MAESTRO_REDIS_URL, ...common };
    case 'cluster':
      return { mode: 'cluster', nodes: parseNodes(env.MAESTRO_REDIS_NODES), ...common };
    case 'sentinel':
      return {
        mode: 'sentinel',
        sentinels: parseNodes(env.MAESTRO_REDIS_NODES),
        masterName: env.MAESTRO_REDIS_SENTINEL_MASTER,
        ...(env.MAESTRO_REDIS_SENTINEL_PASSWORD && {
          sentinelPassword: env.MAESTRO_REDIS_SENTINEL_PASSWORD,
        }),
        ...common,
      };
  }
}

/** `host:port,host:port` (already validated by the schema). */
export function parseNodes(list: string): RedisNode[] {
  return list.split(',').map((entry) => {
    const separator = entry.lastIndexOf(':');
    return { host: entry.slice(0, separator), port: Number(entry.slice(separator + 1)) };
  });
}
