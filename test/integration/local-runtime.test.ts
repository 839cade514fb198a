import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { freePortRange } from '../../scripts/local-infra/paths';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import { DomainError } from '../../src/domain/errors';
import type { Spec } from '../../src/domain/scheduler/spec';
import type { RuntimeScheduler } from '../../src/ports/runtime';
import { uniqueSuffix } from '../support/infra';
import { describeRuntimeContract, eventually, eventuallyStatus } from '../support/runtime-contract';

const root = path.resolve(__dirname, '../..');
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-local-runtime-'));
const config = { stateDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 };
const runtime = new LocalRuntime(config, pino({ level: 'silent' }));
// Host ports of this file's rooms: the contract's bulk test uses the first ten, the rest one more.
const PORTS = 11;
let basePort: number;

beforeAll(async () => (basePort = await freePortRange(PORTS)));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function spec(
  container: Partial<Spec['containers'][number]> = {},
  overrides: Partial<Spec> = {},
): Spec {
  return {
    version: 'v1.0.0',
    terminationGracePeriodMs: 2_000,
    toleration: '',
    affinity: '',
    restartPolicy: 'Never',
    containers: [
      {
        name: 'game',
        image: 'sample-game-room',
        imagePullPolicy: 'IfNotPresent',
        command: ['node', path.join(root, 'examples/game-room/index.js')],
        environment: [
          { name: 'ROOMS_API_ADDRESS', value: 'http://127.0.0.1:1' },
          { name: 'PING_INTERVAL_MS', value: '60000' },
        ],
        requests: { cpu: '10m', memory: '32Mi' },
        limits: { cpu: '100m', memory: '64Mi' },
        ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
        ...container,
      },
    ],
    ...overrides,
  };
}

describeRuntimeContract('local', {
  runtime: () => runtime,
  spec: () => spec(),
  hostPorts: (index) => ({ game: basePort + index }),
  bulkRooms: 10,
});

describe('local runtime processes', () => {
  let scheduler: RuntimeScheduler;
  const shell = (script: string) => spec({ command: ['sh', '-c', script] });
  const create = (roomId: string, roomSpec: Spec) =>
    runtime.createRoom({
      scheduler,
      roomId,
      spec: roomSpec,
      hostPorts: { game: basePort + PORTS - 1 },
    });
  const logOf = (roomId: string) =>
    readFileSync(path.join(stateDir, 'logs', scheduler.name, `${roomId}.log`), 'utf8');

  beforeEach(async () => {
    scheduler = { name: `local-${uniqueSuffix()}`, labels: {}, annotations: {} };
    await runtime.createSchedulerSpace(scheduler);
  });

  afterEach(async () => {
    await runtime.deleteSchedulerSpace(scheduler.name);
  });

  it("gives the room maestro's variables, its own and its host ports, and none of maestro's environment", async () => {
    process.env['MAESTRO_SECRET_FOR_TEST'] = 'must-not-leak';
    try {
      await create('env-room', shell('env; exec sleep 30'));
      await eventually(async () => expect(logOf('env-room')).toContain('MAESTRO_ROOM_ID=env-room'));
    } finally {
      delete process.env['MAESTRO_SECRET_FOR_TEST'];
    }

    const log = logOf('env-room');
    expect(log).toContain(`MAESTRO_SCHEDULER_NAME=${scheduler.name}`);
    expect(log).toContain(`MAESTRO_HOST_PORT_GAME=${basePort + PORTS - 1}`);
    expect(log).toContain('ROOMS_API_ADDRESS=http://127.0.0.1:1');
    expect(log).not.toContain('MAESTRO_SECRET_FOR_TEST');
    expect(log).not.toContain('IT_INFRA');
  });

  it('reports terminating when the process exits 0 and error with the code when it exits non-zero', async () => {
    await create('clean-exit', shell('exit 0'));
    await create('bad-exit', shell('exit 3'));

    const clean = await eventuallyStatus(runtime, scheduler.name, 'clean-exit', 'terminating');
    const bad = await eventuallyStatus(runtime, scheduler.name, 'bad-exit', 'error');

    expect(clean.reason).toBe('exited with code 0');
    expect(bad.reason).toBe('exited with code 3');
  });

  it('kills a room that ignores SIGTERM, with everything it spawned, once the grace period is over', async () => {
    await create('stubborn', shell('trap "" TERM; sleep 300 & echo "child $!"; wait'));
    await eventually(async () => expect(logOf('stubborn')).toMatch(/child \d+/));
    const grandchild = Number(/child (\d+)/.exec(logOf('stubborn'))![1]);
    const started = Date.now();

    await runtime.deleteRoom({
      scheduler: scheduler.name,
      roomId: 'stubborn',
      reason: 'scale_down',
    });
    await eventually(
      async () => expect(await runtime.getRoom(scheduler.name, 'stubborn')).toBeUndefined(),
      10_000,
    );

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('kills a room stuck terminating at once when its deletion is forced, with everything it spawned', async () => {
    const stuck = spec(
      { command: ['sh', '-c', 'trap "" TERM; sleep 600 & echo "child $!"; wait'] },
      {
        terminationGracePeriodMs: 600_000,
      },
    );
    await create('stuck', stuck);
    await eventually(async () => expect(logOf('stuck')).toMatch(/child \d+/));
    const grandchild = Number(/child (\d+)/.exec(logOf('stuck'))![1]);
    const deletion = { scheduler: scheduler.name, roomId: 'stuck', reason: 'expired_room' };
    await runtime.deleteRoom(deletion);
    await eventuallyStatus(runtime, scheduler.name, 'stuck', 'terminating');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(isAlive(grandchild)).toBe(true); // 10 minutes of grace to go

    await runtime.deleteRoom({ ...deletion, force: true });

    await eventually(
      async () => expect(await runtime.getRoom(scheduler.name, 'stuck')).toBeUndefined(),
      5_000,
    );
    expect(isAlive(grandchild)).toBe(false);
    // Nothing of the room is left: not its keeper, nor a timer of the two deletions.
    await eventually(async () =>
      expect(processesMentioning(path.join(stateDir, 'rooms', scheduler.name, 'stuck'))).toEqual(
        [],
      ),
    );
  });

  it('restarts a failing room when its restart policy is OnFailure', async () => {
    await create(
      'flaky',
      spec(
        {
          command: ['sh', '-c', 'if [ -e "$MARK" ]; then exec sleep 30; fi; touch "$MARK"; exit 1'],
          environment: [{ name: 'MARK', value: path.join(stateDir, `mark-${scheduler.name}`) }],
        },
        { restartPolicy: 'OnFailure' },
      ),
    );

    await eventually(async () => expect(logOf('flaky')).toContain('restarting in 1s'), 10_000);
    const room = await eventuallyStatus(runtime, scheduler.name, 'flaky', 'ready');

    expect(room.reason).toBeUndefined();
  });

  it('finds its running rooms again after a restart of maestro, and can still delete them', async () => {
    await create('survivor', spec());
    await eventuallyStatus(runtime, scheduler.name, 'survivor', 'ready');
    const pid = Number(
      readFileSync(path.join(stateDir, 'rooms', scheduler.name, 'survivor', 'pid'), 'utf8'),
    );

    const restarted = new LocalRuntime(config, pino({ level: 'silent' }));
    const found = await restarted.getRoom(scheduler.name, 'survivor');
    await restarted.deleteRoom({
      scheduler: scheduler.name,
      roomId: 'survivor',
      reason: 'scale_down',
    });
    await eventually(async () =>
      expect(await restarted.getRoom(scheduler.name, 'survivor')).toBeUndefined(),
    );

    expect(found?.status).toBe('ready');
    expect(isAlive(pid)).toBe(false);
  });

  it('leaves no zombie processes behind when rooms come and go', async () => {
    await Promise.all(['z1', 'z2', 'z3'].map((id) => create(id, shell('exec sleep 30'))));
    await Promise.all(
      ['z1', 'z2', 'z3'].map((id) => eventuallyStatus(runtime, scheduler.name, id, 'ready')),
    );

    const processes = ['z1', 'z2', 'z3'].flatMap((id) => roomProcesses(scheduler.name, id));

    await runtime.deleteSchedulerSpace(scheduler.name);

    // Each room keeper (our child) and room process (its child) is gone and reaped, not a zombie.
    await eventually(async () =>
      expect(processes.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]),
    );
    expect(processes).toHaveLength(6);
    expect(existsSync(path.join(stateDir, 'rooms', scheduler.name))).toBe(false);
  });

  it('rejects a spec whose container has no command with an INVALID_ARGUMENT error naming it', async () => {
    const attempt = create('no-command', spec({ command: [] }));

    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(attempt).rejects.toThrow(/container game/);
  });
});

/** Pids of the live processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && isAlive(Number(pid));
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Running, and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The room keeper's and the room process's pids, from the room's directory. */
function roomProcesses(scheduler: string, roomId: string): number[] {
  const dir = path.join(stateDir, 'rooms', scheduler, roomId);
  const keeper = Number(readFileSync(path.join(dir, 'keeper'), 'utf8').split(' ')[0]);
  return [keeper, Number(readFileSync(path.join(dir, 'pid'), 'utf8'))];
}
