import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { GrpcForwarderClient } from '../../adapters/forwarder-grpc/grpc-forwarder-client';
import { ThreadedForwarderClient } from '../../adapters/forwarder-grpc/threaded-forwarder-client';
import { TracedForwarderClient } from '../../adapters/forwarder-grpc/traced-forwarder-client';
import { PrometheusRoomsMetrics } from '../../adapters/metrics/prometheus-rooms-metrics';
import type { ForwardingLimits } from '../../app/forwarder-lanes';
import { RoomsForwarding } from '../../app/rooms-forwarding';
import { ForwardingRoomLifecycle } from '../../app/forwarding-room-lifecycle';
import { roomTokenEnvironment } from '../../app/rooms-token';
import type { RoomsConfig } from '../../config/load';
import type { RoomLifecycle } from '../../ports/room-lifecycle';
import type { Resources } from '../infra/resources';

/**
 * Event forwarding with its own gRPC channels, on a worker thread when `isThreaded` (the Rooms
 * API's hot path), within `limits` per forwarder, each forward a client span when `isTraced`;
 * `close()` them when the module stops.
 */
export function createRoomsForwarding(
  registry: Registry,
  log: Logger,
  limits: ForwardingLimits,
  { isThreaded = false, isTraced = false } = {},
) {
  const channels = isThreaded ? new ThreadedForwarderClient() : new GrpcForwarderClient();
  const client = isTraced ? new TracedForwarderClient(channels) : channels;
  const metrics = new PrometheusRoomsMetrics(registry);
  const forwarding = new RoomsForwarding({
    client,
    metrics,
    log,
    limits,
    keepsCallerContext: isTraced,
  });
  metrics.observeBacklog(() => forwarding.backlog());
  return { forwarding, metrics, close: () => client.close() };
}

/**
 * What operation activities and the runtime watcher call to keep rooms' state (and forward
 * `terminated`): see `RoomLifecycle`. `close()` when the module stops.
 */
export function createRoomLifecycle(
  resources: Resources,
  registry: Registry,
  log: Logger,
): { lifecycle: RoomLifecycle; close: () => void } {
  const limits = resources.config.rooms.forwarding;
  const { forwarding, close } = createRoomsForwarding(registry, log, limits, {
    isTraced: resources.isTraced,
  });
  const lifecycle = new ForwardingRoomLifecycle({
    rooms: resources.roomStore(),
    schedulers: resources.schedulerCache(),
    forwarding,
    log,
  });
  return { lifecycle, close };
}

/**
 * The extra environment of a new room (`CreateRoomRequest.environment`): its `MAESTRO_ROOM_TOKEN`
 * when MAESTRO_ROOM_AUTH_SECRET is set, nothing otherwise.
 */
export function roomEnvironmentFor(
  config: RoomsConfig,
): (scheduler: string, roomId: string) => Record<string, string> {
  const { secret } = config.auth;
  return (scheduler, roomId) =>
    secret === '' ? {} : roomTokenEnvironment(secret, scheduler, roomId);
}
