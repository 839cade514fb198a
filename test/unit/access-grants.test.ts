import {
  holdsRole,
  knowsEveryGame,
  knowsGame,
  parseGrant,
  roleSatisfies,
} from '../../src/domain/access/grants';
import { Role, type Grant } from '../../src/domain/access/principal';

describe('parseGrant', () => {
  it.each([
    ['admin:game-a', { role: 'admin', game: 'game-a' }],
    ['viewer:*', { role: 'viewer', game: '*' }],
    ['operator:studio:game', { role: 'operator', game: 'studio:game' }],
    ['matchmaker:tennis', { role: 'matchmaker', game: 'tennis' }],
  ])('reads %s', (text, grant) => {
    expect(parseGrant(text)).toEqual(grant);
  });

  it.each(['admin', 'admin:', 'root:game-a', 'Admin:game-a', ':game-a', 'admin: game-a', ''])(
    'refuses %j',
    (text) => {
      expect(parseGrant(text)).toBeUndefined();
    },
  );
});

describe('roleSatisfies', () => {
  it.each([
    [Role.ADMIN, Role.VIEWER, true],
    [Role.ADMIN, Role.OPERATOR, true],
    [Role.OPERATOR, Role.VIEWER, true],
    [Role.OPERATOR, Role.ADMIN, false],
    [Role.VIEWER, Role.OPERATOR, false],
    [Role.ADMIN, Role.MATCHMAKER, false],
    [Role.MATCHMAKER, Role.VIEWER, false],
    [Role.MATCHMAKER, Role.MATCHMAKER, true],
  ])('%s satisfies %s: %s', (held, needed, expected) => {
    expect(roleSatisfies(held, needed)).toBe(expected);
  });
});

describe('holdsRole and knowsGame', () => {
  const grants: Grant[] = [
    { role: Role.ADMIN, game: 'game-a' },
    { role: Role.VIEWER, game: '*' },
    { role: Role.MATCHMAKER, game: 'game-c' },
  ];

  it('grants a role on its game and the roles it implies', () => {
    expect(holdsRole(grants, Role.ADMIN, 'game-a')).toBe(true);
    expect(holdsRole(grants, Role.OPERATOR, 'game-a')).toBe(true);
  });

  it('grants on every game only the role given for every game', () => {
    expect(holdsRole(grants, Role.VIEWER, 'game-b')).toBe(true);
    expect(holdsRole(grants, Role.OPERATOR, 'game-b')).toBe(false);
  });

  it('does not make a matchmaker of an admin', () => {
    expect(holdsRole(grants, Role.MATCHMAKER, 'game-a')).toBe(false);
    expect(holdsRole(grants, Role.MATCHMAKER, 'game-c')).toBe(true);
  });

  it('knows a game through any grant on it or on every game', () => {
    const narrow: Grant[] = [{ role: Role.MATCHMAKER, game: 'game-c' }];
    expect(knowsGame(narrow, 'game-c')).toBe(true);
    expect(knowsGame(narrow, 'game-a')).toBe(false);
    expect(knowsEveryGame(narrow)).toBe(false);
    expect(knowsEveryGame(grants)).toBe(true);
  });
});
