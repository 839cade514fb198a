import { DatabaseError } from 'pg';
import type { Logger } from 'pino';
import { PostgresApiKeyStore } from '../adapters/postgres/postgres-api-key-store';
import { createPostgresPool } from '../adapters/postgres/pool';
import type { ApiKey } from '../domain/access/api-key';
import { formatGrant } from '../domain/access/grants';
import { generateApiKey } from '../app/api-key-secrets';
import type { ApiKeyStore } from '../ports/api-key-store';
import type { ApiKeysConfig, Config } from '../config/load';
import { KEYS_USAGE, parseKeysArguments, type KeysCommand } from './keys-arguments';

const UNDEFINED_TABLE = '42P01';

/** Where the command writes: results to `out` (stdout), problems to `err` (stderr). */
export interface KeysOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * `maestro keys create|list|revoke`: manages the Management API's and matchmakers' API keys in
 * PostgreSQL. Exit codes: 0 done, 1 failure (unknown key id, PostgreSQL unreachable or not
 * migrated), 2 usage error.
 */
export async function runKeysCommand(
  args: readonly string[],
  config: Config,
  log: Logger,
  output: KeysOutput,
): Promise<number> {
  const command = parseKeysArguments(args);
  if ('usageError' in command) {
    output.err(`maestro keys: ${command.usageError}\n\n${KEYS_USAGE}`);
    return 2;
  }
  if (command.action === 'help') {
    output.out(KEYS_USAGE);
    return 0;
  }
  const pool = createPostgresPool({ ...config.postgres, poolSize: 1 }, log);
  try {
    const store = new PostgresApiKeyStore(pool);
    return await runKeys(command, store, config.access.apiKeys, output);
  } catch (error) {
    output.err(`maestro keys ${command.action}: ${describeFailure(error)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

/** Runs one parsed command against `store`; returns the exit code. */
export async function runKeys(
  command: Exclude<KeysCommand, { action: 'help' }>,
  store: ApiKeyStore,
  settings: ApiKeysConfig,
  output: KeysOutput,
): Promise<number> {
  switch (command.action) {
    case 'create':
      return createKey(command, store, settings.pepper, output);
    case 'list': {
      const keys = await store.list();
      output.out(command.isJson ? JSON.stringify(keys.map(toJson), null, 2) : table(keys));
      return 0;
    }
    case 'revoke':
      return revokeKey(command.id, store, settings.cacheTtlMs, output);
  }
}

async function createKey(
  { subject, grants, expiresInMs, isJson }: Extract<KeysCommand, { action: 'create' }>,
  store: ApiKeyStore,
  pepper: string,
  output: KeysOutput,
): Promise<number> {
  const generated = generateApiKey(pepper);
  const created = await store.create({
    id: generated.id,
    subject,
    grants,
    secretHash: generated.secretHash,
    ...(expiresInMs !== undefined && { expiresAt: new Date(Date.now() + expiresInMs) }),
  });
  if (isJson) {
    output.out(JSON.stringify({ ...toJson(created), key: generated.key }, null, 2));
  } else {
    const expiry = created.expiresAt ? `; it expires at ${created.expiresAt.toISOString()}` : '';
    output.out(
      `API key ${created.id} created for ${created.subject} (${grants.map(formatGrant).join(', ')})${expiry}.\n` +
        `It is shown only this once; store it now:\n\n${generated.key}`,
    );
  }
  return 0;
}

async function revokeKey(
  id: string,
  store: ApiKeyStore,
  cacheTtlMs: number,
  output: KeysOutput,
): Promise<number> {
  const before = await store.get(id);
  const revoked = before && (await store.revoke(id));
  if (!revoked) {
    output.err(
      `maestro keys revoke: no API key with id "${id}" (\`maestro keys list\` shows them)`,
    );
    return 1;
  }
  if (before.revokedAt) {
    output.out(`API key ${id} was already revoked at ${before.revokedAt.toISOString()}`);
  } else {
    output.out(
      `API key ${id} revoked; running processes stop accepting it within ${cacheTtlMs / 1000} s`,
    );
  }
  return 0;
}

function toJson(key: ApiKey) {
  return {
    id: key.id,
    subject: key.subject,
    grants: key.grants,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

function table(keys: readonly ApiKey[]): string {
  if (keys.length === 0) return 'no API keys (`maestro keys create` makes one)';
  const rows = [
    ['ID', 'SUBJECT', 'GRANTS', 'CREATED', 'LAST USED', 'EXPIRES', 'REVOKED'],
    ...keys.map((key) => [
      key.id,
      key.subject,
      key.grants.map(formatGrant).join(','),
      key.createdAt.toISOString(),
      key.lastUsedAt?.toISOString() ?? '-',
      key.expiresAt?.toISOString() ?? '-',
      key.revokedAt?.toISOString() ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function describeFailure(error: unknown): string {
  if (error instanceof DatabaseError && error.code === UNDEFINED_TABLE) {
    return 'the api_keys table does not exist: run `maestro migrate` first';
  }
  return error instanceof Error ? error.message : String(error);
}
