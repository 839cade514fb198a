import { generateApiKey, hashSecret, isSecretOf } from '../../src/app/api-key-secrets';
import { formatApiKey, parseApiKey } from '../../src/domain/access/api-key';
import { subjectProblem } from '../../src/domain/access/subject';
import { formatGrant, readGrant } from '../../src/domain/access/grants';
import { ConfigError, loadConfig } from '../../src/config/load';

const PEPPER = 'a-server-side-pepper-of-32-characters-or-more';
const ID = '0123456789abcdef';
const SECRET = 'A'.repeat(21) + '_-' + 'z'.repeat(20);

describe('generateApiKey', () => {
  it('makes mk_<16 hex id>_<43 base64url secret> keys that parse back to their id and secret', () => {
    const generated = generateApiKey('');

    expect(generated.key).toMatch(/^mk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(generated.key)).toEqual({ id: generated.id, secret: generated.secret });
  });

  it('puts 256 random bits in the secret and never repeats an id or a secret', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey(''));

    expect(Buffer.from(keys[0]!.secret, 'base64url')).toHaveLength(32);
    expect(new Set(keys.map((key) => key.id)).size).toBe(200);
    expect(new Set(keys.map((key) => key.secret)).size).toBe(200);
  });

  it('stores a hash that does not contain the secret and verifies only that secret', () => {
    const generated = generateApiKey('');
    const other = generateApiKey('');

    expect(generated.secretHash).not.toContain(generated.secret);
    expect(isSecretOf(generated.secret, generated.secretHash, '')).toBe(true);
    expect(isSecretOf(other.secret, generated.secretHash, '')).toBe(false);
  });
});

describe('parseApiKey', () => {
  it('reads a secret that itself contains _ and -', () => {
    expect(parseApiKey(formatApiKey({ id: ID, secret: SECRET }))).toEqual({
      id: ID,
      secret: SECRET,
    });
  });

  it.each([
    ['no prefix', `${ID}_${SECRET}`],
    ['another prefix', `mk-${ID}_${SECRET}`],
    ['no separator', `mk_${ID}${SECRET}`],
    ['a short id', `mk_0123456789abcde_${SECRET}`],
    ['an uppercase id', `mk_0123456789ABCDEF_${SECRET}`],
    ['a short secret', `mk_${ID}_${SECRET.slice(1)}`],
    ['a long secret', `mk_${ID}_${SECRET}x`],
    ['a secret with a character outside base64url', `mk_${ID}_${SECRET.slice(1)}+`],
    ['trailing whitespace', `mk_${ID}_${SECRET} `],
    ['only the prefix', 'mk_'],
    ['nothing', ''],
  ])('rejects a key with %s', (_, token) => {
    expect(parseApiKey(token)).toBeUndefined();
  });
});

describe('hashSecret and isSecretOf', () => {
  it('hashes with SHA-256 without a pepper and with HMAC-SHA-256 with one', () => {
    expect(hashSecret(SECRET, '')).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(hashSecret(SECRET, PEPPER)).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
    expect(hashSecret(SECRET, PEPPER).split(':')[1]).not.toBe(hashSecret(SECRET, '').split(':')[1]);
  });

  it('verifies a peppered hash only with the same pepper', () => {
    const peppered = hashSecret(SECRET, PEPPER);

    expect(isSecretOf(SECRET, peppered, PEPPER)).toBe(true);
    expect(isSecretOf(SECRET, peppered, '')).toBe(false);
    expect(isSecretOf(SECRET, peppered, `${PEPPER}!`)).toBe(false);
  });

  it('still verifies keys hashed before a pepper was configured', () => {
    expect(isSecretOf(SECRET, hashSecret(SECRET, ''), PEPPER)).toBe(true);
  });

  it.each([
    ['an unknown scheme', `md5:${hashSecret(SECRET, '').split(':')[1]}`],
    ['no scheme', hashSecret(SECRET, '').split(':')[1]!],
    ['a truncated digest', hashSecret(SECRET, '').slice(0, -2)],
    ['an empty hash', ''],
  ])('refuses a stored hash with %s', (_, stored) => {
    expect(isSecretOf(SECRET, stored, PEPPER)).toBe(false);
  });
});

describe('readGrant', () => {
  it.each([
    ['admin:tennis', { role: 'admin', game: 'tennis' }],
    ['viewer:*', { role: 'viewer', game: '*' }],
    ['operator:Tennis Club', { role: 'operator', game: 'Tennis Club' }],
    ['matchmaker:studio:tennis', { role: 'matchmaker', game: 'studio:tennis' }],
  ])('reads %s', (text, grant) => {
    expect(readGrant(text)).toEqual(grant);
    expect(formatGrant(grant as never)).toBe(text);
  });

  it.each([
    ['admin', /not role:game/],
    ['root:tennis', /"root" is not a role: expected one of viewer, operator, admin, matchmaker/],
    ['Admin:tennis', /"Admin" is not a role/],
    [':tennis', /"" is not a role/],
    ['admin:', /is not a game/],
    [`admin:${'g'.repeat(256)}`, /is not a game: expected a game name \(1-255 characters\)/],
    ['admin:ten\nnis', /is not a game/],
    ['admin: tennis', /is not a game/],
  ])('explains why %j is not a grant', (text, problem) => {
    const parsed = readGrant(text);

    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});

describe('subjectProblem', () => {
  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['x'.repeat(201), 'must be at most 200 characters'],
    ['ci\u001bdeploy', 'must not contain control characters'],
    ['maestro:system', "must not start with maestro: (maestro's own)"],
  ])('rejects %j', (subject, problem) => {
    expect(subjectProblem(subject)).toBe(problem);
  });

  it('accepts a team or service name', () => {
    expect(subjectProblem('tennis-matchmaker@studio')).toBeUndefined();
  });
});

describe('API key configuration', () => {
  it('defaults to no pepper and a 30 s cache', () => {
    expect(loadConfig({}).access.apiKeys).toEqual({ pepper: '', cacheTtlMs: 30_000 });
  });

  it('rejects a pepper shorter than 32 characters, naming the variable', () => {
    expect(() => loadConfig({ MAESTRO_API_KEY_PEPPER: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAESTRO_API_KEY_PEPPER: 'short' })).toThrow(
      /MAESTRO_API_KEY_PEPPER: must be at least 32 characters/,
    );
  });

  it('reads the pepper and the cache lifetime', () => {
    const config = loadConfig({
      MAESTRO_API_KEY_PEPPER: PEPPER,
      MAESTRO_API_KEY_CACHE_TTL_MS: '0',
    });

    expect(config.access.apiKeys).toEqual({ pepper: PEPPER, cacheTtlMs: 0 });
  });
});
