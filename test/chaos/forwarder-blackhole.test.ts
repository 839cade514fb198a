/**
 * Chaos: a forwarder that accepts connections and requests but never answers. Pings keep being
 * recorded and answered; their resyncs fail at the forwarder's deadline, at most `maxInFlight` at
 * a time, while the queue stays within its bound and everything beyond it is dropped and counted.
 * (Latency and memory under this fault are measured in bench/forwarding, not asserted here.)
 */
import { startBlackholeForwarder, type BlackholeForwarder } from '../support/blackhole-forwarder';
import { uniqueSuffix } from '../support/infra';
import { metricTotal, pingBurst, placeRooms } from '../support/ping-burst';
import {
  call,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

const LIMITS = { maxInFlight: 4, maxQueued: 20 };
const TIMEOUT_MS = 300;

describe('a forwarder that never answers', () => {
  let api: RoomsApiHarness;
  let blackhole: BlackholeForwarder;
  let scheduler: string;

  beforeAll(async () => {
    api = await startRoomsApi({ forwardingLimits: LIMITS });
    blackhole = await startBlackholeForwarder();
    scheduler = `blackhole-${uniqueSuffix()}`;
    const forwarder = forwarderAt('silent', blackhole.address, {
      options: { timeoutMs: TIMEOUT_MS, metadata: {} },
    });
    await api.schedulers.createScheduler(testScheduler(scheduler, { forwarders: [forwarder] }));
  });

  afterAll(async () => {
    await api.close();
    await blackhole.close();
  });

  const total = (name: string, where: Record<string, string> = {}) =>
    metricTotal(api.registry, `maestro_api_${name}`, scheduler, where);

  /** The highest queue length and calls in flight seen while `work` runs. */
  async function peakBacklogDuring<T>(work: Promise<T>) {
    const peak = { queued: 0, inFlight: 0 };
    let isDone = false;
    const sampling = (async () => {
      while (!isDone) {
        peak.queued = Math.max(peak.queued, await total('event_forwarding_queued'));
        peak.inFlight = Math.max(peak.inFlight, await total('event_forwarding_in_flight'));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const result = await work.finally(() => (isDone = true));
    await sampling;
    return { result, peak };
  }

  it('answers every ping, fails resyncs at the deadline and keeps the queue bounded', async () => {
    const rooms = await placeRooms(api, scheduler, 60);

    const burst = pingBurst(api, scheduler, rooms, { connections: 16, pingsPerConnection: 20 });
    const { result, peak } = await peakBacklogDuring(burst);
    await api.ping.drain();

    expect(result).toMatchObject({ recorded: 320, refused: 0 });
    expect(peak.inFlight).toBeGreaterThan(0);
    expect(peak.inFlight).toBeLessThanOrEqual(LIMITS.maxInFlight);
    expect(peak.queued).toBeLessThanOrEqual(LIMITS.maxQueued);
    const failed = await total('failed_room_event_forwarding_total');
    const dropped = await total('dropped_event_forwarding_total', { reason: 'queue_full' });
    const coalesced = await total('coalesced_room_event_forwarding_total');
    expect(failed).toBe(
      await total('failed_room_event_forwarding_total', { code: 'DeadlineExceeded' }),
    );
    expect(failed).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    // Every recorded ping is accounted for: failed at the deadline, dropped, or coalesced.
    expect(failed + dropped + coalesced).toBe(result.recorded);
    expect(await total('success_room_event_forwarding_total')).toBe(0);
    expect(blackhole.received()).toBe(failed);
    expect(await total('event_forwarding_queued')).toBe(0);
    expect(await total('event_forwarding_in_flight')).toBe(0);
  });

  it('answers a room event with the forwarder’s deadline once the queue has room', async () => {
    await placeRooms(api, scheduler, 1);

    const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/room-0/roomevent`, {
      event: 'matchStarted',
    });

    expect(answer).toEqual({
      status: 200,
      body: {
        success: false,
        message: `failed to forward event room at "silent" with code DeadlineExceeded: deadline of ${TIMEOUT_MS} ms exceeded`,
      },
    });
  });

  it('answers player events beyond the queue’s bound at once, saying the queue is full', async () => {
    // A deadline long enough for every request to reach the queue while the first calls wait.
    const patient = `patient-${uniqueSuffix()}`;
    const forwarder = forwarderAt('silent', blackhole.address, {
      options: { timeoutMs: 1_500, metadata: {} },
    });
    await api.schedulers.createScheduler(testScheduler(patient, { forwarders: [forwarder] }));
    await placeRooms(api, patient, 1);

    const answers = await Promise.all(
      Array.from({ length: LIMITS.maxInFlight + LIMITS.maxQueued + 5 }, (_, i) =>
        call(api, 'POST', `/scheduler/${patient}/rooms/room-0/playerevent`, {
          event: 'playerJoin',
          metadata: { playerId: `p${i}` },
        }),
      ),
    );

    const messages = answers.map((answer) => (answer.body as { message: string }).message);
    const full = messages.filter((m) => m === 'event not forwarded to "silent": its queue is full');
    expect(full).toHaveLength(5);
    expect(messages.filter((m) => m.includes('DeadlineExceeded'))).toHaveLength(
      LIMITS.maxInFlight + LIMITS.maxQueued,
    );
    const dropped = metricTotal(
      api.registry,
      'maestro_api_dropped_event_forwarding_total',
      patient,
      {
        kind: 'player',
        reason: 'queue_full',
      },
    );
    expect(await dropped).toBe(5);
  });
});
