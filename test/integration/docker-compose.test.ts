import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, MODULE_NAMES } from '../../src/config/load';
import { binDir } from '../../scripts/local-infra/paths';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

interface ResolvedProject {
  services: Record<
    string,
    { command?: string[]; environment?: Record<string, string>; image?: string }
  >;
}

/** `docker compose config`'s loader (compose-go), built by scripts/provision/compose-config.sh. */
async function composeConfig(): Promise<ResolvedProject> {
  const { stdout } = await run(
    path.join(binDir, 'compose-config'),
    [path.join(root, 'docker-compose.yml')],
    {
      cwd: root,
    },
  );
  return JSON.parse(stdout) as ResolvedProject;
}

describe('docker-compose.yml', () => {
  it('passes the compose loader with every maestro module, migrate, and the services they need', async () => {
    const project = await composeConfig();

    expect(Object.keys(project.services).sort()).toEqual(
      [...MODULE_NAMES, 'migrate', 'postgres', 'redis', 'temporal', 'temporal-ui'].sort(),
    );
    for (const module of MODULE_NAMES) {
      expect(project.services[module]?.command).toEqual(['start', module]);
    }
    expect(project.services['migrate']?.command).toEqual(['migrate']);
  });

  it('gives each maestro container an environment the config schema accepts', async () => {
    const project = await composeConfig();

    for (const name of [...MODULE_NAMES, 'migrate']) {
      const environment = project.services[name]?.environment ?? {};
      expect(() => loadConfig(environment)).not.toThrow();
      expect(loadConfig(environment).temporal.address).toBe('temporal:7233');
    }
  });
});
