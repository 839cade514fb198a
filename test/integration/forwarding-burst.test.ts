/**
 * A burst of pings through the Rooms API (closed loop, many concurrent connections) toward a real
 * GRPCForwarder that can take the load: nothing is dropped or fails, every recorded ping is either
 * forwarded or coalesced into a newer state of its room, and each room's last state arrives.
 */
import type { ForwardingLimits } from '../../src/app/forwarder-lanes';
import { RoomStatus_RoomStatusType } from '../../src/gen/eventforwarder/events_pb';
import { uniqueSuffix } from '../support/infra';
import {
  metricByLabel,
  metricTotal,
  pingBurst,
  placeRooms,
  type BurstResult,
} from '../support/ping-burst';
import {
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

const CONNECTIONS = 64;
const ROOMS = 128;
const PINGS_PER_CONNECTION = 30;
const BURST_DEADLINE_MS = 10_000;

/** Each room's last status as the forwarder received it in resyncs. */
function lastForwardedStatus(api: RoomsApiHarness): Map<string, string> {
  const last = new Map<string, string>();
  for (const call of api.forwarder.calls) {
    if (call.rpc !== 'SendRoomResync') continue;
    const { roomId } = call.message.room!;
    last.set(roomId, RoomStatus_RoomStatusType[call.message.statusType]);
  }
  return last;
}

async function burstThrough(
  api: RoomsApiHarness,
): Promise<{ scheduler: string; burst: BurstResult }> {
  const scheduler = `burst-${uniqueSuffix()}`;
  // The backend, the Rooms API and the load share one process here: a generous deadline keeps a
  // stalled test machine (a long GC pause in a busy CI worker) from reading as a lost event. That
  // waiting events are not sent (so have no deadline running) is forwarder-lanes.test.ts's to show,
  // and the deadline itself rooms-forwarding-grpc-client.test.ts's.
  const forwarder = forwarderAt('backend', api.forwarder.address, {
    options: { timeoutMs: BURST_DEADLINE_MS, metadata: { roomType: 'ranked' } },
  });
  await api.schedulers.createScheduler(testScheduler(scheduler, { forwarders: [forwarder] }));
  const rooms = await placeRooms(api, scheduler, ROOMS);
  api.forwarder.calls.length = 0;
  const burst = await pingBurst(api, scheduler, rooms, {
    connections: CONNECTIONS,
    pingsPerConnection: PINGS_PER_CONNECTION,
  });
  await api.ping.drain();
  return { scheduler, burst };
}

const counts = async (api: RoomsApiHarness, scheduler: string) => ({
  forwarded: await metricTotal(
    api.registry,
    'maestro_api_success_room_event_forwarding_total',
    scheduler,
  ),
  failed: await metricTotal(
    api.registry,
    'maestro_api_failed_room_event_forwarding_total',
    scheduler,
  ),
  coalesced: await metricTotal(
    api.registry,
    'maestro_api_coalesced_room_event_forwarding_total',
    scheduler,
  ),
  dropped: await metricTotal(api.registry, 'maestro_api_dropped_event_forwarding_total', scheduler),
  pingForwardingFailed: await metricTotal(
    api.registry,
    'maestro_api_failed_ping_forwarding_total',
    scheduler,
  ),
  /** Failed calls per code, so that a failure says what the backend or the transport answered. */
  failedCodes: await metricByLabel(
    api.registry,
    'maestro_api_failed_room_event_forwarding_total',
    scheduler,
    'code',
  ),
});

describe.each<[string, ForwardingLimits | undefined, number]>([
  ['the default limits and a fast backend', undefined, 0],
  [
    '4 calls in flight and a backend taking 20 ms a call',
    { maxInFlight: 4, maxQueued: 10_000 },
    20,
  ],
])('a burst of pings with %s', (_title, forwardingLimits, delayMs) => {
  let api: RoomsApiHarness;

  beforeAll(async () => {
    api = await startRoomsApi({ forwardingLimits });
    api.forwarder.delayMs = delayMs;
  });

  afterAll(() => api.close());

  it('loses no event and delivers every room’s last state', async () => {
    const { scheduler, burst } = await burstThrough(api);
    const total = await counts(api, scheduler);

    expect(burst).toMatchObject({
      recorded: CONNECTIONS * PINGS_PER_CONNECTION,
      refused: 0,
      refusals: {},
    });
    expect(total).toMatchObject({
      failed: 0,
      dropped: 0,
      pingForwardingFailed: 0,
      failedCodes: {},
    });
    // Every recorded ping went out, or a newer state of its room went out in its place.
    expect(total.forwarded + total.coalesced).toBe(burst.recorded);
    expect(api.forwarder.count()).toBe(total.forwarded);
    expect(lastForwardedStatus(api)).toEqual(burst.lastStatus);
    expect(await metricTotal(api.registry, 'maestro_api_event_forwarding_queued', scheduler)).toBe(
      0,
    );
    if (forwardingLimits) {
      // A backend slower than the pings: the queue absorbs the burst by coalescing.
      expect(total.coalesced).toBeGreaterThan(0);
      expect(total.forwarded).toBeLessThan(burst.recorded);
    }
  });
});
