import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ModuleName } from '../../src/config/load';
import { freePort } from '../../scripts/local-infra/paths';
import {
  startGrpcTlsProxy,
  type RunningGrpcTlsProxy,
} from '../../scripts/local-infra/grpc-tls-proxy';
import { createCa, issueCertificate, type CertificateFiles } from '../support/certificates';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { waitFor } from '../support/maestro-process';
import {
  createdScheduler,
  startMaestroProcess,
  type MaestroSystemProcess,
} from '../support/maestro-system-process';

const API_KEY = 'test-key-0123456789';
const TEMPORAL_MODULES: readonly ModuleName[] = ['management-api', 'worker'];

describe('maestro behind a TLS proxy in front of Temporal', () => {
  const infra = sharedInfra();
  const dir = path.join(infra.workDir, `temporal-tls-${uniqueSuffix()}`);
  const ca = createCa(path.join(dir, 'pki'), 'ca');
  const untrusted = createCa(path.join(dir, 'pki'), 'untrusted-ca');
  const server = issueCertificate(ca, path.join(dir, 'pki'), 'server', 'server');
  const trustedClientCa = path.join(dir, 'proxy-client-ca.crt');
  let proxy: RunningGrpcTlsProxy;
  let mtlsAddress: string;
  let apiKeyAddress: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const running: MaestroSystemProcess[] = [];

  const start = async (env: Record<string, string>, target: 'all' | ModuleName = 'all') => {
    const maestro = await startMaestroProcess(database.url, env, target);
    running.push(maestro);
    return maestro;
  };
  /** Waits until every module's `temporal` check names a TLS or authentication failure. */
  const temporalCheckOf = (maestro: MaestroSystemProcess, modules = TEMPORAL_MODULES) =>
    maestro.waitForCheck(modules, 'temporal', (outcome) => /TLS|auth/.test(outcome));

  beforeAll(async () => {
    database = await createTestDatabase();
    copyFileSync(ca.cert, trustedClientCa);
    const [mtlsPort, apiKeyPort] = [await freePort(), await freePort()];
    proxy = await startGrpcTlsProxy({
      dir: path.join(dir, 'nginx'),
      upstream: infra.temporalAddress,
      server,
      mtls: { port: mtlsPort, clientCa: trustedClientCa },
      apiKey: { port: apiKeyPort, apiKey: API_KEY, namespace: 'default' },
    });
    mtlsAddress = `127.0.0.1:${mtlsPort}`;
    apiKeyAddress = `127.0.0.1:${apiKeyPort}`;
  });

  afterAll(async () => {
    await Promise.all(running.map((maestro) => maestro.stop()));
    await proxy.stop();
    await database.drop();
  });

  it('runs operations over mTLS and moves to a rotated client certificate without a restart', async () => {
    const live = path.join(dir, 'live');
    mkdirSync(live, { recursive: true });
    const installClientCert = (files: CertificateFiles) => {
      copyFileSync(files.key, path.join(live, 'tls.key'));
      copyFileSync(files.cert, path.join(live, 'tls.crt'));
    };
    installClientCert(issueCertificate(ca, path.join(dir, 'pki'), 'maestro-1', 'client'));
    const maestro = await start({
      MAESTRO_TEMPORAL_ADDRESS: mtlsAddress,
      MAESTRO_TEMPORAL_TLS_CA_FILE: ca.cert,
      MAESTRO_TEMPORAL_TLS_CERT_FILE: path.join(live, 'tls.crt'),
      MAESTRO_TEMPORAL_TLS_KEY_FILE: path.join(live, 'tls.key'),
    });
    const ready = await maestro.waitForReadiness(['management-api', 'worker'], 200);
    expect(ready.map((r) => r.status)).toEqual([200, 200]);
    expect(await createdScheduler(maestro, `tls-a-${uniqueSuffix()}`)).toBe('finished');

    // Rotation: a new CA issues maestro's new pair, and the proxy stops trusting the old CA.
    const newCa = createCa(path.join(dir, 'pki'), 'ca-2');
    installClientCert(issueCertificate(newCa, path.join(dir, 'pki'), 'maestro-2', 'client'));
    copyFileSync(newCa.cert, trustedClientCa);
    proxy = await proxy.restart(); // every connection is dropped: new handshakes only

    await waitFor(
      async () => maestro.output(),
      (output) => output.includes('temporal worker connection replaced'),
      30_000,
    );
    const again = await maestro.waitForReadiness(['management-api', 'worker'], 200);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(await createdScheduler(maestro, `tls-b-${uniqueSuffix()}`)).toBe('finished');
    expect(maestro.child.exitCode).toBeNull();
  });

  it('keeps a refused worker module up, says why, and polls again once trusted again', async () => {
    const ownProxyDir = path.join(dir, 'nginx-revocation');
    const trusted = path.join(dir, 'revocation-client-ca.crt');
    copyFileSync(ca.cert, trusted);
    const port = await freePort();
    let own = await startGrpcTlsProxy({
      dir: ownProxyDir,
      upstream: infra.temporalAddress,
      server,
      mtls: { port, clientCa: trusted },
    });
    try {
      const client = issueCertificate(ca, path.join(dir, 'pki'), 'maestro-4', 'client');
      const maestro = await start(
        {
          MAESTRO_TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
          MAESTRO_TEMPORAL_TLS_CA_FILE: ca.cert,
          MAESTRO_TEMPORAL_TLS_CERT_FILE: client.cert,
          MAESTRO_TEMPORAL_TLS_KEY_FILE: client.key,
        },
        'worker',
      );
      expect((await maestro.waitForReadiness(['worker'], 200))[0]?.status).toBe(200);

      copyFileSync(untrusted.cert, trusted); // the proxy stops trusting maestro's certificate
      own = await own.restart();
      const [refused] = await temporalCheckOf(maestro, ['worker']);
      expect(refused?.status).toBe(503);
      expect(refused?.body.checks['temporal']).toBe(
        'authentication failed: client certificate not trusted (check the API key or client certificate)',
      );
      // The core gives up polling after a minute of refusals; the module recreates its worker.
      await waitFor(
        async () => maestro.output(),
        (output) => output.includes('temporal refused the worker, recreating it in-process'),
        100_000,
      );
      expect(maestro.child.exitCode).toBeNull();

      copyFileSync(ca.cert, trusted);
      own = await own.restart();
      expect((await maestro.waitForReadiness(['worker'], 200))[0]?.status).toBe(200);
      expect(maestro.output()).toContain('temporal worker polling again');
    } finally {
      await own.stop();
    }
  }, 240_000);

  it('answers 503 naming the TLS failure when no client certificate is configured', async () => {
    const maestro = await start({
      MAESTRO_TEMPORAL_ADDRESS: mtlsAddress,
      MAESTRO_TEMPORAL_TLS_CA_FILE: ca.cert,
    });

    const reports = await temporalCheckOf(maestro);

    expect(reports.map((r) => r.status)).toEqual([503, 503]);
    for (const report of reports) {
      expect(report.body.checks['temporal']).toBe(
        'TLS handshake failed: the server requires a client certificate (it refused a handshake without one)',
      );
    }
  });

  it("answers 503 naming the TLS failure when the server's CA is not the configured one", async () => {
    const client = issueCertificate(ca, path.join(dir, 'pki'), 'maestro-3', 'client');
    const maestro = await start(
      {
        MAESTRO_TEMPORAL_ADDRESS: mtlsAddress,
        MAESTRO_TEMPORAL_TLS_CA_FILE: untrusted.cert,
        MAESTRO_TEMPORAL_TLS_CERT_FILE: client.cert,
        MAESTRO_TEMPORAL_TLS_KEY_FILE: client.key,
      },
      'worker',
    );

    const [report] = await temporalCheckOf(maestro, ['worker']);

    expect(report?.status).toBe(503);
    expect(report?.body.checks['temporal']).toBe(
      "TLS handshake failed: the server's certificate is signed by an unknown authority",
    );
  });

  it("runs operations with an API key given in Temporal's own variables", async () => {
    const maestro = await start({
      TEMPORAL_ADDRESS: apiKeyAddress,
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.cert,
    });

    const ready = await maestro.waitForReadiness(['management-api', 'worker'], 200);

    expect(ready.map((r) => r.status)).toEqual([200, 200]);
    expect(await createdScheduler(maestro, `key-${uniqueSuffix()}`)).toBe('finished');
  });

  it('answers 503 naming the authentication failure when the API key is wrong', async () => {
    const maestro = await start({
      MAESTRO_TEMPORAL_ADDRESS: apiKeyAddress,
      MAESTRO_TEMPORAL_API_KEY: 'not-the-key',
      MAESTRO_TEMPORAL_TLS_CA_FILE: ca.cert,
    });

    const reports = await temporalCheckOf(maestro);

    expect(reports.map((r) => r.status)).toEqual([503, 503]);
    for (const report of reports) {
      expect(report.body.checks['temporal']).toBe(
        'authentication failed: invalid API key (check the API key or client certificate)',
      );
    }
  });
});
