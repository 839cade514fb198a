import path from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../../scripts/local-infra/paths';
import {
  startGrpcTlsProxy,
  type RunningGrpcTlsProxy,
} from '../../scripts/local-infra/grpc-tls-proxy';
import { startTemporal, type RunningTemporal } from '../../scripts/local-infra/temporal';
import { createCa, issueCertificate } from '../support/certificates';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { runMaestro } from '../support/maestro-process';

const API_KEY = 'setup-key-0123456789';
/** IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, as ListSearchAttributes answers it. */
const KEYWORD = 2;

/** A Temporal dev server started without maestro's search attributes, as a new cluster is. */
describe('maestro migrate on a Temporal namespace without the search attributes', () => {
  const dir = path.join(sharedInfra().workDir, `temporal-setup-${uniqueSuffix()}`);
  let temporal: RunningTemporal;
  let cloudLike: RunningGrpcTlsProxy;
  let cloudLikeEnv: Record<string, string>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  const migrate = async (args: string[], env: Record<string, string>) => {
    const run = runMaestro(['migrate', ...args], env);
    return { code: (await run.exited).code, output: run.output() };
  };
  const customAttributes = async () => {
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const listed = await connection.operatorService.listSearchAttributes({
        namespace: 'default',
      });
      return listed.customAttributes ?? {};
    } finally {
      await connection.close();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    temporal = await startTemporal({
      dir: path.join(dir, 'temporal'),
      port: await freePort(),
      registerSearchAttributes: false,
    });
    const ca = createCa(path.join(dir, 'pki'), 'ca');
    const apiKeyPort = await freePort();
    cloudLike = await startGrpcTlsProxy({
      dir: path.join(dir, 'nginx'),
      upstream: temporal.address,
      server: issueCertificate(ca, path.join(dir, 'pki'), 'server', 'server'),
      apiKey: {
        port: apiKeyPort,
        apiKey: API_KEY,
        namespace: 'default',
        isOperatorApiDenied: true,
      },
    });
    cloudLikeEnv = {
      TEMPORAL_ADDRESS: `127.0.0.1:${apiKeyPort}`,
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.cert,
    };
  });

  afterAll(async () => {
    await cloudLike.stop();
    await temporal.process.stop();
    await database.drop();
  });

  it('fails naming the attributes to create when the operator API is refused, as on Temporal Cloud', async () => {
    const run = await migrate(['temporal'], cloudLikeEnv);

    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'Create MaestroScheduler (Keyword), MaestroOperationDefinition (Keyword), MaestroOperationStatus (Keyword), MaestroActor (Keyword) in the Temporal Cloud UI or with `tcld namespace search-attributes add --namespace default',
    );
    expect(await customAttributes()).toEqual({});
  });

  it('registers the attributes once when two runs race, and changes nothing the next time', async () => {
    const env = { MAESTRO_POSTGRES_URL: database.url, MAESTRO_TEMPORAL_ADDRESS: temporal.address };

    const racing = await Promise.all([migrate([], env), migrate([], env)]);
    const again = await migrate([], env);

    expect(racing.map((run) => run.code)).toEqual([0, 0]);
    expect(again.code).toBe(0);
    expect(again.output).toContain('search attributes already present');
    expect(again.output).toContain('database already up to date');
    expect(await customAttributes()).toEqual({
      MaestroScheduler: KEYWORD,
      MaestroOperationDefinition: KEYWORD,
      MaestroOperationStatus: KEYWORD,
      MaestroActor: KEYWORD,
    });
  });

  it('passes where the operator API is refused once the attributes exist', async () => {
    const run = await migrate(['temporal'], cloudLikeEnv);

    expect(run.code).toBe(0);
    expect(run.output).toContain('search attributes already present');
  });

  it('exits 1 naming the failure when Temporal is unreachable', async () => {
    const run = await migrate(['temporal'], { MAESTRO_TEMPORAL_ADDRESS: '127.0.0.1:1' });

    expect(run.code).toBe(1);
    expect(run.output).toContain('temporal setup failed');
  });
});
