/**
 * OpenID Connect tokens against a JWKS served over HTTP by the test, with real RS256 and ES256
 * keys: what is accepted, why each bad token is refused (401 reasons that leak nothing), key
 * rotation, and an identity provider that cannot answer (503, not 401).
 */
import { SignJWT } from 'jose';
import { OidcCredentialVerifier } from '../../src/adapters/oidc/oidc-credential-verifier';
import { toWireError } from '../../src/api/shared/error-mapping';
import { loadConfig } from '../../src/config/load';
import { signingKey, TestIdentityProvider, type SigningKey } from '../support/oidc-provider';

describe('OidcCredentialVerifier', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let provider: TestIdentityProvider;
  let verifier: OidcCredentialVerifier;

  /** What a caller of the API would be told: status and message. */
  const refusal = async (token: string) => {
    const error = await verifier.verify(token).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const wire = toWireError(error);
    return { status: wire.httpStatus, message: wire.message };
  };

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256')]);
    provider = await TestIdentityProvider.start([rsa, ec]);
    verifier = new OidcCredentialVerifier(loadConfig(provider.environment()).access.oidc!);
  });

  afterAll(() => provider.close());

  it.each(['RS256', 'ES256'] as const)(
    'proves the subject and grants of a %s token',
    async (alg) => {
      const token = await provider.token({
        key: alg === 'RS256' ? rsa : ec,
        subject: 'ci-bot',
        roles: ['admin:game-a', 'viewer:*', 'owner:game-b', 7],
        claims: { jti: 'token-1' },
      });

      const principal = await verifier.verify(token);

      expect(principal).toEqual({
        subject: 'ci-bot',
        credentialId: 'https://id.test.maestro/#token-1',
        kind: 'oidc',
        grants: [
          { role: 'admin', game: 'game-a' },
          { role: 'viewer', game: '*' },
        ],
      });
    },
  );

  it('names each bad token with a reason, never the token, and answers 401', async () => {
    const other = await signingKey('rsa-1', 'RS256');
    const cases: Array<[string, string]> = [
      [await provider.token({ expiresIn: -120 }), 'token has expired'],
      [await provider.token({ audience: 'someone-else' }), 'token is meant for another audience'],
      [
        await provider.token({ issuer: 'https://evil.example/' }),
        'token was issued by another issuer',
      ],
      [await provider.token({ key: other }), 'token signature is invalid'],
      // The signature is checked before the payload is read.
      ['eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', 'token signature is invalid'],
      ['eyJub3QiOiJqc29u.e30.c2ln', 'token is malformed'],
      ['a.b.c', 'token is malformed'],
    ];

    for (const [token, reason] of cases) {
      const answer = await refusal(token);
      expect(answer).toEqual({ status: 401, message: `unauthenticated: ${reason}` });
      expect(answer.message).not.toContain(token);
    }
  });

  it('refuses unsigned and symmetric tokens whatever their claims', async () => {
    const header = (alg: string) =>
      Buffer.from(JSON.stringify({ alg, kid: 'rsa-1' })).toString('base64url');
    const claims = Buffer.from(
      JSON.stringify({
        sub: 'mallory',
        iss: 'https://id.test.maestro/',
        aud: 'maestro-management-api',
        exp: 9e9,
      }),
    ).toString('base64url');
    const hs256 = await new SignJWT({ sub: 'mallory' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setIssuer('https://id.test.maestro/')
      .setAudience('maestro-management-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret of at least 32 bytes!!'));

    expect(await refusal(`${header('none')}.${claims}.`)).toEqual({
      status: 401,
      message: 'unauthenticated: token algorithm is not allowed',
    });
    expect(await refusal(hs256)).toEqual({
      status: 401,
      message: 'unauthenticated: token algorithm is not allowed',
    });
  });

  it('accepts a rotated-in key once published and refuses the dropped one', async () => {
    const next = await signingKey('rsa-2', 'RS256');
    const oldToken = await provider.token({ key: rsa });
    const newToken = await provider.token({ key: next });
    expect((await verifier.verify(oldToken)).subject).toBe('alice@studio');
    expect(await refusal(newToken)).toEqual({
      status: 401,
      message:
        'unauthenticated: token is signed with a key the identity provider does not publish (kid)',
    });

    provider.publish([next, ec]);

    expect((await verifier.verify(newToken)).subject).toBe('alice@studio');
    expect(await refusal(oldToken)).toEqual({
      status: 401,
      message:
        'unauthenticated: token is signed with a key the identity provider does not publish (kid)',
    });
    provider.publish([rsa, ec]);
  });

  it('answers 503 naming the identity provider when its JWKS cannot be fetched', async () => {
    const fresh = new OidcCredentialVerifier(loadConfig(provider.environment()).access.oidc!);
    provider.fail();
    try {
      const error = await fresh.verify(await provider.token()).catch((failure: unknown) => failure);
      const wire = toWireError(error);

      expect(wire).toMatchObject({
        httpStatus: 503,
        message:
          'identity provider https://id.test.maestro/ is unavailable: its JWKS could not be fetched',
      });
    } finally {
      provider.fail(false);
    }
  });

  it('fetches the JWKS once for many tokens (cached)', async () => {
    const cached = new OidcCredentialVerifier({
      ...loadConfig(provider.environment()).access.oidc!,
      jwksCooldownMs: 30_000,
    });
    const before = provider.fetches;

    for (let i = 0; i < 5; i += 1)
      await cached.verify(await provider.token({ key: i % 2 ? ec : rsa }));

    expect(provider.fetches - before).toBe(1);
  });
});
