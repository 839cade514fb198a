/**
 * fast-check arbitraries of credentials no API may accept, nor answer with a 500: odd
 * `authorization` text (control characters, NUL, huge values), `mk_` API keys of every wrong shape,
 * JWT-shaped strings with random headers and claims, and specifications of tokens to sign with a key
 * the identity provider does not publish or with claims that must be refused. Also the exact set of
 * messages a refused credential may get, and the check that none echoes the credential.
 */
import fc from 'fast-check';
import { API_KEY_PREFIX } from '../../src/domain/access/api-key';
import { MISSING_CREDENTIAL } from '../../src/api/shared/authenticate';
import { SEVERAL_AUTHORIZATIONS } from '../../src/api/shared/authorization';

/** A bad credential: the `authorization` value to send, or a token to sign first. */
export type BadCredential =
  | { kind: 'header'; value: string }
  | { kind: 'known-key'; mangle: SecretMangling }
  | {
      kind: 'signed';
      key: 'unpublished' | 'forged' | 'published';
      claims: Record<string, unknown>;
    };

/** How a valid key's secret is spoiled: one character replaced, cut short, lengthened. */
export type SecretMangling =
  | { replaceAt: number; by: string }
  | { keep: number }
  | { append: string }
  | { flipCaseAt: number };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const base64url = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: min, maxLength: max });
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
/** Any text but CR and LF, which end a header line rather than being part of its value. */
const headerText = (max: number) =>
  fc.string({ unit: 'binary', maxLength: max }).map((text) => text.replace(/[\r\n]/g, ''));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `authorization` values that are not `Bearer <credential>`, or whose credential is odd text. */
const oddAuthorization: fc.Arbitrary<string> = fc.oneof(
  headerText(40),
  headerText(40).map((text) => `Bearer ${text}`),
  fc
    .tuple(
      fc.constantFrom('bearer', 'BEARER', 'Bearer\t', 'Bearer  ', 'Basic', 'Token', 'Bearer:'),
      base64url(1, 60),
    )
    .map(([scheme, token]) => `${scheme} ${token}`),
  fc
    .tuple(base64url(1, 30), controlChar, base64url(1, 30))
    .map(([a, char, b]) => `Bearer ${a}${char}${b}`),
  fc.tuple(base64url(1, 30), base64url(1, 30)).map(([a, b]) => `Bearer ${a} ${b}`),
);

/** `mk_` followed by anything but a key: wrong lengths and alphabets, and well-shaped unknown keys. */
const apiKeyShapes: fc.Arbitrary<string> = fc.oneof(
  headerText(80).map((rest) => `${API_KEY_PREFIX}${rest}`),
  fc
    .tuple(base64url(0, 24), base64url(0, 60))
    .map(([id, secret]) => `${API_KEY_PREFIX}${id}_${secret}`),
  fc
    .tuple(hex(16), base64url(42, 44), fc.constantFrom('', '=', '.', '+', '/', '%00'))
    .map(([id, secret, tail]) => `${API_KEY_PREFIX}${id}_${secret}${tail}`),
  fc
    .tuple(hex(16), base64url(43, 43))
    .map(([id, secret]) => `${API_KEY_PREFIX}${id.toUpperCase()}_${secret}`),
  // The right shape, an id nobody was given.
  fc.tuple(hex(16), base64url(43, 43)).map(([id, secret]) => `${API_KEY_PREFIX}${id}_${secret}`),
);

const odd = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 2 }));

/** Three base64url parts: random JOSE headers (odd `alg`, `kid`, `crit`), random claims. */
const jwtShapes: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(base64url(1, 80), base64url(1, 200), base64url(0, 120)).map((parts) => parts.join('.')),
  fc
    .tuple(
      fc.record(
        {
          alg: fc.oneof(
            fc.constantFrom('none', 'None', 'HS256', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA'),
            odd,
          ),
          kid: fc.oneof(
            fc.constantFrom('rsa-1', 'ec-1'),
            odd,
            fc.integer({ min: 5_000, max: 9_000 }).map((length) => 'k'.repeat(length)),
          ),
          typ: odd,
          crit: fc.oneof(fc.constant(['b64']), fc.array(odd, { maxLength: 3 })),
          b64: fc.boolean(),
          jku: fc.constant('http://127.0.0.1:1/jwks.json'),
        },
        { requiredKeys: ['alg'] },
      ),
      fc.oneof(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      base64url(0, 342),
    )
    .map(([header, claims, signature]) => `${encode(header)}.${encode(claims)}.${signature}`),
);

/** A `sub` no credential may pass with: none, not a string, empty, or maestro's own. */
const refusedSubject: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, '', 7, null, true, ['alice'], { name: 'alice' }),
  fc.string().map((rest) => `maestro:${rest}`),
);

/** Claims that spoil an otherwise valid token, and grants it would give (`roles`) if accepted. */
const refusedClaims: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  refusedSubject.map((sub) => ({ sub })),
  fc.integer({ min: 60, max: 1_000_000 }).map((ago) => ({ exp: now() - ago })),
  fc.integer({ min: 600, max: 1_000_000 }).map((ahead) => ({ nbf: now() + ahead })),
  odd.filter((exp) => typeof exp !== 'number').map((exp) => ({ exp })),
  fc.oneof(fc.string(), headerText(30)).map((iss) => ({ iss })),
  fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })).map((aud) => ({ aud })),
);

const now = () => Math.floor(Date.now() / 1000);

/** Every kind of bad credential, weighted so each kind gets its share of runs. */
export const badCredential: fc.Arbitrary<BadCredential> = fc.oneof(
  oddAuthorization.map((value) => ({ kind: 'header' as const, value })),
  apiKeyShapes.map((key) => ({ kind: 'header' as const, value: `Bearer ${key}` })),
  jwtShapes.map((token) => ({ kind: 'header' as const, value: `Bearer ${token}` })),
  fc
    .oneof(
      fc.record({ replaceAt: fc.nat(42), by: fc.constantFrom(...BASE64URL) }),
      fc.record({ keep: fc.nat(42) }),
      fc.record({ append: base64url(1, 8) }),
      fc.record({ flipCaseAt: fc.nat(42) }),
    )
    .map((mangle) => ({ kind: 'known-key' as const, mangle })),
  fc
    .tuple(fc.constantFrom('unpublished' as const, 'forged' as const), fc.jsonValue())
    .map(([key, roles]) => ({ kind: 'signed' as const, key, claims: { maestro_roles: roles } })),
  refusedClaims.map((claims) => ({ kind: 'signed' as const, key: 'published' as const, claims })),
);

/** `secret` spoiled as `mangle` says; never `secret` itself. */
export function mangledSecret(secret: string, mangle: SecretMangling): string {
  if ('keep' in mangle) return secret.slice(0, mangle.keep);
  if ('append' in mangle) return `${secret}${mangle.append}`;
  const at = 'replaceAt' in mangle ? mangle.replaceAt : mangle.flipCaseAt;
  const char = secret.charAt(at);
  const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
  const by = 'replaceAt' in mangle ? mangle.by : flipped;
  const replacement = by === char ? (char === 'A' ? 'B' : 'A') : by;
  return `${secret.slice(0, at)}${replacement}${secret.slice(at + 1)}`;
}

/** `Bearer ` and `length` characters of base64url: a credential as long as asked. */
export const hugeBearer = (length: number): fc.Arbitrary<string> =>
  fc.constantFrom(...BASE64URL).map((char) => `Bearer mk_${char.repeat(length - 10)}`);

/** Every reason a refused credential may be given (after `unauthenticated: `). */
const REASONS: readonly string[] = [
  MISSING_CREDENTIAL,
  SEVERAL_AUTHORIZATIONS,
  'malformed authorization: expected `Bearer <credential>`',
  'unrecognized credential: neither an API key nor a JSON Web Token (header.payload.signature)',
  'malformed API key: expected mk_<id>_<secret>',
  'invalid API key',
  'credential subject must not be empty',
  'credential subject must be at most 200 characters',
  'credential subject must not contain control characters',
  "credential subject must not start with maestro: (maestro's own)",
  'token has expired',
  'token was issued by another issuer',
  'token is meant for another audience',
  'token is not valid yet',
  'token issue time is invalid',
  'token has no subject (sub)',
  'token signature is invalid',
  'token is signed with a key the identity provider does not publish (kid)',
  'token key id (kid) is ambiguous',
  'token algorithm is not allowed',
  'token is malformed',
];

/** True for a message the APIs give a refused credential (`token claim exp is invalid` too). */
export const isRefusalMessage = (message: string): boolean =>
  message.startsWith('unauthenticated: ') &&
  (REASONS.includes(message.slice('unauthenticated: '.length)) ||
    /^unauthenticated: token claim [a-z]+ is invalid$/.test(message));

/** The longest run of `sent` (as text or as its bytes read as Latin-1) found in `message`. */
export function echoedLength(message: string, sent: string): number {
  const forms = [sent, Buffer.from(sent).toString('latin1')];
  let longest = 0;
  for (const form of forms) {
    for (let start = 0; start < form.length; start += 1) {
      while (
        start + longest < form.length &&
        message.includes(form.slice(start, start + longest + 1))
      ) {
        longest += 1;
      }
    }
  }
  return longest;
}

/** Any value of a header other than `authorization`: odd text, near-real values, long ones. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  headerText(60),
  fc.constantFrom(
    '',
    'default',
    ' default ',
    'Default',
    'application/json; charset=utf-16',
    'application/json; charset=\u00ff',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json\u0000',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 4_000, maxLength: 12_000 }),
);
