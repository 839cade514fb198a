/**
 * What a principal's grants allow: role order, `role:game` parsing, and the questions access
 * control asks (does it hold a role on a game, which games can it read). Pure.
 */
import { MAX_GAME_LENGTH } from '../scheduler/validation';
import { ALL_GAMES, Role, type Grant } from './principal';

/** The roles that imply the ones before them; `matchmaker` stands apart. */
const RANKED_ROLES: readonly Role[] = [Role.VIEWER, Role.OPERATOR, Role.ADMIN];

const ROLES: readonly string[] = Object.values(Role);

/**
 * A grant written `role:game` (`admin:tennis`, `viewer:*`), or the reason it is not one: the role
 * (up to the first `:`) must be one of {@link Role}; the game (the rest) a game name of 1 to
 * {@link MAX_GAME_LENGTH} characters without control characters or surrounding whitespace, or `*`
 * for all games. API key grants (`maestro keys create --grant`) and OIDC claims read the same.
 */
export function readGrant(text: string): Grant | { readonly problem: string } {
  const separator = text.indexOf(':');
  if (separator < 0) return { problem: `"${text}" is not role:game (e.g. admin:tennis)` };
  const role = text.slice(0, separator);
  const game = text.slice(separator + 1);
  if (!ROLES.includes(role)) {
    return { problem: `"${role}" is not a role: expected one of ${ROLES.join(', ')}` };
  }
  const isGame =
    game !== '' &&
    game.length <= MAX_GAME_LENGTH &&
    game.trim() === game &&
    !hasControlCharacters(game);
  if (!isGame) {
    return {
      problem: `"${game}" is not a game: expected a game name (1-${MAX_GAME_LENGTH} characters) or ${ALL_GAMES} for all games`,
    };
  }
  return { role: role as Role, game };
}

/** {@link readGrant}, undefined for anything that is not a grant (OIDC claims skip those). */
export function parseGrant(text: string): Grant | undefined {
  const grant = readGrant(text);
  return 'problem' in grant ? undefined : grant;
}

/** `role:game`, as {@link readGrant} reads it. */
export function formatGrant(grant: Grant): string {
  return `${grant.role}:${grant.game}`;
}

// eslint-disable-next-line no-control-regex
export const hasControlCharacters = (value: string): boolean => /[\u0000-\u001f\u007f]/.test(value);

/** True when holding `held` allows what `needed` allows (admin ⊃ operator ⊃ viewer). */
export function roleSatisfies(held: Role, needed: Role): boolean {
  if (held === needed) return true;
  const heldRank = RANKED_ROLES.indexOf(held);
  const neededRank = RANKED_ROLES.indexOf(needed);
  return heldRank >= 0 && neededRank >= 0 && heldRank >= neededRank;
}

const coversGame = (grant: Grant, game: string) => grant.game === ALL_GAMES || grant.game === game;

/** True when a grant on `game` (or on every game) gives `role` or a role implying it. */
export function holdsRole(grants: readonly Grant[], role: Role, game: string): boolean {
  return grants.some((grant) => coversGame(grant, game) && roleSatisfies(grant.role, role));
}

/**
 * True when any grant names `game` or every game. Without one, a scheduler of `game` does not
 * exist for the principal (404, as for an unknown scheduler); with one but too low, it is 403.
 */
export function knowsGame(grants: readonly Grant[], game: string): boolean {
  return grants.some((grant) => coversGame(grant, game));
}

/** True when some grant covers every game: an unknown scheduler is then no secret. */
export function knowsEveryGame(grants: readonly Grant[]): boolean {
  return grants.some((grant) => grant.game === ALL_GAMES);
}
