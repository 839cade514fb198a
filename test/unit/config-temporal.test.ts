import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type ConfigProblem } from '../../src/config/load';

const fixtures = path.resolve(__dirname, '../fixtures/tls');
const fixture = (name: string) => path.join(fixtures, name);

function problemsOf(env: Record<string, string>): ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** A TOML profile file and the variables that select it. */
function profileFile(toml: string): Record<string, string> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'maestro-profile-')), 'temporal.toml');
  writeFileSync(file, toml);
  return { TEMPORAL_CONFIG_FILE: file };
}

describe('the Temporal connection settings', () => {
  it('connects in plaintext to the local dev server when nothing is set', () => {
    const { temporal } = loadConfig({});

    expect(temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(temporal.tls).toBeUndefined();
    expect(temporal.apiKey).toBeUndefined();
  });

  it("takes Temporal's own variables when no MAESTRO_* one is set", () => {
    const { temporal } = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_NAMESPACE: 'games',
      TEMPORAL_API_KEY: 'key',
    });

    expect(temporal).toMatchObject({
      address: 'temporal.example:7233',
      namespace: 'games',
      apiKey: 'key',
      tls: {},
    });
  });

  it('lets a MAESTRO_* variable win over the TEMPORAL_* one and the profile', () => {
    const { temporal } = loadConfig({
      ...profileFile('[profile.default]\naddress = "profile:7233"\nnamespace = "from-profile"\n'),
      TEMPORAL_ADDRESS: 'env:7233',
      MAESTRO_TEMPORAL_ADDRESS: 'maestro:7233',
    });

    expect(temporal.address).toBe('maestro:7233');
    expect(temporal.namespace).toBe('from-profile');
  });

  it('reads the profile TEMPORAL_PROFILE names, with its TLS files and headers', () => {
    const file = profileFile(
      [
        '[profile.prod]',
        'address = "prod:7233"',
        '[profile.prod.tls]',
        `server_ca_cert_path = "${fixture('ca.crt')}"`,
        `client_cert_path = "${fixture('client.crt')}"`,
        `client_key_path = "${fixture('client.key')}"`,
        'server_name = "temporal.internal"',
        '[profile.prod.grpc_meta]',
        'team = "games"',
      ].join('\n'),
    );
    const { temporal } = loadConfig({ ...file, TEMPORAL_PROFILE: 'prod' });
    const key = (name: string) => `${file.TEMPORAL_CONFIG_FILE} [profile.prod] tls.${name}`;

    expect(temporal.address).toBe('prod:7233');
    expect(temporal.metadata).toEqual({ team: 'games' });
    expect(temporal.tls).toEqual({
      serverName: 'temporal.internal',
      serverCa: {
        setting: key('server_ca_cert'),
        path: fixture('ca.crt'),
      },
      clientCert: {
        cert: {
          setting: key('client_cert'),
          path: fixture('client.crt'),
        },
        key: {
          setting: key('client_key'),
          path: fixture('client.key'),
        },
      },
    });
  });

  it('turns TLS on when a CA file or client pair is given, and off when told so', () => {
    expect(loadConfig({ MAESTRO_TEMPORAL_TLS_CA_FILE: fixture('ca.crt') }).temporal.tls).toEqual({
      serverCa: { setting: 'MAESTRO_TEMPORAL_TLS_CA_FILE', path: fixture('ca.crt') },
    });
    expect(loadConfig({ MAESTRO_TEMPORAL_TLS: 'true' }).temporal.tls).toEqual({});
    expect(
      loadConfig({ MAESTRO_TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key' }).temporal.tls,
    ).toBeUndefined();
    expect(
      loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key' }).temporal.tls,
    ).toBeUndefined();
  });

  it('accepts a client pair given inline in TEMPORAL_TLS_CLIENT_*_DATA', () => {
    const { temporal } = loadConfig({
      TEMPORAL_TLS_CLIENT_CERT_DATA: readFileSync(fixture('client.crt'), 'utf8'),
      TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(fixture('client.key'), 'utf8'),
    });

    expect(temporal.tls?.clientCert?.cert).toMatchObject({
      setting: 'TEMPORAL_TLS_CLIENT_CERT_DATA',
    });
  });

  it('lists every TLS problem at once, each naming its setting and rule', () => {
    const problems = problemsOf({
      MAESTRO_TEMPORAL_TLS_CERT_FILE: fixture('client.crt'),
      MAESTRO_TEMPORAL_TLS_CA_FILE: '/nonexistent/ca.crt',
      MAESTRO_TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });

    expect(problems).toEqual([
      {
        variable: 'MAESTRO_TEMPORAL_TLS_CERT_FILE',
        message: 'needs MAESTRO_TEMPORAL_TLS_KEY_FILE',
      },
      {
        variable: 'MAESTRO_TEMPORAL_TLS_CA_FILE',
        message: 'cannot read /nonexistent/ca.crt (ENOENT)',
      },
    ]);
  });

  it('rejects a key that is not the certificate’s and a file that is not PEM', () => {
    const problems = problemsOf({
      MAESTRO_TEMPORAL_TLS_CERT_FILE: fixture('client.crt'),
      MAESTRO_TEMPORAL_TLS_KEY_FILE: fixture('other.key'),
      MAESTRO_TEMPORAL_TLS_CA_FILE: fixture('README.md'),
    });

    expect(problems).toEqual([
      {
        variable: 'MAESTRO_TEMPORAL_TLS_CA_FILE',
        message: `${fixture('README.md')} is not a PEM certificate`,
      },
      {
        variable: 'MAESTRO_TEMPORAL_TLS_KEY_FILE',
        message: 'is not the private key of MAESTRO_TEMPORAL_TLS_CERT_FILE',
      },
    ]);
  });

  it('names the TEMPORAL_* variable of an unpaired client certificate', () => {
    expect(problemsOf({ TEMPORAL_TLS_CLIENT_CERT_PATH: fixture('client.crt') })).toEqual([
      { variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH', message: 'is set without a client key' },
    ]);
  });

  it('refuses TLS files when MAESTRO_TEMPORAL_TLS is false', () => {
    expect(
      problemsOf({
        MAESTRO_TEMPORAL_TLS: 'false',
        MAESTRO_TEMPORAL_TLS_CA_FILE: fixture('ca.crt'),
      }),
    ).toEqual([
      {
        variable: 'MAESTRO_TEMPORAL_TLS_CA_FILE',
        message: 'is set but MAESTRO_TEMPORAL_TLS is false',
      },
    ]);
  });

  it('names TEMPORAL_PROFILE when the profile does not exist', () => {
    const problems = problemsOf({
      ...profileFile('[profile.default]\n'),
      TEMPORAL_PROFILE: 'nope',
    });

    expect(problems).toEqual([
      {
        variable: 'TEMPORAL_PROFILE',
        message: "cannot be loaded: Profile 'nope' not found in config data",
      },
    ]);
  });
});
