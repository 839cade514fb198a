/**
 * The answers ApiKeyVerifier gives a key it refuses, on a store held in memory: every one is an
 * UNAUTHENTICATED `unauthenticated: <reason>`, worded as docs/security.md says and as OIDC
 * refusals are, so a client reads every refused credential the same way.
 */
import { generateApiKey } from '../../src/app/api-key-secrets';
import { ApiKeyVerifier } from '../../src/app/api-key-verifier';
import { ErrorCode } from '../../src/domain/errors';
import type { ApiKeyStore, StoredApiKey } from '../../src/ports/api-key-store';

const made = generateApiKey('');
const stored: StoredApiKey = {
  id: made.id,
  subject: 'tennis-ci',
  grants: [{ role: 'viewer', game: '*' }],
  secretHash: made.secretHash,
  createdAt: new Date(0),
};

/** A store of the one key, revoked or not. */
function storeOf(key: StoredApiKey): ApiKeyStore {
  return {
    get: (id) => Promise.resolve(id === key.id ? key : undefined),
    recordUse: () => Promise.resolve(),
    create: () => Promise.reject(new Error('not used')),
    list: () => Promise.resolve([key]),
    revoke: () => Promise.resolve(key),
  };
}

describe('ApiKeyVerifier refusals', () => {
  const verifiers: ApiKeyVerifier[] = [];
  const verifierOf = (
    key: StoredApiKey,
    options: { cacheTtlMs?: number; now?: () => number } = {},
  ) => {
    const verifier = new ApiKeyVerifier(storeOf(key), { cacheTtlMs: 0, ...options });
    verifiers.push(verifier);
    return verifier;
  };
  afterAll(() => Promise.all(verifiers.map((verifier) => verifier.close())));

  it.each([
    ['a malformed key', 'mk_short', 'malformed API key: expected mk_<id>_<secret>'],
    ['an unknown id', `mk_${'0'.repeat(16)}_${made.secret}`, 'invalid API key'],
    ['a wrong secret', `mk_${made.id}_${'A'.repeat(43)}`, 'invalid API key'],
  ])('answers "unauthenticated: <reason>" to %s', async (_case, key, reason) => {
    const failure = verifierOf(stored).verify(key);

    await expect(failure).rejects.toMatchObject({
      code: ErrorCode.UNAUTHENTICATED,
      message: `unauthenticated: ${reason}`,
    });
  });

  it('accepts a key until it expires, then answers "unauthenticated: API key expired", cached or not', async () => {
    const clock = { now: 1_000 };
    const expiring = { ...stored, expiresAt: new Date(2_000) };
    const uncached = verifierOf(expiring, { now: () => clock.now });
    const cached = verifierOf(expiring, { cacheTtlMs: 60_000, now: () => clock.now });

    await expect(uncached.verify(made.key)).resolves.toMatchObject({ subject: 'tennis-ci' });
    await expect(cached.verify(made.key)).resolves.toMatchObject({ subject: 'tennis-ci' });
    clock.now = 2_000;

    for (const verifier of [uncached, cached]) {
      await expect(verifier.verify(made.key)).rejects.toMatchObject({
        code: ErrorCode.UNAUTHENTICATED,
        message: 'unauthenticated: API key expired',
      });
    }
    // Only the holder learns it: a wrong secret is still just invalid.
    await expect(uncached.verify(`mk_${made.id}_${'A'.repeat(43)}`)).rejects.toMatchObject({
      message: 'unauthenticated: invalid API key',
    });
  });

  it('answers "unauthenticated: API key revoked" to the holder of a revoked key', async () => {
    const failure = verifierOf({ ...stored, revokedAt: new Date(1) }).verify(made.key);

    await expect(failure).rejects.toMatchObject({
      code: ErrorCode.UNAUTHENTICATED,
      message: 'unauthenticated: API key revoked',
    });
  });
});
