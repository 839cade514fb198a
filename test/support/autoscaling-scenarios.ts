import type { GameRoom } from '../../src/domain/game-room/room';
import { OperationsHarness } from './operations-harness';
import { eventually } from './runtime-contract';

const HEALTH_ENV = {
  MAESTRO_ROOM_PING_TIMEOUT_MS: '30000',
  MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS: '60000',
};

const live = (rooms: GameRoom[]) => rooms.filter((room) => room.status !== 'terminating');
const buffer = (amount: number) => ({
  type: 'fixedBuffer',
  parameters: { fixedBuffer: { amount } },
});

/**
 * The autoscaling policies of issue #17 end to end on one runtime, driven by a clock the test
 * moves (`autoscalingClock`): room timeouts keep real time, schedule windows and chain entries go
 * by the test's clock. Rooms are played by `RoomSimulator` (pings through the real Rooms API).
 */
export function describeAutoscalingScenarios(runtimeKind: 'local' | 'kubernetes') {
  describe(`autoscaling schedules and chains (${runtimeKind} runtime)`, () => {
    const harness = new OperationsHarness(runtimeKind);
    // Friday 2024-12-20, 12:00 in Berlin (UTC+1).
    const clock = { now: Date.parse('2024-12-20T11:00:00.000Z') };
    const name = (label: string) => `as-${label}-${harness.suffix}`;
    const liveRooms = async (scheduler: string) =>
      live(await harness.rooms.listRooms(scheduler)).length;

    beforeAll(() =>
      harness.start({
        healthControllerIntervalMs: 1_000,
        simulateRooms: true,
        env: HEALTH_ENV,
        autoscalingClock: () => new Date(clock.now),
      }),
    );
    afterAll(() => harness.stop());

    /** A scheduler of 1 to 10 rooms with `policy`, no cooldown. */
    async function scheduled(label: string, policy: Record<string, unknown>) {
      const scheduler = name(label);
      const autoscaling = { enabled: true, min: 1, max: 10, cooldown: 0, policy };
      await harness.commands.createScheduler(
        harness.schedulerInput(scheduler, { autoscaling }, { isSelfPinging: false }),
      );
      return scheduler;
    }

    async function historyLines(scheduler: string): Promise<string[]> {
      const { operations } = await harness.operations.list({
        schedulerName: scheduler,
        stage: 'final',
        perPage: 100,
      });
      const details = await Promise.all(
        operations
          .filter((operation) => operation.definitionName === 'health_controller')
          .map((operation) => harness.operations.get(scheduler, operation.id)),
      );
      return details.flatMap((operation) => operation.executionHistory.map((line) => line.event));
    }

    it('opens a weekday evening window ahead of time (leadTime) and closes it, by the test clock', async () => {
      const scheduler = await scheduled('schedule', {
        type: 'schedule',
        parameters: {
          schedule: {
            windows: [
              {
                start: '0 18 * * MON-FRI',
                duration: '5h',
                timeZone: 'Europe/Berlin',
                leadTime: '30m',
                policy: buffer(4),
              },
            ],
            default: buffer(1),
          },
        },
      });
      await eventually(async () => expect(await liveRooms(scheduler)).toBe(1), 60_000);

      // 17:29 in Berlin: one minute before the lead time, still the default.
      clock.now = Date.parse('2024-12-20T16:29:00.000Z');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await liveRooms(scheduler)).toBe(1);

      // 17:30: the lead time starts the window's rooms half an hour before 18:00.
      clock.now = Date.parse('2024-12-20T16:30:00.000Z');
      await eventually(async () => expect(await liveRooms(scheduler)).toBe(4), 60_000);
      await eventually(async () =>
        expect(await historyLines(scheduler)).toEqual(
          expect.arrayContaining([
            expect.stringMatching(
              /^autoscaler \(fixedBuffer\): windows\[0\] active: window 0 18 \* \* MON-FRI Europe\/Berlin 2024-12-20T17:00:00\.000Z–2024-12-20T22:00:00\.000Z \(lead time 30m before it\)$/,
            ),
          ]),
        ),
      );

      // 23:00: the window is over, back to the default.
      clock.now = Date.parse('2024-12-20T22:00:00.000Z');
      await eventually(async () => expect(await liveRooms(scheduler)).toBe(1), 60_000);
      expect(await historyLines(scheduler)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^autoscaler \(fixedBuffer\): no windows active: default$/),
        ]),
      );
    });

    it('takes the first active chain entry, else the default', async () => {
      clock.now = Date.parse('2024-12-21T10:00:00.000Z'); // Saturday 11:00 in Berlin
      const scheduler = await scheduled('chain', {
        type: 'chain',
        parameters: {
          chain: {
            entries: [
              {
                window: {
                  start: '0 20 * * SAT',
                  duration: '2h',
                  timeZone: 'Europe/Berlin',
                },
                policy: buffer(5),
              },
              {
                window: {
                  start: '0 12 * * SAT,SUN',
                  duration: '10h',
                  timeZone: 'Europe/Berlin',
                },
                policy: buffer(3),
              },
            ],
            default: buffer(2),
          },
        },
      });
      await eventually(async () => expect(await liveRooms(scheduler)).toBe(2), 60_000);

      clock.now = Date.parse('2024-12-21T12:00:00.000Z'); // 13:00: the weekend entry
      await eventually(async () => expect(await liveRooms(scheduler)).toBe(3), 60_000);

      clock.now = Date.parse('2024-12-21T19:30:00.000Z'); // 20:30: both active, the first wins
      await eventually(async () => expect(await liveRooms(scheduler)).toBe(5), 60_000);
      expect(await historyLines(scheduler)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^autoscaler \(fixedBuffer\): entries\[0\] active: /),
        ]),
      );
    });
  });
}
