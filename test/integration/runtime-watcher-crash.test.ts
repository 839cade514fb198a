import { freePort } from '../../scripts/local-infra/paths';
import { RedisPortAllocator } from '../../src/adapters/redis/redis-port-allocator';
import { runMaestro, type MaestroProcess } from '../support/maestro-process';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/**
 * The runtime watcher runs as its own `maestro start runtime-watcher` process and is SIGKILLed:
 * started again, it reflects what happened while it was dead (a room gone: record dropped, host
 * ports freed) and what happens after.
 */
describe('runtime watcher process killed and restarted', () => {
  const harness = new OperationsHarness();
  let watcher: MaestroProcess | undefined;

  beforeAll(() => harness.start({ without: ['runtime-watcher'] }));
  afterAll(async () => {
    watcher?.child.kill('SIGKILL');
    await harness.stop();
  });

  const startWatcher = async () =>
    runMaestro(['start', 'runtime-watcher'], {
      ...harness.maestroEnvironment(),
      MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT: String(await freePort()),
      MAESTRO_LOG_LEVEL: 'warn',
    });
  const storedIds = async (scheduler: string) =>
    (await harness.rooms.listRooms(scheduler)).map((room) => room.id).sort();

  it('loses nothing that happened while it was dead, and follows what happens after', async () => {
    const scheduler = `watcher-crash-${harness.suffix}`;
    const ports = new RedisPortAllocator(harness.redis);
    watcher = await startWatcher();
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(
      async () => expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
      30_000,
    );
    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 3 }),
      'finished',
    );
    // Ready needs the watcher: the instance's status reaches room storage only through it.
    await eventually(async () => {
      const statuses = (await harness.rooms.listRooms(scheduler)).map((room) => room.status);
      expect(statuses).toEqual(['ready', 'ready', 'ready']);
    }, 60_000);
    const [whileDead, afterRestart, kept] = await storedIds(scheduler);

    watcher.child.kill('SIGKILL');
    await watcher.exited;
    await harness.runtime.deleteRoom({ scheduler, roomId: whileDead!, reason: 'test' });
    await eventually(async () =>
      expect((await harness.runtime.listRooms(scheduler)).map((r) => r.id)).not.toContain(
        whileDead,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await storedIds(scheduler)).toContain(whileDead); // nobody watching: still recorded
    expect(await ports.held(scheduler, whileDead!)).toBeDefined();

    watcher = await startWatcher();
    await eventually(
      async () => expect(await storedIds(scheduler)).not.toContain(whileDead),
      60_000,
    );
    expect(await ports.held(scheduler, whileDead!)).toBeUndefined();

    await harness.runtime.deleteRoom({ scheduler, roomId: afterRestart!, reason: 'test' });
    await eventually(async () => expect(await storedIds(scheduler)).toEqual([kept]), 30_000);
    expect((await harness.rooms.getRoom(scheduler, kept!))?.status).toBe('ready');
    expect(await ports.held(scheduler, afterRestart!)).toBeUndefined();
  });
});
