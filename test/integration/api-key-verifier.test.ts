import net from 'node:net';
import fc from 'fast-check';
import { Pool } from 'pg';
import { PostgresApiKeyStore } from '../../src/adapters/postgres/postgres-api-key-store';
import { generateApiKey } from '../../src/app/api-key-secrets';
import { ApiKeyVerifier } from '../../src/app/api-key-verifier';
import type { Grant } from '../../src/domain/access/principal';
import { ErrorCode } from '../../src/domain/errors';
import type { ApiKeyStore } from '../../src/ports/api-key-store';
import { createTestDatabase, testPool } from '../support/infra';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: PostgresApiKeyStore;
const verifiers: ApiKeyVerifier[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = testPool(database.url, 4);
  store = new PostgresApiKeyStore(pool);
});

afterAll(async () => {
  await Promise.all(verifiers.map((verifier) => verifier.close()));
  await pool.end();
  await database.drop();
});

const GRANTS: Grant[] = [
  { role: 'admin', game: 'tennis' },
  { role: 'viewer', game: '*' },
];

/** A key made as `maestro keys create` makes one. */
async function aKey(subject = 'tennis-team', pepper = '') {
  const generated = generateApiKey(pepper);
  await store.create({
    id: generated.id,
    subject,
    grants: GRANTS,
    secretHash: generated.secretHash,
  });
  return generated;
}

/** The store, counting its reads (the real store answers them). */
function countingReads(inner: ApiKeyStore): ApiKeyStore & { reads: () => number } {
  let reads = 0;
  return {
    create: (key) => inner.create(key),
    get: (id) => ((reads += 1), inner.get(id)),
    list: () => inner.list(),
    revoke: (id) => inner.revoke(id),
    recordUse: (ids, at) => inner.recordUse(ids, at),
    reads: () => reads,
  };
}

function aVerifier(
  options: ConstructorParameters<typeof ApiKeyVerifier>[1] = {},
  on: ApiKeyStore = store,
) {
  const verifier = new ApiKeyVerifier(on, options);
  verifiers.push(verifier);
  return verifier;
}

const unauthenticated = (message: string): unknown =>
  expect.objectContaining({
    code: ErrorCode.UNAUTHENTICATED,
    message: `unauthenticated: ${message}`,
  }) as unknown;

describe('ApiKeyVerifier', () => {
  it('answers the principal of the key: its subject, id as credential and grants', async () => {
    const key = await aKey('ci-deployer');

    const principal = await aVerifier().verify(key.key);

    expect(principal).toEqual({
      subject: 'ci-deployer',
      credentialId: key.id,
      kind: 'api_key',
      grants: GRANTS,
    });
  });

  it('recognizes API keys by their prefix and nothing else', () => {
    const verifier = aVerifier();

    expect(verifier.recognizes('mk_anything')).toBe(true);
    expect(verifier.recognizes('eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBe(false);
    expect(verifier.recognizes('MK_0123')).toBe(false);
  });

  it('answers the same "invalid API key" for a wrong secret and for an unknown id', async () => {
    const key = await aKey();
    const other = generateApiKey('');
    const verifier = aVerifier();

    const wrongSecret = verifier.verify(`mk_${key.id}_${other.secret}`);
    const unknownId = verifier.verify(other.key);

    await expect(wrongSecret).rejects.toEqual(unauthenticated('invalid API key'));
    await expect(unknownId).rejects.toEqual(unauthenticated('invalid API key'));
  });

  it('says a malformed key is malformed without asking PostgreSQL', async () => {
    const counting = countingReads(store);
    const verifier = aVerifier({}, counting);

    for (const token of [
      'mk_',
      'mk_0123456789abcdef',
      'mk_zz_secret',
      `mk_${'0'.repeat(16)}_short`,
    ]) {
      await expect(verifier.verify(token)).rejects.toEqual(
        unauthenticated('malformed API key: expected mk_<id>_<secret>'),
      );
    }
    expect(counting.reads()).toBe(0);
  });

  it('says "API key revoked" only to the holder of a revoked key', async () => {
    const key = await aKey();
    await store.revoke(key.id);
    const verifier = aVerifier();

    await expect(verifier.verify(key.key)).rejects.toEqual(unauthenticated('API key revoked'));
    await expect(verifier.verify(`mk_${key.id}_${generateApiKey('').secret}`)).rejects.toEqual(
      unauthenticated('invalid API key'),
    );
  });

  it('reads a key once per cache lifetime, and sees its revocation once that lifetime is over', async () => {
    const key = await aKey();
    let now = Date.now();
    const counting = countingReads(store);
    const verifier = aVerifier({ cacheTtlMs: 30_000, now: () => now }, counting);

    await Promise.all([verifier.verify(key.key), verifier.verify(key.key)]);
    await verifier.verify(key.key);
    await store.revoke(key.id);
    now += 29_000;
    const withinLifetime = await verifier.verify(key.key);
    now += 2_000;
    const afterLifetime = verifier.verify(key.key);

    expect(withinLifetime.credentialId).toBe(key.id);
    await expect(afterLifetime).rejects.toEqual(unauthenticated('API key revoked'));
    expect(counting.reads()).toBe(2);
  });

  it('checks the secret on every call, even when the key is cached', async () => {
    const key = await aKey();
    const verifier = aVerifier();
    await verifier.verify(key.key);

    const wrongSecret = verifier.verify(`mk_${key.id}_${generateApiKey('').secret}`);

    await expect(wrongSecret).rejects.toEqual(unauthenticated('invalid API key'));
  });

  it('reads PostgreSQL on every call when the cache lifetime is 0', async () => {
    const key = await aKey();
    const counting = countingReads(store);
    const verifier = aVerifier({ cacheTtlMs: 0 }, counting);

    await verifier.verify(key.key);
    await store.revoke(key.id);

    await expect(verifier.verify(key.key)).rejects.toEqual(unauthenticated('API key revoked'));
    expect(counting.reads()).toBe(2);
  });

  it('keeps at most cacheMaxEntries keys, reading evicted ones again', async () => {
    const [first, second] = [await aKey(), await aKey()];
    const counting = countingReads(store);
    const verifier = aVerifier({ cacheMaxEntries: 1 }, counting);

    await verifier.verify(first.key);
    await verifier.verify(second.key);
    await verifier.verify(first.key);

    expect(counting.reads()).toBe(3);
  });

  it('verifies peppered keys only with the pepper they were made with', async () => {
    const pepper = 'p'.repeat(40);
    const key = await aKey('peppered', pepper);

    await expect(aVerifier({ pepper }).verify(key.key)).resolves.toMatchObject({
      subject: 'peppered',
    });
    await expect(aVerifier().verify(key.key)).rejects.toEqual(unauthenticated('invalid API key'));
  });

  it('answers UNAVAILABLE naming PostgreSQL, not 401, when PostgreSQL drops connections', async () => {
    // A peer that closes every connection at once, as a crashing server does. (A refused port
    // would do too, but Node's own errors fail jest's cross-realm `instanceof Error`.)
    const dropping = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const { port } = dropping.address() as net.AddressInfo;
    const downPool = new Pool({
      connectionString: `postgres://maestro:maestro@127.0.0.1:${port}/x`,
    });
    try {
      const verifier = aVerifier({}, new PostgresApiKeyStore(downPool));

      const attempt = verifier.verify(generateApiKey('').key);

      await expect(attempt).rejects.toEqual(
        expect.objectContaining({ code: ErrorCode.UNAVAILABLE, dependency: 'PostgreSQL' }),
      );
    } finally {
      await downPool.end();
      dropping.close();
    }
  });

  it('records last use in one batch, off the request path', async () => {
    const [first, second] = [await aKey(), await aKey()];
    const verifier = aVerifier();
    await verifier.verify(first.key);
    await verifier.verify(second.key);
    const unusedYet = (await store.get(first.id))?.lastUsedAt;

    await verifier.flushLastUse();

    expect(unusedYet).toBeUndefined();
    for (const id of [first.id, second.id]) {
      const lastUsedAt = (await store.get(id))?.lastUsedAt;
      expect(Date.now() - (lastUsedAt?.getTime() ?? 0)).toBeLessThan(60_000);
    }
  });

  it('answers every made-up or mangled mk_ value with 401, invalid or malformed', async () => {
    const key = await aKey();
    const verifier = aVerifier();
    const mangled = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }).map((rest) => `mk_${rest}`),
      fc.stringMatching(/^mk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/),
      fc
        .tuple(
          fc.nat(key.key.length - 1),
          fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }),
        )
        .map(([at, text]) => key.key.slice(0, at) + text + key.key.slice(at + 1)),
    );

    await fc.assert(
      fc.asyncProperty(mangled, async (token) => {
        fc.pre(token !== key.key);
        const failure = await verifier.verify(token).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toMatchObject({
          code: ErrorCode.UNAUTHENTICATED,
          message: expect.stringMatching(
            /^unauthenticated: (invalid API key|malformed API key: .*)$/,
          ) as unknown,
        });
      }),
      { numRuns: 300 },
    );
  });
});
