import type { Pool } from 'pg';
import { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { generateApiKey } from '../../src/app/api-key-secrets';
import { ErrorCode } from '../../src/domain/errors';
import { createTestDatabase, testPool } from '../support/infra';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: PostgresApiKeyStore;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = testPool(database.url, 4);
  store = new PostgresApiKeyStore(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const aNewKey = (subject = 'tennis-team') => {
  const generated = generateApiKey('');
  return {
    generated,
    key: {
      id: generated.id,
      subject,
      grants: [{ role: 'operator' as const, game: 'tennis' }],
      secretHash: generated.secretHash,
    },
  };
};

describe('PostgresApiKeyStore', () => {
  it('returns a created key, unrevoked and never used, when it is read back', async () => {
    const { key } = aNewKey();

    const created = await store.create(key);

    expect(created).toEqual({ ...key, createdAt: expect.any(Date) as unknown });
    expect(await store.get(key.id)).toEqual(created);
  });

  it('stores the hash of the secret and never the secret itself', async () => {
    const { key, generated } = aNewKey();
    await store.create(key);

    const { rows } = await pool.query('SELECT * FROM api_keys WHERE id = $1', [key.id]);

    expect(JSON.stringify(rows)).not.toContain(generated.secret);
    expect(rows[0]).toMatchObject({ secret_hash: generated.secretHash });
  });

  it('refuses a taken id with ALREADY_EXISTS', async () => {
    const { key } = aNewKey();
    await store.create(key);

    await expect(store.create({ ...key, subject: 'someone-else' })).rejects.toEqual(
      expect.objectContaining({ code: ErrorCode.ALREADY_EXISTS }),
    );
    expect((await store.get(key.id))?.subject).toBe('tennis-team');
  });

  it('finds nothing for an unknown id or one that cannot be an id', async () => {
    expect(await store.get(generateApiKey('').id)).toBeUndefined();
    expect(await store.get("' OR 1=1 --")).toBeUndefined();
    expect(await store.get('abc\u0000')).toBeUndefined();
  });

  it('lists keys oldest first without their hashes', async () => {
    const { key } = aNewKey('listed');
    await store.create(key);

    const listed = await store.list();

    expect(listed.at(-1)).toEqual({
      id: key.id,
      subject: 'listed',
      grants: key.grants,
      createdAt: expect.any(Date) as unknown,
    });
    expect(listed.every((entry) => !('secretHash' in entry))).toBe(true);
  });

  it('keeps the first revocation time when a key is revoked twice', async () => {
    const { key } = aNewKey();
    await store.create(key);

    const first = await store.revoke(key.id);
    const second = await store.revoke(key.id);

    expect(first?.revokedAt).toBeInstanceOf(Date);
    expect(second?.revokedAt).toEqual(first?.revokedAt);
    expect((await store.get(key.id))?.revokedAt).toEqual(first?.revokedAt);
  });

  it('revokes nothing and says so for an unknown id', async () => {
    expect(await store.revoke(generateApiKey('').id)).toBeUndefined();
    expect(await store.revoke('not-an-id')).toBeUndefined();
  });

  it('records last use without ever moving it backwards', async () => {
    const { key } = aNewKey();
    await store.create(key);
    const later = new Date('2030-01-02T03:04:05Z');

    await store.recordUse([key.id, generateApiKey('').id], later);
    await store.recordUse([key.id], new Date('2029-01-01T00:00:00Z'));

    expect((await store.get(key.id))?.lastUsedAt).toEqual(later);
  });

  it('refuses to answer for a row whose grants were broken by hand', async () => {
    const { key } = aNewKey();
    await store.create(key);
    await pool.query(`UPDATE api_keys SET grants = '[{"role":"root","game":"*"}]' WHERE id = $1`, [
      key.id,
    ]);

    try {
      await expect(store.get(key.id)).rejects.toEqual(
        expect.objectContaining({ code: ErrorCode.INTERNAL }),
      );
    } finally {
      await pool.query('DELETE FROM api_keys WHERE id = $1', [key.id]);
    }
  });
});
