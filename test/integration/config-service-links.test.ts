import { ensureDatabase } from '../../scripts/local-infra/postgres';
import { sharedInfra, uniqueSuffix } from '../support/infra';
import { runMaestro } from '../support/maestro-process';

/** Two of what kubelet injects for a Service `maestro-rooms-api` (see the unit test for all). */
const ROOMS_API_SERVICE_LINKS = {
  MAESTRO_ROOMS_API_PORT: 'tcp://10.96.12.34:8070',
  MAESTRO_ROOMS_API_SERVICE_HOST: '10.96.12.34',
};

describe('maestro CLI in a Kubernetes namespace with a maestro-rooms-api Service', () => {
  it('runs and logs the ignored service-link variables once when kubelet injected them', async () => {
    const infra = sharedInfra();
    const url = await ensureDatabase(infra.postgresAdminUrl, `links_${uniqueSuffix()}`);

    const migrate = runMaestro(['migrate'], {
      MAESTRO_POSTGRES_URL: url,
      MAESTRO_TEMPORAL_ADDRESS: infra.temporalAddress,
      ...ROOMS_API_SERVICE_LINKS,
    });

    expect((await migrate.exited).code).toBe(0);
    const notices = migrate
      .output()
      .split('\n')
      .filter((line) => line.includes('ignored kubernetes service-link variables'));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]!)).toMatchObject({
      level: 'info',
      variables: ['MAESTRO_ROOMS_API_PORT', 'MAESTRO_ROOMS_API_SERVICE_HOST'],
    });
  });

  it('still refuses to start, naming the variable, when a setting has a typo', async () => {
    const migrate = runMaestro(['migrate'], {
      ...ROOMS_API_SERVICE_LINKS,
      MAESTRO_ROOMS_API_PROT: '8070',
    });

    expect((await migrate.exited).code).toBe(1);
    expect(migrate.output()).toContain('MAESTRO_ROOMS_API_PROT: is not a maestro setting');
    expect(migrate.output()).not.toContain('MAESTRO_ROOMS_API_PORT:');
  });
});
