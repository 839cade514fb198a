import { parseKeysArguments } from '../../src/main/keys-arguments';

const usageErrorOf = (args: string[]): string => {
  const parsed = parseKeysArguments(args);
  if (!('usageError' in parsed))
    throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.usageError;
};

describe('maestro keys arguments', () => {
  it('reads create with its subject and grants, dropping a repeated grant', () => {
    const parsed = parseKeysArguments([
      'create',
      '--subject',
      'tennis-team',
      '--grant',
      'admin:tennis',
      '--grant=viewer:*',
      '--grant',
      'admin:tennis',
    ]);

    expect(parsed).toEqual({
      action: 'create',
      subject: 'tennis-team',
      grants: [
        { role: 'admin', game: 'tennis' },
        { role: 'viewer', game: '*' },
      ],
      isJson: false,
    });
  });

  it('reads an expiry in minutes, hours or days', () => {
    const create = (expiresIn: string) =>
      parseKeysArguments([
        'create',
        '--subject',
        's',
        '--grant',
        'viewer:*',
        '--expires-in',
        expiresIn,
      ]);

    expect(create('30m')).toMatchObject({ expiresInMs: 30 * 60_000 });
    expect(create('12h')).toMatchObject({ expiresInMs: 12 * 3_600_000 });
    expect(create('90d')).toMatchObject({ expiresInMs: 90 * 86_400_000 });
    expect(create('3650d')).toMatchObject({ expiresInMs: 3_650 * 86_400_000 });
  });

  it('reads list and revoke', () => {
    expect(parseKeysArguments(['list'])).toEqual({ action: 'list', isJson: false });
    expect(parseKeysArguments(['list', '--json'])).toEqual({ action: 'list', isJson: true });
    expect(parseKeysArguments(['revoke', '0123456789abcdef'])).toEqual({
      action: 'revoke',
      id: '0123456789abcdef',
    });
  });

  it.each([
    [['create', '--grant', 'admin:tennis'], /^--subject is required$/],
    [['create', '--subject', ' ', '--grant', 'admin:tennis'], /^--subject must not be empty$/],
    [['create', '--subject', 'team'], /^--grant is required/],
    [['create', '--subject', 'team', '--grant', 'owner:tennis'], /^--grant "owner" is not a role/],
    [['create', '--subject', 'team', '--grant', 'admin'], /^--grant "admin" is not role:game/],
    [['create', '--subject', 'team', '--grant', 'admin:'], /^--grant "" is not a game/],
    [['create', '--subject', 'team', '--grant', 'admin:x', '--role', 'x'], /--role/],
    [['create', '--subject'], /--subject/],
    [
      ['create', '--subject', 's', '--grant', 'viewer:*', '--expires-in', '90'],
      /^--expires-in "90": expected a whole number of minutes, hours or days/,
    ],
    [
      ['create', '--subject', 's', '--grant', 'viewer:*', '--expires-in', '0d'],
      /^--expires-in "0d": expected/,
    ],
    [
      ['create', '--subject', 's', '--grant', 'viewer:*', '--expires-in', '1.5h'],
      /^--expires-in "1.5h": expected/,
    ],
    [
      ['create', '--subject', 's', '--grant', 'viewer:*', '--expires-in', '3651d'],
      /^--expires-in "3651d": must be at most 3650d$/,
    ],
    [['list', 'everything'], /everything/],
    [['revoke'], /^revoke expects one key id, got 0 arguments$/],
    [['revoke', 'a', 'b'], /^revoke expects one key id, got 2 arguments$/],
    [['revoke', 'a', '--json'], /--json/],
    [[], /^expected a subcommand: create, list or revoke$/],
    [['rotate'], /^unknown subcommand "rotate"/],
  ])('refuses %j with a message naming what is wrong', (args, message) => {
    expect(usageErrorOf(args)).toMatch(message);
  });
});
