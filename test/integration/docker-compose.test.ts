import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { loadConfig, MODULE_NAMES, type ModuleName } from '../../src/config/load';
import {
  loadComposeProject,
  publishedPorts,
  repositoryRoot,
  type ComposeProject,
  type ComposeService,
} from '../support/compose-project';
import { environmentOf, runtimeStage } from '../support/dockerfile';

/** Modules that create, delete, watch or locate local rooms (checking room keepers by pid). */
const ROOM_MODULES: readonly ModuleName[] = ['worker', 'runtime-watcher', 'rooms-api'];

const servicesOf = (project: ComposeProject) => Object.entries(project.services);
const maestroServices = (project: ComposeProject) =>
  servicesOf(project).filter(([, s]) => s.image === 'maestro:local');
/** The modules `maestro start <all | module[,module…]…>` runs. */
const modulesOf = (service: ComposeService): readonly ModuleName[] => {
  const [command, ...targets] = service.command ?? [];
  if (command !== 'start') return [];
  const names = targets.flatMap((target) => target.split(','));
  return names.includes('all') ? MODULE_NAMES : MODULE_NAMES.filter((m) => names.includes(m));
};
const dependency = (service: ComposeService | undefined, name: string) =>
  service?.depends_on?.[name]?.condition;

describe('docker-compose.yml', () => {
  let project: ComposeProject;
  let warnings: string;
  beforeAll(async () => ({ project, warnings } = await loadComposeProject()));
  const service = (name: string) => project.services[name]!;

  it('passes the compose loader without warnings, with every service the stack needs', () => {
    expect(warnings).toBe('');
    expect(Object.keys(project.services).sort()).toEqual(
      [
        'maestro',
        'migrate',
        'postgres',
        'redis',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
      ].sort(),
    );
  });

  it('runs a real Temporal server with admin tools of its version, not the deprecated auto-setup', () => {
    const images = servicesOf(project).map(([, s]) => s.image ?? '');
    const version = /^temporalio\/server:(.+)$/.exec(service('temporal').image ?? '')?.[1];

    expect(images.filter((image) => image.startsWith('temporalio/auto-setup'))).toEqual([]);
    expect(version).toBeDefined();
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      expect(service(job).image).toBe(`temporalio/admin-tools:${version}`);
    }
    expect(dependency(service('temporal'), 'temporal-schema')).toBe(
      'service_completed_successfully',
    );
    expect(service('temporal').healthcheck?.test.join(' ')).toContain('cluster health');
    expect(dependency(service('temporal-namespace'), 'temporal')).toBe('service_healthy');
  });

  it('runs job scripts and mounts files that exist in the repository', () => {
    for (const [, s] of servicesOf(project)) {
      for (const mount of (s.volumes ?? []).filter((v) => v.type === 'bind')) {
        expect(existsSync(mount.source)).toBe(true);
        expect(mount.read_only).toBe(true);
      }
    }
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      const script = service(job).entrypoint?.at(-1) ?? '';
      const mount = service(job).volumes?.find((v) => script.startsWith(`${v.target}/`));
      expect(
        mount && existsSync(path.join(mount.source, path.relative(mount.target, script))),
      ).toBe(true);
    }
  });

  it('registers the namespace maestro uses before migrate, which registers the search attributes', () => {
    const namespace = loadConfig(service('migrate').environment ?? {}).temporal.namespace;
    const commands = servicesOf(project).map(([, s]) =>
      [...(s.entrypoint ?? []), ...(s.command ?? [])].join(' '),
    );

    expect(service('temporal-namespace').environment?.['TEMPORAL_NAMESPACE']).toBe(namespace);
    expect(service('migrate').command).toEqual(['migrate']);
    expect(dependency(service('migrate'), 'temporal')).toBe('service_healthy');
    expect(dependency(service('migrate'), 'postgres')).toBe('service_healthy');
    expect(dependency(service('migrate'), 'temporal-namespace')).toBe(
      'service_completed_successfully',
    );
    expect(commands.filter((command) => command.includes('search-attribute create'))).toEqual([]);
    for (const [name, s] of maestroServices(project).filter(([n]) => n !== 'migrate')) {
      expect([name, dependency(s, 'migrate')]).toEqual([name, 'service_completed_successfully']);
    }
  });

  it('gives every maestro container settings maestro accepts, naming services of the stack', () => {
    for (const [name, s] of maestroServices(project)) {
      const config = loadConfig(s.environment ?? {});
      if (config.redis.mode !== 'standalone') throw new Error(`${name}: redis is not standalone`);
      const hosts = [
        config.temporal.address.split(':')[0],
        new URL(config.postgres.url).hostname,
        new URL(config.redis.url).hostname,
      ];
      expect([name, hosts]).toEqual([name, ['temporal', 'postgres', 'redis']]);
      expect(config.temporal.namespace).toBe('default');
    }
  });

  it('runs every module, and all that touch rooms in one PID namespace with one state volume', () => {
    const running = maestroServices(project).flatMap(([, s]) => modulesOf(s));
    const roomServices = maestroServices(project).filter(([, s]) =>
      modulesOf(s).some((m) => ROOM_MODULES.includes(m)),
    );
    const pidNamespaces = new Set(
      roomServices.map(([n, s]) => s.pid?.replace(/^service:/, '') ?? n),
    );
    const stateVolumes = new Set(
      roomServices.map(([, s]) => {
        const runtime = loadConfig(s.environment ?? {}).runtime;
        if (runtime.kind !== 'local') return `(runtime ${runtime.kind})`;
        const mount = s.volumes?.find((v) => v.type === 'volume' && v.target === runtime.stateDir);
        return mount?.source ?? `(nothing mounted at ${runtime.stateDir})`;
      }),
    );

    expect([...new Set(running)].sort()).toEqual([...MODULE_NAMES].sort());
    expect(pidNamespaces.size).toBe(1);
    expect([...stateVolumes].every((v) => Object.keys(project.volumes ?? {}).includes(v))).toBe(
      true,
    );
    expect(stateVolumes.size).toBe(1);
    expect(service([...pidNamespaces][0]!).init).toBe(true);
  });

  it('mounts the state volume on the directory the image made for its non-root user', () => {
    const imageStateDir = environmentOf(runtimeStage())['MAESTRO_LOCAL_RUNTIME_DIR'];
    const maestro = service('maestro');
    const runtime = loadConfig(maestro.environment ?? {}).runtime;

    expect(runtime).toMatchObject({ kind: 'local', stateDir: imageStateDir });
    expect(maestro.volumes).toContainEqual(
      expect.objectContaining({ type: 'volume', target: imageStateDir }),
    );
  });

  it("publishes the APIs and the example scheduler's room ports, and rooms can reach the Rooms API", () => {
    const maestro = service('maestro');
    const config = loadConfig(maestro.environment ?? {});
    const example = JSON.parse(
      readFileSync(path.join(repositoryRoot, 'examples/schedulers/game-room.json'), 'utf8'),
    ) as {
      portRange: { start: number; end: number };
      spec: { containers: { environment: { name: string; value: string }[] }[] };
    };
    const ports = publishedPorts(maestro);
    const { start, end } = example.portRange;
    const roomsApi = example.spec.containers[0]!.environment.find(
      (v) => v.name === 'ROOMS_API_ADDRESS',
    );

    for (const port of [
      config.managementApi.port,
      config.roomsApi.port,
      config.managementApiGrpc.port,
    ]) {
      expect(ports).toContain(`${port}:${port}/tcp`);
    }
    for (let port = start; port <= end; port++) expect(ports).toContain(`${port}:${port}/tcp`);
    expect(config.runtime).toMatchObject({ kind: 'local', advertisedHost: '127.0.0.1' });
    expect(roomsApi?.value).toBe(`http://127.0.0.1:${config.roomsApi.port}`);
  });

  it("checks maestro's health with a script node can run", () => {
    const [kind, command, flag, script] = service('maestro').healthcheck?.test ?? [];

    expect([kind, command, flag]).toEqual(['CMD', 'node', '-e']);
    expect(() => new Script(script ?? '')).not.toThrow();
    for (const [module, { port }] of Object.entries(loadConfig({}).internalServers)) {
      expect([module, script]).toEqual([module, expect.stringContaining(String(port))]);
    }
  });
});
