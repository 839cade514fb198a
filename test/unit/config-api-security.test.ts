import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, type ConfigProblem } from '../../src/config/load';
import { createCa, issueCertificate } from '../support/certificates';

function problemsOf(env: Record<string, string>): readonly ConfigProblem[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('API TLS settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'maestro-api-tls-'));
  const ca = createCa(dir, 'ca');
  const server = issueCertificate(ca, dir, 'server', 'server');
  const other = issueCertificate(ca, dir, 'other', 'server');
  const garbage = path.join(dir, 'garbage.pem');
  writeFileSync(garbage, 'not a pem file\n');

  it('leaves the APIs plain when no certificate is configured', () => {
    expect(loadConfig({}).apiTls).toBeUndefined();
  });

  it('serves TLS with the pair, the client CA and the reload interval given', () => {
    const config = loadConfig({
      MAESTRO_TLS_CERT_FILE: server.cert,
      MAESTRO_TLS_KEY_FILE: server.key,
      MAESTRO_TLS_CLIENT_CA_FILE: ca.cert,
      MAESTRO_TLS_RELOAD_INTERVAL_MS: '500',
    });
    expect(config.apiTls).toEqual({
      certFile: server.cert,
      keyFile: server.key,
      clientCaFile: ca.cert,
      reloadIntervalMs: 500,
    });
  });

  it.each([
    [
      { MAESTRO_TLS_CERT_FILE: 'x' },
      'MAESTRO_TLS_KEY_FILE',
      'is required when MAESTRO_TLS_CERT_FILE is set',
    ],
    [
      { MAESTRO_TLS_KEY_FILE: 'x' },
      'MAESTRO_TLS_CERT_FILE',
      'is required when MAESTRO_TLS_KEY_FILE is set',
    ],
    [
      { MAESTRO_TLS_CLIENT_CA_FILE: 'x' },
      'MAESTRO_TLS_CLIENT_CA_FILE',
      'needs MAESTRO_TLS_CERT_FILE and MAESTRO_TLS_KEY_FILE',
    ],
  ])('refuses to start with half a configuration (%j)', (env, variable, message) => {
    expect(problemsOf(env)).toEqual([{ variable, message }]);
  });

  it('names the variable of an unreadable file, a bad PEM and a key of another certificate', () => {
    expect(
      problemsOf({
        MAESTRO_TLS_CERT_FILE: path.join(dir, 'missing.crt'),
        MAESTRO_TLS_KEY_FILE: garbage,
      }),
    ).toEqual([
      {
        variable: 'MAESTRO_TLS_CERT_FILE',
        message: expect.stringContaining('cannot read') as unknown,
      },
      { variable: 'MAESTRO_TLS_KEY_FILE', message: `${garbage} is not a PEM private key` },
    ]);
    expect(
      problemsOf({ MAESTRO_TLS_CERT_FILE: server.cert, MAESTRO_TLS_KEY_FILE: other.key }),
    ).toEqual([
      {
        variable: 'MAESTRO_TLS_KEY_FILE',
        message: 'is not the private key of MAESTRO_TLS_CERT_FILE',
      },
    ]);
    expect(
      problemsOf({
        MAESTRO_TLS_CERT_FILE: server.cert,
        MAESTRO_TLS_KEY_FILE: server.key,
        MAESTRO_TLS_CLIENT_CA_FILE: garbage,
      }),
    ).toEqual([
      { variable: 'MAESTRO_TLS_CLIENT_CA_FILE', message: `${garbage} is not a PEM certificate` },
    ]);
  });
});

describe('rate limit settings', () => {
  it('limits nothing by default', () => {
    expect(loadConfig({}).rateLimits).toEqual({});
  });

  it('limits a class once its rate per minute is above 0', () => {
    const config = loadConfig({
      MAESTRO_RATE_LIMIT_MUTATIONS_PER_MINUTE: '30',
      MAESTRO_RATE_LIMIT_ALLOCATIONS_BURST: '5',
    });
    expect(config.rateLimits).toEqual({ mutations: { perMinute: 30, burst: 10 } });
  });

  it('names the variable of a rate that is not a number', () => {
    expect(problemsOf({ MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE: 'lots' })).toEqual([
      { variable: 'MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE', message: 'must be an integer' },
    ]);
  });
});
