import { PrometheusHttpMetrics } from '../../adapters/metrics/prometheus-http-metrics';
import { PrometheusAllocationMetrics } from '../../adapters/metrics/prometheus-allocation-metrics';
import { buildRoomsGrpcServer } from '../../api/rooms/grpc-server';
import { buildRoomsHttpApp } from '../../api/rooms/http-routes';
import { RoomAuthenticator } from '../../api/rooms/room-auth';
import type { RoomsApiDeps } from '../../api/rooms/rooms-service';
import { RoomsAllocation } from '../../app/rooms-allocation';
import { CoalescedNudges } from '../../app/coalesced-nudges';
import { TemporalHealthNudger } from '../../adapters/temporal/temporal-health-nudger';
import { RoomsEvents } from '../../app/rooms-events';
import { RoomsPing } from '../../app/rooms-ping';
import { roomsAccessGuard } from './access-wiring';
import { apiTlsFor, rateLimitsFor } from './api-security-wiring';
import { httpApiModule } from './http-api-module';
import type { Module, ModuleDeps } from './module';
import { createRoomsForwarding } from './rooms-wiring';

const FORWARDING_DRAIN_GRACE_MS = 5_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The Rooms API: HTTP and native gRPC over Redis (rooms), the scheduler cache and the forwarders.
 * Stopping drains requests first, then the pings' background forwards (those still queued after
 * 5 s are dropped), then closes the channels.
 */
export function roomsApiModule(deps: ModuleDeps): Module {
  const { resources, registry } = deps;
  const { config, checks } = resources;
  const log = deps.log.child({ module: 'rooms-api' });
  const rooms = resources.roomStore();
  const schedulers = resources.schedulerCache();
  const { forwarding, metrics, close } = createRoomsForwarding(
    registry,
    log,
    config.rooms.forwarding,
    { isThreaded: true, isTraced: resources.isTraced },
  );
  const ping = new RoomsPing({ rooms, schedulers, forwarding, metrics, log });
  const api: RoomsApiDeps = {
    ping,
    events: new RoomsEvents({ rooms, schedulers, forwarding, log }),
    allocation: new RoomsAllocation({
      rooms,
      schedulers,
      // Only GET …/address needs the runtime: create it on first use.
      runtime: {
        roomAddress: (scheduler, roomId) => resources.runtime().roomAddress(scheduler, roomId),
      },
      waiting: {
        autoscaler: resources.autoscalerState(),
        // Only a waiting allocation signals Temporal: the client connects on the first nudge.
        nudges: new CoalescedNudges(
          {
            nudge: (scheduler) =>
              new TemporalHealthNudger(resources.temporalClient()).nudge(scheduler),
          },
          log,
        ),
        metrics: new PrometheusAllocationMetrics(registry),
      },
    }),
    auth: new RoomAuthenticator(config.rooms.auth),
    log,
    guard: roomsAccessGuard(config.access, schedulers, log, () => resources.credentialVerifiers()),
    httpMetrics: new PrometheusHttpMetrics(registry, 'rooms-api'),
    isTraced: resources.isTraced,
  };
  const rateLimits = rateLimitsFor(resources, log);
  if (rateLimits) api.rateLimits = rateLimits;
  const tls = apiTlsFor(config, log);
  const module = httpApiModule(
    {
      name: 'rooms-api',
      server: config.roomsApi,
      app: buildRoomsHttpApp(api, tls?.httpsOptions()),
      grpc: {
        server: buildRoomsGrpcServer(api, { shouldServeReflection: config.isGrpcReflectionOn }),
        address: config.roomsApiGrpc,
      },
      checks: [checks.redis(), checks.postgres()],
      ...(tls && { tls }),
    },
    deps,
  );
  return {
    ...module,
    async stop() {
      await module.stop();
      // A slow or silent forwarder must not hold the shutdown: after a grace period what is still
      // queued is dropped (counted); calls in flight end at their deadline at the latest.
      await Promise.race([ping.drain(), delay(FORWARDING_DRAIN_GRACE_MS)]);
      forwarding.dropQueued();
      await ping.drain();
      close();
    },
  };
}
