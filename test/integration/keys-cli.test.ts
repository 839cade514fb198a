import type { Pool } from 'pg';
import { ensureDatabase } from '../../scripts/local-infra/postgres';
import { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { ApiKeyVerifier } from '../../src/app/api-key-verifier';
import { ErrorCode } from '../../src/domain/errors';
import { createTestDatabase, sharedInfra, uniqueSuffix, testPool } from '../support/infra';
import { runMaestro } from '../support/maestro-process';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: PostgresApiKeyStore;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = testPool(database.url, 2);
  store = new PostgresApiKeyStore(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** `maestro keys …` as a user runs it; its exit code and everything it printed. */
async function keys(args: string[], env: Record<string, string> = {}) {
  const run = runMaestro(['keys', ...args], { MAESTRO_POSTGRES_URL: database.url, ...env });
  const { code } = await run.exited;
  return { code, output: run.output() };
}

/** A verifier as the Management API builds one, without a cache so each call reads PostgreSQL. */
const verify = (key: string, pepper = '', now = Date.now) => {
  const verifier = new ApiKeyVerifier(store, { cacheTtlMs: 0, pepper, now });
  return verifier.verify(key).finally(() => verifier.close());
};

const KEY = /mk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

describe('maestro keys', () => {
  it('creates a key shown once, lists it without its secret, and revokes it idempotently', async () => {
    const created = await keys([
      'create',
      '--subject',
      'tennis-team',
      '--grant',
      'admin:tennis',
      '--grant',
      'viewer:*',
    ]);
    expect(created.code).toBe(0);
    const key = KEY.exec(created.output)![0];
    const id = key.slice(3, 19);
    expect(created.output).toContain(
      `API key ${id} created for tennis-team (admin:tennis, viewer:*)`,
    );
    await expect(verify(key)).resolves.toMatchObject({ subject: 'tennis-team', credentialId: id });

    const listed = await keys(['list']);
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(
      new RegExp(`${id}\\s+tennis-team\\s+admin:tennis,viewer:\\*\\s+\\d{4}-`),
    );
    expect(listed.output).not.toContain(key.slice(20));
    expect(listed.output).not.toMatch(/sha256/);

    const revoked = await keys(['revoke', id]);
    const again = await keys(['revoke', id]);
    expect(revoked).toEqual({
      code: 0,
      output: expect.stringContaining(`API key ${id} revoked`) as unknown,
    });
    expect(again).toEqual({
      code: 0,
      output: expect.stringContaining(`API key ${id} was already revoked at`) as unknown,
    });
    await expect(verify(key)).rejects.toMatchObject({
      code: ErrorCode.UNAUTHENTICATED,
      message: 'unauthenticated: API key revoked',
    });
  });

  it('prints JSON for scripts: the new key once, then the listing with revocation times', async () => {
    const created = await keys([
      'create',
      '--subject',
      'mm',
      '--grant',
      'matchmaker:tennis',
      '--json',
    ]);
    const key = JSON.parse(created.output) as { id: string; key: string; grants: unknown };
    await keys(['revoke', key.id]);

    const listed = await keys(['list', '--json']);

    expect(key.key).toMatch(KEY);
    expect(key.grants).toEqual([{ role: 'matchmaker', game: 'tennis' }]);
    const entry = (JSON.parse(listed.output) as Record<string, unknown>[]).find(
      (k) => k['id'] === key.id,
    );
    expect(entry).toEqual({
      id: key.id,
      subject: 'mm',
      grants: [{ role: 'matchmaker', game: 'tennis' }],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    expect(listed.output).not.toContain(key.key);
  });

  it('makes a key that expires, says when, and refuses it from then on', async () => {
    const before = Date.now();
    const created = await keys([
      'create',
      '--subject',
      'temp-ci',
      '--grant',
      'viewer:tennis',
      '--expires-in',
      '2h',
      '--json',
    ]);
    const made = JSON.parse(created.output) as { id: string; key: string; expiresAt: string };
    const expiresAt = Date.parse(made.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(expiresAt - before).toBeLessThan(2 * 3_600_000 + 60_000);

    const listed = await keys(['list']);
    expect(listed.output).toMatch(/EXPIRES/);
    expect(listed.output).toMatch(
      new RegExp(`${made.id}\\s+temp-ci\\s+viewer:tennis\\s+\\S+\\s+-\\s+${made.expiresAt}`),
    );
    await expect(verify(made.key)).resolves.toMatchObject({ subject: 'temp-ci' });
    await expect(verify(made.key, '', () => expiresAt)).rejects.toMatchObject({
      code: ErrorCode.UNAUTHENTICATED,
      message: 'unauthenticated: API key expired',
    });
    const refused = await keys([
      'create',
      '--subject',
      's',
      '--grant',
      'viewer:*',
      '--expires-in',
      '1y',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      '--expires-in "1y": expected a whole number of minutes, hours or days',
    );
  });

  it('hashes with the configured pepper, so the key verifies only with it', async () => {
    const pepper = 'x'.repeat(40);
    const created = await keys(['create', '--subject', 'peppered', '--grant', 'viewer:*'], {
      MAESTRO_API_KEY_PEPPER: pepper,
    });
    const key = KEY.exec(created.output)![0];

    await expect(verify(key, pepper)).resolves.toMatchObject({ subject: 'peppered' });
    await expect(verify(key)).rejects.toMatchObject({
      message: 'unauthenticated: invalid API key',
    });
  });

  it('exits 1 naming the id when asked to revoke a key that does not exist', async () => {
    const revoked = await keys(['revoke', '0123456789abcdef']);

    expect(revoked.code).toBe(1);
    expect(revoked.output).toContain('no API key with id "0123456789abcdef"');
  });

  it('exits 2 naming the flag and the rule when a grant is not role:game', async () => {
    const created = await keys(['create', '--subject', 'team', '--grant', 'owner:tennis']);

    expect(created.code).toBe(2);
    expect(created.output).toContain(
      '--grant "owner" is not a role: expected one of viewer, operator, admin, matchmaker',
    );
    expect(await store.list()).not.toContainEqual(expect.objectContaining({ subject: 'team' }));
  });

  it('exits 1 telling to migrate when the database has no api_keys table', async () => {
    const empty = await ensureDatabase(sharedInfra().postgresAdminUrl, `empty_${uniqueSuffix()}`);

    const listed = await keys(['list'], { MAESTRO_POSTGRES_URL: empty });

    expect(listed.code).toBe(1);
    expect(listed.output).toContain('run `maestro migrate` first');
  });
});
