/**
 * fast-check arbitraries of request text no API should answer with a 500 / INTERNAL: NUL and other
 * control characters, invalid UTF-8, values over the 4096-character limit and just under it, any
 * Unicode (lone surrogates included); how each is written in an HTTP path or query (percent-encoded
 * UTF-8 bytes) and in a protobuf string (raw bytes); and what the API must answer for each kind.
 *
 * Runs are reproducible: `FUZZ_SEED=<seed> [FUZZ_PATH=<path>] npx jest <file>` replays the run a
 * failure report names (fast-check prints both).
 */
import fc from 'fast-check';

/** What is wrong with the text, which decides the answer. */
export type NastyKind =
  | 'nul' // contains U+0000: 400 / INVALID_ARGUMENT naming the field
  | 'invalid-utf8' // not UTF-8: 400 / INVALID_ARGUMENT naming the field
  | 'too-long' // over 4096 characters: 400 (414 in a path) / INVALID_ARGUMENT naming the field
  | 'control' // other control characters: ordinary (if odd) text
  | 'unicode' // any code point, lone surrogates too: ordinary text
  | 'long'; // 1000 to 4096 characters: ordinary text, longer than a Temporal id may be

/** Refused before any use case sees it (the API's text rules). */
export const isRefusedKind = (kind: NastyKind): boolean =>
  kind === 'nul' || kind === 'invalid-utf8' || kind === 'too-long';

export interface NastyText {
  kind: NastyKind;
  /** The bytes a protobuf string field carries. */
  bytes: Uint8Array;
  /** The value percent-encoded for a URL path segment or query value. */
  encoded: string;
}

const isControl = (char: string) => {
  const code = char.charCodeAt(0);
  return (code >= 1 && code <= 0x1f) || (code >= 0x7f && code <= 0x9f);
};

const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });
const controlChar = fc
  .oneof(fc.integer({ min: 1, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((code) => String.fromCharCode(code));

/** Invalid UTF-8: a stray continuation byte, overlong NUL, truncated, surrogate, beyond U+10FFFF. */
const INVALID_SEQUENCES: readonly number[][] = [
  [0xff],
  [0x80],
  [0xc0, 0x80],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xfe, 0xfe, 0xff],
];

const percentEncode = (bytes: Uint8Array): string =>
  [...bytes]
    .map((byte) =>
      /[A-Za-z0-9_~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const fromText = (kind: NastyKind) => (text: string) => {
  const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
  return { kind, bytes, encoded: percentEncode(bytes) };
};

const ofLength = (min: number, max: number) =>
  fc
    // ASCII: a URL of 4096 multi-byte characters, percent-encoded, is over Node's header limit.
    .tuple(fc.integer({ min, max }), fc.constantFrom('a', '-', '_'))
    .map(([length, char]) => char.repeat(length));

/**
 * One nasty value; never empty, `.` or `..` (which a URL resolves away), so that a path segment
 * made of it is still there when the request arrives, and never a plain lowercase name.
 */
export const nastyText: fc.Arbitrary<NastyText> = fc.oneof(
  fc
    .tuple(printable, printable)
    .map(([a, b]) => `${a}\u0000${b}`)
    .map(fromText('nul')),
  fc
    .tuple(printable, fc.constantFrom(...INVALID_SEQUENCES), printable)
    .map(([before, sequence, after]) => {
      const bytes = new Uint8Array([...Buffer.from(before), ...sequence, ...Buffer.from(after)]);
      return { kind: 'invalid-utf8' as const, bytes, encoded: percentEncode(bytes) };
    }),
  ofLength(4097, 6000).map(fromText('too-long')),
  fc
    .array(fc.oneof(controlChar, printable), { minLength: 1, maxLength: 8 })
    .map((parts) => `x${parts.join('')}`)
    .filter((text) => [...text].some(isControl))
    .map(fromText('control')),
  fc
    .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.boolean())
    .map(([text, withSurrogate]) => (withSurrogate ? `${text}\ud800` : text))
    // Not a plain name either ("a", "x1"): nothing nasty, and valid wherever a scheduler name is,
    // so a CreateScheduler carrying it would rightly create one.
    .filter((text) => !text.includes('\u0000') && text !== '.' && text !== '..')
    .filter((text) => !/^[a-z0-9][a-z0-9-]*$/.test(text))
    .map(fromText('unicode')),
  ofLength(1000, 4096).map(fromText('long')),
);

/** The message of an INVALID_ARGUMENT naming `field` for text of `kind` (refused kinds only). */
export function refusalMessage(kind: NastyKind, field: string, isHttp: boolean): string {
  const rule =
    kind === 'nul'
      ? 'must not contain NUL characters'
      : kind === 'too-long'
        ? 'must be at most 4096 characters'
        : `must be valid UTF-8${isHttp ? ' (percent-encoded)' : ''}`;
  return `Validation Error:\n${field}: ${rule}`;
}

/** Integers outside the 32-bit ranges and non-integers, as query-string text. */
export const outOfRangeNumber: fc.Arbitrary<string> = fc.oneof(
  fc.bigInt({ min: 2n ** 32n, max: 2n ** 80n }).map(String),
  fc.bigInt({ min: -(2n ** 80n), max: -1n }).map(String),
  fc.constantFrom('1.5', '1e400', 'NaN', 'Infinity', 'ten', '-0.5'),
);

/** fast-check settings: `FUZZ_SEED` / `FUZZ_PATH` replay a reported failure. */
export function fuzzSettings(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env['FUZZ_SEED'];
  const path = process.env['FUZZ_PATH'];
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}

/** An answer that is an error in the API's format and not a server failure (UNKNOWN, INTERNAL). */
export function expectClientError(status: number, body: unknown): void {
  expect(status).toBeLessThan(500);
  if (status < 400) return;
  const number: unknown = expect.any(Number);
  const text: unknown = expect.any(String);
  expect(body).toEqual({ code: number, message: text, details: [] });
  expect([2, 13]).not.toContain((body as { code: number }).code);
}
