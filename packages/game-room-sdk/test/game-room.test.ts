import { RoomsApiError, type RoomReport } from '@maestro/rooms-client';
import { GameRoom, GameRoomConfigError, type GameRoomOptions, type RoomsApi } from '../src';

/** A stand-in Rooms API whose pings answer when the test says so. */
class ScriptedApi implements RoomsApi {
  readonly pings: RoomReport[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** How each ping is answered; by default at once, recorded. */
  answer: () => Promise<boolean> = () => Promise.resolve(true);
  isClosed = false;

  async ping(_scheduler: string, _roomId: string, report: RoomReport): Promise<boolean> {
    this.pings.push(report);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.answer();
    } finally {
      this.inFlight--;
    }
  }
  roomEvent = jest.fn(() => Promise.resolve({ success: true, message: '' }));
  playerEvent = jest.fn(() => Promise.resolve({ success: true, message: '' }));
  close(): void {
    this.isClosed = true;
  }
}

const identity = { scheduler: 'arena', roomId: 'room-1', env: {} };

describe('GameRoom', () => {
  let api: ScriptedApi;
  const rooms: GameRoom[] = [];
  const room = (options: GameRoomOptions = {}) => {
    const created = new GameRoom({ ...identity, api, signals: [], ...options });
    rooms.push(created);
    return created;
  };

  beforeEach(() => {
    jest.useFakeTimers();
    api = new ScriptedApi();
  });

  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((r) => r.stop()));
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('pings ready at once, then every interval, with runningMatches 0', async () => {
    const gameRoom = room({ pingIntervalMs: 1_000 });

    await expect(gameRoom.ready()).resolves.toEqual({
      status: 'ready',
      runningMatches: 0,
      isRecorded: true,
    });
    expect(api.pings).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(api.pings).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(api.pings).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(api.pings.map((p) => p.status)).toEqual(Array(5).fill('ready'));
  });

  it('sends a transition at once and restarts the interval from it', async () => {
    const gameRoom = room({ pingIntervalMs: 1_000 });
    await gameRoom.ready();
    await jest.advanceTimersByTimeAsync(600);

    await gameRoom.occupied();
    await jest.advanceTimersByTimeAsync(999);

    expect(api.pings.map(({ status, runningMatches }) => ({ status, runningMatches }))).toEqual([
      { status: 'ready', runningMatches: 0 },
      { status: 'occupied', runningMatches: 1 },
    ]);
    await jest.advanceTimersByTimeAsync(1);
    expect(api.pings).toHaveLength(3);
  });

  it('never has two pings in flight: transitions during one go in a single ping right after it', async () => {
    let release: (recorded: boolean) => void = () => undefined;
    api.answer = () => new Promise((resolve) => (release = resolve));
    const gameRoom = room({ pingIntervalMs: 1_000 });
    const first = gameRoom.ready();

    const occupied = gameRoom.occupied();
    gameRoom.runningMatches = 3;
    const ready = gameRoom.ready();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(api.pings).toHaveLength(1);
    api.answer = () => Promise.resolve(true);
    release(true);

    await expect(first).resolves.toMatchObject({ status: 'ready', runningMatches: 0 });
    await expect(occupied).resolves.toEqual({
      status: 'ready',
      runningMatches: 3,
      isRecorded: true,
    });
    await expect(ready).resolves.toEqual({ status: 'ready', runningMatches: 3, isRecorded: true });
    expect(api.pings).toHaveLength(2);
    expect(api.maxInFlight).toBe(1);
  });

  it('backs off exponentially with jitter while pings fail, and says so', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const failure = new RoomsApiError({
      transport: 'http',
      code: 14,
      message: 'down',
      httpStatus: 503,
    });
    api.answer = () => Promise.reject(failure);
    const gameRoom = room({ pingIntervalMs: 1_000, backoff: { initialMs: 400, maxMs: 1_600 } });
    const failures: unknown[] = [];
    gameRoom.on('pingFailed', (error, details) => failures.push({ error, ...details }));
    const times: number[] = [];
    const start = Date.now();
    api.answer = () => (times.push(Date.now() - start), Promise.reject(failure));

    await expect(gameRoom.ready()).resolves.toEqual({
      status: 'ready',
      runningMatches: 0,
      isRecorded: false,
      error: failure,
    });
    await jest.advanceTimersByTimeAsync(5_000);

    // Waits of 200, 400, 800, 800… (half of 400·2ⁿ capped at 1600, random 0).
    expect(times.slice(0, 6)).toEqual([0, 200, 600, 1_400, 2_200, 3_000]);
    expect(failures[0]).toEqual({
      error: failure,
      status: 'ready',
      consecutiveFailures: 1,
      retryInMs: 200,
    });
    expect(failures[3]).toMatchObject({ consecutiveFailures: 4, retryInMs: 800 });
  });

  it('returns to the interval after a ping succeeds again', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    let isDown = true;
    api.answer = () => (isDown ? Promise.reject(new Error('down')) : Promise.resolve(true));
    const gameRoom = room({ pingIntervalMs: 1_000, backoff: { initialMs: 400, maxMs: 10_000 } });
    await gameRoom.ready();
    await jest.advanceTimersByTimeAsync(600); // failed pings at 0, 200, 600
    isDown = false;
    await jest.advanceTimersByTimeAsync(800); // the one at 1400 succeeds
    const count = api.pings.length;

    await jest.advanceTimersByTimeAsync(999);
    expect(api.pings).toHaveLength(count);
    await jest.advanceTimersByTimeAsync(1);
    expect(api.pings).toHaveLength(count + 1);
  });

  it('emits pingRefused when the API answers success false', async () => {
    api.answer = () => Promise.resolve(false);
    const gameRoom = room();
    const refused = jest.fn();
    gameRoom.on('pingRefused', refused);

    await gameRoom.ready();

    expect(refused).toHaveBeenCalledWith({ status: 'ready', runningMatches: 0, isRecorded: false });
  });

  it('sends metadata and an explicit runningMatches, and refuses a negative count', async () => {
    const gameRoom = room();
    gameRoom.metadata = { mode: 'duo' };
    gameRoom.runningMatches = 2;

    await gameRoom.occupied();

    expect(api.pings[0]).toEqual({
      status: 'occupied',
      runningMatches: 2,
      metadata: { mode: 'duo' },
    });
    expect(() => (gameRoom.runningMatches = -1)).toThrow(RangeError);
  });

  it('forwards room and player events for its room', async () => {
    const gameRoom = room();

    await gameRoom.roomEvent('matchStarted', { map: 'dust' });
    await gameRoom.playerEvent('playerJoin', 'p-1');

    expect(api.roomEvent).toHaveBeenCalledWith('arena', 'room-1', {
      event: 'matchStarted',
      metadata: { map: 'dust' },
    });
    expect(api.playerEvent).toHaveBeenCalledWith('arena', 'room-1', {
      event: 'playerJoin',
      playerId: 'p-1',
    });
  });

  it('stops pinging on stop(), after the ping in flight, and closes the API', async () => {
    const gameRoom = room({ pingIntervalMs: 1_000 });
    await gameRoom.ready();

    await gameRoom.stop();
    await jest.advanceTimersByTimeAsync(10_000);

    expect(api.pings).toHaveLength(1);
    expect(api.isClosed).toBe(true);
    await expect(gameRoom.ready()).rejects.toThrow('stopped');
  });

  it('refuses to ping before it has a status', async () => {
    await expect(room().ping()).rejects.toThrow('call ready() first');
  });

  describe('shutdown', () => {
    it('pings terminating, then runs the hook, then exits 0', async () => {
      const order: string[] = [];
      const exit = jest.fn((code: number) => void order.push(`exit ${code}`));
      api.answer = () => (order.push(`ping ${api.pings.at(-1)!.status}`), Promise.resolve(true));
      const gameRoom = room({
        exit,
        onShutdown: (reason) => void order.push(`hook ${reason}`),
      });
      await gameRoom.occupied();

      await gameRoom.shutdown('SIGTERM');
      await jest.advanceTimersByTimeAsync(60_000);

      expect(order).toEqual(['ping occupied', 'ping terminating', 'hook SIGTERM', 'exit 0']);
      expect(api.isClosed).toBe(true);
    });

    it('exits 1 when the hook throws', async () => {
      const exit = jest.fn();
      const gameRoom = room({ exit, onShutdown: () => Promise.reject(new Error('disk full')) });

      await gameRoom.shutdown();

      expect(exit).toHaveBeenCalledWith(1);
      expect(api.pings.map((p) => p.status)).toEqual(['terminating']);
    });

    it('exits 1 at the end of the grace period when the hook hangs', async () => {
      const exit = jest.fn();
      const gameRoom = room({
        exit,
        gracePeriodMs: 2_000,
        onShutdown: () => new Promise(() => {}),
      });

      const shutdown = gameRoom.shutdown();
      await jest.advanceTimersByTimeAsync(1_999);
      expect(exit).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      await shutdown;

      expect(exit).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(1);
    });

    it('exits within the grace period when the Rooms API does not answer', async () => {
      const exit = jest.fn();
      let answerLate: (recorded: boolean) => void = () => undefined;
      api.answer = () => new Promise((resolve) => (answerLate = resolve));
      const gameRoom = room({ exit, gracePeriodMs: 500 });

      void gameRoom.shutdown();
      await jest.advanceTimersByTimeAsync(500);

      expect(exit).toHaveBeenCalledWith(1);
      answerLate(true); // (a real client's timeout ends it) so that stop() can finish
    });

    it('still reports terminating and exits 0 after stop()', async () => {
      const exit = jest.fn();
      const gameRoom = room({ exit });
      await gameRoom.ready();
      await gameRoom.stop();

      await gameRoom.shutdown();

      expect(api.pings.map((p) => p.status)).toEqual(['ready', 'terminating']);
      expect(exit).toHaveBeenCalledWith(0);
    });

    it('runs once however often it is asked', async () => {
      const exit = jest.fn();
      const hook = jest.fn();
      const gameRoom = room({ exit, onShutdown: hook });

      await Promise.all([gameRoom.shutdown(), gameRoom.shutdown()]);

      expect(hook).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledTimes(1);
    });
  });

  describe('identity and local mode', () => {
    it('reads its identity, the Rooms API address and the room token from the environment', () => {
      const gameRoom = new GameRoom({
        env: {
          MAESTRO_SCHEDULER_NAME: 'arena',
          MAESTRO_ROOM_ID: 'arena-x1',
          ROOMS_API_ADDRESS: 'http://rooms:8070',
          MAESTRO_ROOM_TOKEN: 'tok',
        },
        signals: [],
      });
      rooms.push(gameRoom);

      expect([gameRoom.scheduler, gameRoom.roomId, gameRoom.local]).toEqual([
        'arena',
        'arena-x1',
        undefined,
      ]);
    });

    it('refuses durations that are not positive', () => {
      expect(() => room({ pingIntervalMs: Number('soon'), gracePeriodMs: 0 })).toThrow(
        'not a positive number of milliseconds: intervalMs (NaN), gracePeriodMs (0)',
      );
    });

    it('names every variable maestro should have set when they are missing', () => {
      expect(() => new GameRoom({ env: {}, signals: [] })).toThrow(
        new GameRoomConfigError(['MAESTRO_SCHEDULER_NAME', 'MAESTRO_ROOM_ID']),
      );
    });

    it('in local mode needs no maestro: it logs and keeps what it would send', async () => {
      const lines: unknown[] = [];
      const logger = {
        info: (msg: string, fields?: object) => lines.push({ msg, ...fields }),
        warn: jest.fn(),
      };
      const gameRoom = new GameRoom({
        env: { MAESTRO_GAME_ROOM_LOCAL: 'true' },
        logger,
        signals: [],
      });
      rooms.push(gameRoom);

      await gameRoom.ready();
      await gameRoom.playerEvent('playerJoin', 'p-1');

      expect(gameRoom.local?.calls.map((call) => call.kind)).toEqual(['ping', 'playerEvent']);
      expect(lines[0]).toEqual({
        msg: 'local mode: ping',
        scheduler: 'local',
        roomId: 'local-room',
        report: { status: 'ready', runningMatches: 0 },
      });
    });
  });
});
