import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { stopLocalRooms } from '../../scripts/dev-rooms';
import { listLiveLocalRooms } from '../../src/adapters/runtime/local/live-rooms';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { maestroCli, type CliRun } from '../support/maestro-cli';
import {
  createdScheduler,
  startMaestroProcess,
  type MaestroSystemProcess,
} from '../support/maestro-system-process';

/**
 * `maestro schedulers|operations` against the running system (`maestro start all` on the run's
 * Temporal, PostgreSQL and Redis, local runtime): files in Maestro's shape, apply's plan and
 * idempotence, --wait, output formats, profiles and exit codes.
 */
/** Tests that --wait for operations: the CLI's own --timeout (150 s) and the rest. */
const WAITS = 240_000;

describe('the maestro CLI against a running maestro', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-cli-'));
  const name = `cli-${uniqueSuffix()}`;
  let maestro: MaestroSystemProcess;
  let dropDatabase: () => Promise<void>;
  let cli: (...args: string[]) => Promise<CliRun>;

  /**
   * The scheduler file, in Maestro's shape as its docs write it (YAML). Its rooms run the sample
   * game room, which pings this maestro's Rooms API; `isSilent` rooms run `sleep` and never do.
   */
  const file = (
    overrides: { roomsReplicas?: number; image?: string; name?: string; isSilent?: boolean } = {},
  ) => {
    const target = path.join(dir, `scheduler-${Math.random().toString(36).slice(2)}.yaml`);
    const definition = {
      name: overrides.name ?? name,
      game: 'cli-game',
      maxSurge: '25%',
      roomsReplicas: overrides.roomsReplicas ?? 0,
      portRange: { start: 23000, end: 23999 }, // below the ephemeral range: local rooms listen
      spec: {
        terminationGracePeriod: '5s',
        containers: [
          {
            name: 'game',
            image: overrides.image ?? 'tennis:1',
            imagePullPolicy: 'IfNotPresent',
            command: overrides.isSilent
              ? ['sleep', '600']
              : ['node', 'examples/game-room/index.js'],
            environment: [
              { name: 'ROOMS_API_ADDRESS', value: maestro.roomsApiUrl },
              { name: 'PING_INTERVAL_MS', value: '1000' },
            ],
            requests: { cpu: '10m', memory: '16Mi' },
            limits: { cpu: '10m', memory: '64Mi' },
            ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
          },
        ],
      },
    };
    writeFileSync(target, dump(definition));
    return target;
  };
  const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, unknown>;
  const versionsOf = async () =>
    (
      json(await cli('schedulers', 'versions', name, '-o', 'json'))['versions'] as {
        version: string;
        isActive: boolean;
      }[]
    ).map((v) => `${v.version}${v.isActive ? '*' : ''}`);

  const runtimeDir = mkdtempSync(path.join(dir, 'rooms-'));

  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    maestro = await startMaestroProcess(database.url, {
      MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
      MAESTRO_LOCAL_RUNTIME_DIR: runtimeDir,
    });
    await maestro.waitForReadiness(['management-api', 'worker'], 200);
    // A system that has finished a create_scheduler answers the CLI within its timeouts.
    await createdScheduler(maestro, `warm-up-${uniqueSuffix()}`);
    cli = (...args) =>
      maestroCli([
        ...args,
        '--server',
        maestro.managementApiUrl,
        '--rooms-server',
        maestro.roomsApiUrl,
      ]);
  }, 240_000);

  afterAll(async () => {
    await maestro?.stop();
    // Local rooms outlive maestro by design: without this they ran on after the suite.
    await stopLocalRooms(runtimeDir, await listLiveLocalRooms(runtimeDir));
    await dropDatabase?.();
  });

  it(
    'plans a create, applies it with --wait, then finds nothing to change',
    async () => {
      const definition = file();
      const diff = await cli('schedulers', 'diff', '-f', definition, '--exit-code');
      expect(diff.code).toBe(1);
      expect(diff.stderr).toContain(`will create scheduler ${name} at v1.0.0`);
      expect(diff.stderr).toMatch(/^\+\s+image: tennis:1$/m);

      const applied = await cli(
        'schedulers',
        'apply',
        '-f',
        definition,
        '--wait',
        '--timeout',
        '150s',
      );
      expect([applied.code, applied.stderr]).toEqual([
        0,
        expect.stringContaining(`created scheduler ${name} (v1.0.0)`),
      ]);
      expect(applied.stderr).toMatch(/create_scheduler [0-9a-f-]+: finished/);

      const again = await cli('schedulers', 'apply', '-f', definition);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('unchanged: the file matches the active version v1.0.0');
      expect(await versionsOf()).toEqual(['v1.0.0*']);
    },
    WAITS,
  );

  it('says minor or major before changing anything, and --dry-run stops there', async () => {
    const minor = await cli('schedulers', 'apply', '-f', file({ roomsReplicas: 1 }), '--dry-run');
    expect(minor.code).toBe(0);
    expect(minor.stderr).toContain('will make a minor version: v1.0.0 → v1.1.0');
    expect(minor.stderr).toMatch(/^-roomsReplicas: 0$/m);
    expect(minor.stderr).toMatch(/^\+roomsReplicas: 1$/m);

    const major = await cli('schedulers', 'diff', '-f', file({ image: 'tennis:2' }));
    expect(major.code).toBe(0);
    expect(major.stderr).toContain('will make a major version: v1.0.0 → v2.0.0');
    expect(await versionsOf()).toEqual(['v1.0.0*']);
  });

  it(
    'applies a minor version with --wait and switches back to the first one',
    async () => {
      const applied = await cli(
        'schedulers',
        'apply',
        '-f',
        file({ roomsReplicas: 1 }),
        '--wait',
        '--timeout',
        '150s',
      );
      expect(applied.code).toBe(0);
      expect(applied.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
      expect(applied.stderr).toMatch(/create_new_scheduler_version [0-9a-f-]+: finished/);
      // A minor version keeps the rooms; --wait ends once the new room is ready.
      expect(applied.stderr.trimEnd().split('\n').at(-1)).toBe('  rooms at v1.1.0: 1 ready on it');
      expect(await versionsOf()).toEqual(['v1.1.0*', 'v1.0.0']);

      const switched = await cli(
        'schedulers',
        'switch',
        name,
        'v1.0.0',
        '--wait',
        '--timeout',
        '150s',
      );
      expect(switched.code).toBe(0);
      expect(switched.stderr).toMatch(/switch_active_version [0-9a-f-]+: finished/);
      const active = json(await cli('schedulers', 'get', name, '-o', 'json'));
      expect(active).toMatchObject({ name, spec: { version: 'v1.0.0' }, roomsReplicas: 0 });
      // Back to no rooms: --wait ended once the room was gone.
      expect(switched.stderr.trimEnd().split('\n').at(-1)).toBe('  rooms at v1.0.0: 0 ready on it');
      expect(json(await cli('rooms', 'list', name, '-o', 'json'))['rooms']).toEqual([]);
    },
    WAITS,
  );

  it(
    'follows a major version with --wait until the rolling update has replaced the rooms',
    async () => {
      const rolled = `${name}-rolled`;
      const created = await cli(
        'schedulers',
        'apply',
        '-f',
        file({ name: rolled, roomsReplicas: 2 }),
        '--wait',
        '--timeout',
        '150s',
      );
      expect(created.code).toBe(0);
      expect(created.stderr.trimEnd().split('\n').at(-1)).toBe('  rooms at v1.0.0: 2 ready on it');

      const applied = await cli(
        'schedulers',
        'apply',
        '-f',
        file({ name: rolled, roomsReplicas: 2, image: 'tennis:2' }),
        '--wait',
        '--timeout',
        '150s',
      );
      expect(applied.code).toBe(0);
      expect(applied.stderr).toContain('will make a major version: v1.0.0 → v2.0.0');
      // It followed the rolling update: the rooms still to replace while it ran, or (when the
      // update finished while the operations were being followed) the health controller's steps.
      expect(applied.stderr).toMatch(
        /^ {2}rooms at v2\.0\.0: \d+ ready on it, \d+ to replace|health_controller: desired rooms: 2, available: \d+, rolling update to v2\.0\.0$/m,
      );
      expect(applied.stderr.trimEnd().split('\n').at(-1)).toBe('  rooms at v2.0.0: 2 ready on it');
      const rooms = json(await cli('rooms', 'list', rolled, '-o', 'json'))['rooms'] as {
        status: string;
        version: string;
      }[];
      expect(rooms.map(({ status, version }) => `${status} ${version}`)).toEqual([
        'ready v2.0.0',
        'ready v2.0.0',
      ]);
    },
    WAITS,
  );

  it('lists schedulers and operations as a table, JSON or YAML', async () => {
    const table = await cli('schedulers', 'list', '--game', 'cli-game');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+GAME\s+VERSION\s+STATE\s+REPLICAS/);
    expect(table.stdout).toMatch(new RegExp(`^${name}\\s+cli-game\\s+v1\\.0\\.0\\s`, 'm'));

    const yaml = await cli('schedulers', 'list', '--game', 'cli-game', '-o', 'yaml');
    expect(yaml.stdout).toContain(`- name: ${name}`);

    const operations = json(await cli('operations', 'list', name, '-o', 'json'))['operations'] as {
      id: string;
      definitionName: string;
      status: string;
    }[];
    expect(operations.map((o) => o.definitionName)).toEqual(
      expect.arrayContaining([
        'create_scheduler',
        'create_new_scheduler_version',
        'switch_active_version',
      ]),
    );
    const created = operations.find((o) => o.definitionName === 'create_scheduler')!;
    const detail = await cli('operations', 'get', name, created.id);
    expect(detail.code).toBe(0);
    expect(detail.stdout).toMatch(/^ID\s+OPERATION\s+STATUS/m);
    expect(detail.stdout).toMatch(/^AT\s+EVENT$/m);
  });

  it(
    "lists a scheduler's rooms as a table or JSON, filtered by status",
    async () => {
      const roomful = `${name}-rooms`;
      // --wait: the operations end, but the room never gets ready.
      const applied = await cli(
        'schedulers',
        'apply',
        '-f',
        file({ name: roomful, roomsReplicas: 1, isSilent: true }),
        '--wait',
        '--timeout',
        '20s',
      );
      expect(applied.code).toBe(1);
      expect(applied.stderr).toMatch(/add_rooms [0-9a-f-]+: finished/);
      expect(applied.stderr).toContain('rooms at v1.0.0: 0 ready on it, 1 starting or stopping');
      expect(applied.stderr.trimEnd().split('\n').at(-1)).toBe(
        'rooms still rolling out after 20 s (--timeout)',
      );
      let rooms: { id: string; status: string; version: string }[] = [];
      for (const deadline = Date.now() + 120_000; rooms.length === 0 && Date.now() < deadline;) {
        const listed = await cli('rooms', 'list', roomful, '-o', 'json');
        expect(listed.code).toBe(0);
        rooms = (json(listed)['rooms'] as typeof rooms) ?? [];
      }
      // The room runs `sleep 600`: it never pings, so it is never ready.
      expect(rooms).toEqual([
        expect.objectContaining({
          id: expect.stringMatching(new RegExp(`^${roomful}-`)) as unknown,
          version: 'v1.0.0',
        }),
      ]);
      const table = await cli('rooms', 'list', roomful);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+VERSION\s+MATCHES\s+LAST PING/);
      expect(table.stdout).toMatch(
        new RegExp(`^${rooms[0]!.id}\\s+(pending|unready)\\s+v1\\.0\\.0\\s`, 'm'),
      );
      const ready = await cli('rooms', 'list', roomful, '--status', 'ready');
      expect(ready.stdout.trimEnd().split('\n')).toHaveLength(1);
      const address = await cli('rooms', 'address', roomful, rooms[0]!.id, '-o', 'json');
      expect([address.code, address.stderr]).toEqual([0, '']);
      expect(json(address)).toEqual({
        host: expect.any(String) as unknown,
        ports: [expect.objectContaining({ name: 'game', protocol: 'UDP' }) as unknown],
      });
      // Its room never pings ready: nothing to allocate, and the API says so.
      const allocated = await cli('rooms', 'allocate', roomful);
      expect(allocated.code).toBe(1);
      expect(allocated.stderr).toMatch(/^maestro: .*no ready rooms? .*\(HTTP \d+\)$/m);
      // Waiting for one does not make it ready: the same answer, after the wait.
      const startedAt = Date.now();
      const waited = await cli('rooms', 'allocate', roomful, '--wait', '1s');
      expect(waited.code).toBe(1);
      expect(waited.stderr).toMatch(/^maestro: .*no ready rooms? .*\(HTTP \d+\)$/m);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
      const badWait = await cli('rooms', 'allocate', roomful, '--wait', 'soon');
      expect(badWait.code).toBe(2);
      expect(badWait.stderr).toContain('--wait "soon": expected a duration such as 90s, 10m or 1h');
      const invalid = await cli('rooms', 'list', roomful, '--status', 'bogus');
      expect(invalid.code).toBe(2);
      expect((await cli('rooms', 'list', `${name}-missing`)).code).toBe(1);
    },
    WAITS,
  );

  it('reads the server from the profile that MAESTRO_PROFILE names', async () => {
    const home = mkdtempSync(path.join(dir, 'config-'));
    const config = path.join(home, 'maestro');
    mkdirSync(config);
    writeFileSync(
      path.join(config, 'cli.yaml'),
      dump({
        current: 'nowhere',
        profiles: {
          nowhere: { server: 'http://127.0.0.1:1' },
          it: { server: maestro.managementApiUrl },
        },
      }),
    );
    const viaProfile = await maestroCli(['schedulers', 'versions', name], {
      XDG_CONFIG_HOME: home,
      MAESTRO_PROFILE: 'it',
    });
    expect(viaProfile).toMatchObject({ code: 0 });
    expect(viaProfile.stdout).toContain('v1.0.0');

    const viaCurrent = await maestroCli(['schedulers', 'list'], { XDG_CONFIG_HOME: home });
    expect(viaCurrent.code).toBe(3);
    expect(viaCurrent.stderr).toContain('maestro: cannot reach http://127.0.0.1:1/schedulers');
  });

  it('exits 2 naming the field for an invalid file, and 1 with the API message for an unknown scheduler', async () => {
    const invalid = path.join(dir, 'invalid.yaml');
    writeFileSync(
      invalid,
      dump({ name, game: 'cli-game', spec: { containers: [{ name: 'game' }] } }),
    );
    const refused = await cli('schedulers', 'apply', '-f', invalid);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('spec.containers[0].image');

    const missing = await cli('schedulers', 'get', `missing-${name}`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^maestro: .*not found.* \(HTTP 404\)$/m);
  });

  it('completes its commands and flags in bash', async () => {
    const script = path.join(dir, 'completion.bash');
    writeFileSync(script, (await maestroCli(['completion', 'bash'])).stdout);
    const complete = async (...words: string[]) => {
      const shell = spawnSync('bash', [
        '-c',
        `source ${script}; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _maestro_complete; echo "\${COMPREPLY[*]}"`,
      ]);
      return shell.stdout.toString().trim();
    };
    expect(await complete('maestro', 'sch')).toBe('schedulers scheduler');
    expect(await complete('maestro', 'ops', 'w')).toBe('watch');
    expect((await complete('maestro', 'scheduler', 'apply', '--')).split(' ')).toEqual(
      expect.arrayContaining(['--file', '--dry-run', '--wait', '--timeout']),
    );
  });

  it(
    'deletes the scheduler with --wait',
    async () => {
      const doomed = `${name}-delete`;
      const created = await cli('schedulers', 'apply', '-f', file({ name: doomed }), '--wait');
      expect(created.code).toBe(0);
      const deleted = await cli('schedulers', 'delete', doomed, '--wait', '--timeout', '150s');
      expect([deleted.code, deleted.stderr]).toEqual([
        0,
        expect.stringMatching(/delete_scheduler [0-9a-f-]+: finished/),
      ]);
      expect((await cli('schedulers', 'get', doomed)).code).toBe(1);
    },
    WAITS,
  );
});
