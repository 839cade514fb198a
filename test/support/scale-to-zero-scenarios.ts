/**
 * Scale to zero and wake on allocate, end to end on one runtime with real Temporal, Postgres and
 * Redis: rooms ping the real Rooms API (local: the sample game-room processes; Kubernetes: kwok
 * pods played by `RoomSimulator`), allocations go through its HTTP route, and the health
 * controller's autoscaling clock is one the test moves (idleness without waiting a real minute).
 */
import { RoomsClient } from '@maestro/rooms-client';
import { freePort } from '../../scripts/local-infra/paths';
import { RedisAutoscalerState } from '../../src/adapters/redis/redis-autoscaler-state';
import { OperationsHarness } from './operations-harness';
import { eventually } from './runtime-contract';

/** Rooms may go 10 minutes without a ping: moving the clock must not expire them. */
const ENV = {
  MAESTRO_ROOM_PING_TIMEOUT_MS: '600000',
  MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS: '600000',
};

interface Answer {
  status: number;
  body: Record<string, unknown>;
  elapsedMs: number;
}

export function describeScaleToZero(runtimeKind: 'local' | 'kubernetes') {
  describe(`scale to zero and wake on allocate (${runtimeKind} runtime)`, () => {
    let clockOffsetMs = 0;
    const harness = new OperationsHarness(runtimeKind);
    const name = (label: string) => `stz-${label}-${harness.suffix}`;
    const liveRooms = async (scheduler: string) =>
      (await harness.rooms.listRooms(scheduler)).filter((room) => room.status !== 'terminating');
    /** The Rooms API's count of the scheduler's waits that ended with `outcome`. */
    const waitsEnded = async (scheduler: string, outcome: string) => {
      const text = await harness.system!.registry.metrics();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('maestro_rooms_api_allocation_waits_total{') &&
            l.includes(`scheduler="${scheduler}"`) &&
            l.includes(`outcome="${outcome}"`),
        );
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };

    let grpcAddress = '';
    beforeAll(async () => {
      grpcAddress = `127.0.0.1:${await freePort()}`;
      await harness.start({
        healthControllerIntervalMs: 1_000,
        env: { ...ENV, MAESTRO_ROOMS_API_GRPC_PORT: grpcAddress.split(':')[1]! },
        autoscalingClock: () => new Date(Date.now() + clockOffsetMs),
      });
    });
    afterAll(() => harness.stop());

    async function allocate(
      scheduler: string,
      body?: Record<string, unknown>,
      signal?: AbortSignal,
    ): Promise<Answer> {
      const started = performance.now();
      const response = await fetch(
        `${harness.roomsApiAddress}/scheduler/${scheduler}/rooms/allocate`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
          ...(signal && { signal }),
        },
      );
      const answer = (await response.json()) as Record<string, unknown>;
      return { status: response.status, body: answer, elapsedMs: performance.now() - started };
    }

    async function createdAtZero(label: string, { isSelfPinging = true, idleAfter = '1m' } = {}) {
      const scheduler = name(label);
      const autoscaling = {
        enabled: true,
        min: 0,
        max: 5,
        cooldown: 0,
        policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } },
        scaleToZero: { idleAfter, allocateWait: '30s' },
      };
      await harness.commands.createScheduler(
        harness.schedulerInput(scheduler, { autoscaling }, { isSelfPinging }),
      );
      if (!isSelfPinging) harness.simulator?.silenceScheduler(scheduler);
      return scheduler;
    }

    it('keeps one room of a new min-0 scheduler until idle for idleAfter (1m), then drains to zero', async () => {
      const scheduler = await createdAtZero('drain');
      await eventually(
        async () =>
          expect((await liveRooms(scheduler)).map((room) => room.status)).toEqual(['ready']),
        60_000,
        250,
      );

      // New schedulers count as active from their creation: 2 minutes later they are idle.
      clockOffsetMs = 2 * 60_000;

      await eventually(async () => expect(await liveRooms(scheduler)).toEqual([]), 60_000, 250);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // and it stays at zero
      expect(await liveRooms(scheduler)).toEqual([]);
    });

    it('gives each of 3 concurrent waiting allocations its own room when the scheduler is at zero', async () => {
      const scheduler = await createdAtZero('wake'); // created over 1m ago on the moved clock
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // a few health checks
      expect(await liveRooms(scheduler)).toEqual([]);

      const answers = await Promise.all([1, 2, 3].map(() => allocate(scheduler, { wait: '60s' })));

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const ids = answers.map((answer) => answer.body.roomId as string);
      expect(new Set(ids).size).toBe(3);
      const rooms = await harness.rooms.listRooms(scheduler);
      for (const id of ids) {
        expect(rooms.find((room) => room.id === id)).toMatchObject({ status: 'allocated' });
      }
      const state = new RedisAutoscalerState(harness.redis);
      expect((await state.snapshot(scheduler, new Date())).waiters).toBe(0);
      expect(await waitsEnded(scheduler, 'served')).toBe(3);
      // The wake went through the health controller, which saw the waiters and added rooms.
      const { finished } = await harness.queue.list(scheduler);
      const histories = await Promise.all(
        finished.map(async (operation) => ({
          name: operation.definitionName,
          events: (await harness.queue.get(scheduler, operation.id))?.executionHistory ?? [],
        })),
      );
      expect(histories.map((operation) => operation.name)).toContain('add_rooms');
      const healthEvents = histories
        .filter((operation) => operation.name === 'health_controller')
        .flatMap((operation) => operation.events.map((event) => event.event));
      expect(healthEvents.join('\n')).toMatch(/allocation\(s\) waiting for a room/);
    });

    it('waits by the scheduler’s default allocateWait when the request names no wait', async () => {
      const scheduler = await createdAtZero('default-wait');

      const answer = await allocate(scheduler);

      expect(answer).toMatchObject({ status: 200, body: { success: true } });
    });

    it('wakes a scheduler at zero for an allocation over gRPC with a wait (rooms client)', async () => {
      const scheduler = await createdAtZero('grpc');
      const rooms = new RoomsClient({ address: grpcAddress, transport: 'grpc' });

      try {
        const room = await rooms.allocate(scheduler, { waitMs: 60_000 });

        expect((await harness.rooms.getRoom(scheduler, room.roomId))?.status).toBe('allocated');
      } finally {
        rooms.close();
      }
    });

    it('answers today’s no-ready-room error after a 1s wait on rooms that never turn ready', async () => {
      const scheduler = await createdAtZero('never-ready', { isSelfPinging: false });

      const answer = await allocate(scheduler, { wait: '1s' });

      expect(answer).toMatchObject({
        status: 429,
        body: {
          code: 8,
          message: `no ready rooms available for scheduler ${scheduler}`,
          details: [],
        },
      });
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000);
      expect(answer.elapsedMs).toBeLessThan(10_000); // the request's 1 s, not the scheduler's 30 s
      const state = new RedisAutoscalerState(harness.redis);
      expect((await state.snapshot(scheduler, new Date())).waiters).toBe(0);
      expect(await waitsEnded(scheduler, 'expired')).toBe(1);
    });

    it('stops waiting, its waiter gone, when the matchmaker closes the connection', async () => {
      const scheduler = await createdAtZero('gone', { isSelfPinging: false });
      const state = new RedisAutoscalerState(harness.redis);
      const matchmaker = new AbortController();

      const request = allocate(scheduler, { wait: '60s' }, matchmaker.signal).catch(
        () => 'aborted',
      );
      await eventually(
        async () => expect((await state.snapshot(scheduler, new Date())).waiters).toBe(1),
        5_000,
        50,
      );
      matchmaker.abort();

      expect(await request).toBe('aborted');
      // Gone with the caller, not at the wait's 60 s deadline.
      await eventually(
        async () => expect((await state.snapshot(scheduler, new Date())).waiters).toBe(0),
        10_000,
        50,
      );
      expect(await waitsEnded(scheduler, 'gone')).toBe(1);
    });

    it('stops waiting, its waiter gone, when a gRPC call passes its deadline', async () => {
      const scheduler = await createdAtZero('grpc-gone', { isSelfPinging: false });
      const state = new RedisAutoscalerState(harness.redis);
      const rooms = new RoomsClient({ address: grpcAddress, transport: 'grpc', timeoutMs: 500 });

      try {
        // No wait in the request: the scheduler's 30s allocateWait, beyond the call's deadline.
        await expect(rooms.allocate(scheduler)).rejects.toThrow();
      } finally {
        rooms.close();
      }

      // Gone with the call, not at the 30 s allocateWait's deadline.
      await eventually(
        async () => expect((await state.snapshot(scheduler, new Date())).waiters).toBe(0),
        10_000,
        50,
      );
      expect(await waitsEnded(scheduler, 'gone')).toBe(1);
    });

    it('answers 400 naming the field for a wait that is not a duration or longer than 2m', async () => {
      const scheduler = await createdAtZero('bad-wait');

      const answers = [
        await allocate(scheduler, { wait: 'forever' }),
        await allocate(scheduler, { wait: '3m' }),
      ];

      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(JSON.stringify(answer.body)).toContain('wait');
      }
    });

    it('answers a Maestro-style allocate on a min≥1 scheduler at once, as before', async () => {
      const scheduler = name('maestro');
      await harness.commands.createScheduler(
        harness.schedulerInput(scheduler, { roomsReplicas: 1 }),
      );
      await eventually(
        async () =>
          expect((await liveRooms(scheduler)).map((room) => room.status)).toEqual(['ready']),
        60_000,
      );

      const first = await allocate(scheduler);
      const second = await allocate(scheduler);

      expect(first).toMatchObject({ status: 200, body: { success: true, message: '' } });
      expect(second).toMatchObject({
        status: 429,
        body: { code: 8, message: `no ready rooms available for scheduler ${scheduler}` },
      });
      expect(second.elapsedMs).toBeLessThan(5_000); // no wait: a waiting allocate takes 30 s
    });
  });
}
