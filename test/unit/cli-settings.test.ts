import {
  ClientSettingsError,
  parseProfilesFile,
  resolveClientSettings,
} from '../../src/config/cli-settings';

describe('resolveClientSettings', () => {
  const file = parseProfilesFile(
    {
      current: 'dev',
      profiles: {
        dev: { server: 'http://dev:8080' },
        prod: { server: 'https://prod', roomsServer: 'https://rooms.prod', token: 'mk_p_s' },
      },
    },
    'cli.yaml',
  );

  it.each([
    ['the defaults', {}, {}, undefined, 'http://localhost:8080', undefined],
    ["the file's current profile", {}, {}, file, 'http://dev:8080', undefined],
    [
      'the profile MAESTRO_PROFILE names',
      {},
      { MAESTRO_PROFILE: 'prod' },
      file,
      'https://prod',
      'mk_p_s',
    ],
    [
      'MAESTRO_SERVER over the profile',
      {},
      { MAESTRO_SERVER: 'http://env:1' },
      file,
      'http://env:1',
      undefined,
    ],
    [
      '--server over MAESTRO_SERVER',
      { server: 'http://flag:2' },
      { MAESTRO_SERVER: 'http://env:1' },
      file,
      'http://flag:2',
      undefined,
    ],
    [
      '--profile over MAESTRO_PROFILE',
      { profile: 'prod' },
      { MAESTRO_PROFILE: 'dev' },
      file,
      'https://prod',
      'mk_p_s',
    ],
  ])('takes %s', (_case, flags, env, profiles, server, token) => {
    const settings = resolveClientSettings(flags, env, profiles);
    expect(settings.server).toBe(server);
    expect(settings.token).toBe(token);
  });

  it('names the profile and the known ones when a profile is missing', () => {
    expect(() => resolveClientSettings({ profile: 'staging' }, {}, file)).toThrow(
      new ClientSettingsError(
        'profile "staging" is not in the profiles file (profiles: dev, prod)',
      ),
    );
  });

  it('names the variable of a malformed address', () => {
    expect(() => resolveClientSettings({}, { MAESTRO_SERVER: 'ftp://x' }, undefined)).toThrow(
      /^MAESTRO_SERVER: /,
    );
  });

  it('names the entry of a profiles file that breaks the rules', () => {
    expect(() => parseProfilesFile({ profiles: { dev: { sever: 'x' } } }, 'cli.yaml')).toThrow(
      /^cli\.yaml: profiles\.dev: /,
    );
  });
});
