import { ConfigError, loadConfig } from '../../src/config/load';

const OIDC = {
  MAESTRO_OIDC_ISSUER: 'https://id.example.com/',
  MAESTRO_OIDC_AUDIENCE: 'maestro',
  MAESTRO_OIDC_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
};

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
  }
  throw new Error('expected a ConfigError');
}

describe('access configuration', () => {
  it('is off by default, with no identity provider', () => {
    expect(loadConfig({}).access).toEqual({
      isRequired: false,
      isMatchmakerRequired: false,
      apiKeys: { pepper: '', cacheTtlMs: 30_000 },
    });
  });

  it('reads the identity provider with its defaults', () => {
    const config = loadConfig({ ...OIDC, MAESTRO_AUTH_REQUIRED: 'true' });

    expect(config.access).toEqual({
      isRequired: true,
      isMatchmakerRequired: false,
      apiKeys: { pepper: '', cacheTtlMs: 30_000 },
      oidc: {
        issuer: 'https://id.example.com/',
        audience: 'maestro',
        jwksUrl: 'https://id.example.com/.well-known/jwks.json',
        rolesClaim: 'maestro_roles',
        algorithms: ['RS256', 'ES256'],
        clockToleranceSeconds: 30,
        jwksCooldownMs: 30_000,
        jwksCacheMaxAgeMs: 600_000,
      },
    });
  });

  it('names each missing part of a partial identity provider', () => {
    expect(problemsOf({ MAESTRO_OIDC_ISSUER: 'https://id.example.com/' })).toEqual([
      { variable: 'MAESTRO_OIDC_AUDIENCE', message: 'is required when MAESTRO_OIDC_ISSUER is set' },
      { variable: 'MAESTRO_OIDC_JWKS_URL', message: 'is required when MAESTRO_OIDC_ISSUER is set' },
    ]);
  });

  it('refuses a JWKS fetched in clear text from another machine', () => {
    expect(
      problemsOf({ ...OIDC, MAESTRO_OIDC_JWKS_URL: 'http://id.example.com/jwks.json' }),
    ).toEqual([
      {
        variable: 'MAESTRO_OIDC_JWKS_URL',
        message: 'must use https:// (http:// only to a loopback address)',
      },
    ]);
    expect(
      loadConfig({ ...OIDC, MAESTRO_OIDC_JWKS_URL: 'http://127.0.0.1:4000/jwks' }).access.oidc
        ?.jwksUrl,
    ).toBe('http://127.0.0.1:4000/jwks');
  });

  it('refuses symmetric or unknown algorithms and bad switches, naming the variable', () => {
    const problems = problemsOf({
      ...OIDC,
      MAESTRO_OIDC_ALGORITHMS: 'RS256,HS256',
      MAESTRO_AUTH_REQUIRED: 'yes',
    });

    expect(problems.map((problem) => problem.variable).sort()).toEqual([
      'MAESTRO_AUTH_REQUIRED',
      'MAESTRO_OIDC_ALGORITHMS',
    ]);
    expect(problems.find((p) => p.variable === 'MAESTRO_OIDC_ALGORITHMS')?.message).toMatch(
      /^must be comma-separated among RS256/,
    );
  });
});
