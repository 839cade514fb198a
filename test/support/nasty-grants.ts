/**
 * fast-check arbitraries of an OIDC token's grants claim (`maestro_roles`) full of near misses of a
 * real grant on a game: `admin: *`, `Admin:*`, `admin:*\u0000`, the game name with one character
 * changed, besides exact grants, odd JSON and huge arrays; and the roles the documented grammar
 * (an array of `role:game` strings or one space-separated string) gives on the game.
 */
import fc from 'fast-check';
import { ALL_GAMES, Role } from '../../src/domain/access/principal';

const ROLES: readonly Role[] = Object.values(Role);

/** Characters that make a grant look right to a person but not to the grammar. */
const LOOKALIKES = [' ', '\t', '\u0000', '\u00a0', '\u200b', '\u3000', ':', '*', '\uff0a', 'ſ'];

const exactGrant = (game: string) =>
  fc
    .tuple(fc.constantFrom(...ROLES), fc.constantFrom(ALL_GAMES, game))
    .map(([role, on]) => `${role}:${on}`);

const insertAt = (text: string, at: number, inserted: string) =>
  `${text.slice(0, at % (text.length + 1))}${inserted}${text.slice(at % (text.length + 1))}`;

const flipCaseAt = (text: string, at: number) => {
  const index = at % text.length;
  const char = text.charAt(index);
  const flipped = char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase();
  return `${text.slice(0, index)}${flipped}${text.slice(index + 1)}`;
};

/** An exact grant with one character inserted or its case flipped somewhere. */
const nearMiss = (game: string) =>
  fc
    .tuple(
      exactGrant(game),
      fc.nat(),
      fc.oneof(
        fc.constantFrom(...LOOKALIKES),
        fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }),
        fc.constant(undefined),
      ),
    )
    .map(([grant, at, inserted]) =>
      inserted === undefined ? flipCaseAt(grant, at) : insertAt(grant, at, inserted),
    );

const entry = (game: string) =>
  fc.oneof(
    { arbitrary: nearMiss(game), weight: 6 },
    { arbitrary: exactGrant(game), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
  );

/** A grants claim about `game`: arrays, one space-separated string, huge arrays, odd JSON. */
export const grantsClaim = (game: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.array(entry(game), { maxLength: 6 }),
    fc.array(nearMiss(game), { minLength: 1, maxLength: 6 }).map((grants) => grants.join(' ')),
    fc.array(nearMiss(game), { minLength: 200, maxLength: 400 }),
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(fc.constantFrom(...ROLES), fc.constantFrom(ALL_GAMES, game, [game])),
  );

/** The roles `claim` grants on `game`, read by the documented grammar. */
export function rolesOn(claim: unknown, game: string): Role[] {
  const entries: unknown[] =
    typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
  return ROLES.filter((role) =>
    entries.some((item) => item === `${role}:${ALL_GAMES}` || item === `${role}:${game}`),
  );
}
