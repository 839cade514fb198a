/**
 * What a principal's grants allow: role order, `role:game` parsing, and the questions access
 * control asks (does it hold a role on a game, which games can it read). Pure.
 */
import { ALL_GAMES, Role, type Grant } from './principal';

/** The roles that imply the ones before them; `matchmaker` stands apart. */
const RANKED_ROLES: readonly Role[] = [Role.VIEWER, Role.OPERATOR, Role.ADMIN];

const ROLES: readonly string[] = Object.values(Role);

/**
 * `role:game` (`admin:game-a`, `viewer:*`) as a grant: the role is up to the first colon, the game
 * is the rest. Undefined when the role is unknown or the game is empty or starts or ends with
 * whitespace. Used for OIDC claims and API key grants alike.
 */
export function parseGrant(text: string): Grant | undefined {
  const separator = text.indexOf(':');
  if (separator < 0) return undefined;
  const role = text.slice(0, separator);
  const game = text.slice(separator + 1);
  if (!ROLES.includes(role) || game === '' || game.trim() !== game) return undefined;
  return { role: role as Role, game };
}

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
