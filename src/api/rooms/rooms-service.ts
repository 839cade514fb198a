/**
 * `api.v1.RoomsService` in protobuf messages: each RPC validates what the message cannot express,
 * calls its use case and maps the result back. HTTP (http-routes.ts) and native gRPC
 * (grpc-server.ts) serve exactly these implementations.
 */
import type { HttpRequestMetrics } from '../../ports/http-metrics';
import type { Logger } from 'pino';
import {
  parseReportedPingStatus,
  REPORTED_PING_STATUSES,
  type ReportedPingStatus,
} from '../../domain/game-room/status';
import type { AllocateOptions, RoomsAllocation } from '../../app/rooms-allocation';
import { parseAllocateWait } from '../../domain/autoscaling/allocate-wait';
import type { RoomsEvents } from '../../app/rooms-events';
import type { RoomsPing } from '../../app/rooms-ping';
import { RoomsService } from '../../gen/api/v1/rooms_pb';
import type { MethodGuard } from '../shared/access-control';
import { RateLimitClass } from '../../domain/access/rate-limit';
import { MalformedRequestError } from '../shared/malformed-request-error';
import { toProtoPorts } from '../shared/room-codec';
import { withRateLimits, type RateLimitPolicy } from '../shared/rate-limited-methods';
import {
  bindUnaryService,
  type BoundMethod,
  type UnaryImplementation,
  type CallContext,
} from '../shared/unary-service';
import type { RoomAuthenticator } from './room-auth';

/** What the Rooms API needs: its use cases, room authentication and a logger. */
export interface RoomsApiDeps {
  ping: RoomsPing;
  events: RoomsEvents;
  allocation: RoomsAllocation;
  auth: RoomAuthenticator;
  log: Logger;
  /** Matchmaker access control over AllocateRoom (shared/access-control.ts); none: open. */
  guard?: MethodGuard;
  /** Limits on AllocateRoom per caller (none when absent). */
  rateLimits?: RateLimitPolicy;
  /** Where the HTTP requests are measured (none: unmeasured). */
  httpMetrics?: HttpRequestMetrics;
  /** True when the process traces: every HTTP request and gRPC call is then a server span. */
  isTraced?: boolean;
}

const invalid = (field: string, message: string) => new MalformedRequestError([{ field, message }]);

/** `status` of a ping or status report: exactly one of Maestro's four values, else 400. */
function requireStatus(status: string): ReportedPingStatus {
  const parsed = parseReportedPingStatus(status);
  if (!parsed) throw invalid('status', `must be one of ${REPORTED_PING_STATUSES.join(', ')}`);
  return parsed;
}

function requireRunningMatches(runningMatches: bigint): number {
  if (runningMatches < 0n || runningMatches > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalid('runningMatches', 'must be a non-negative integer');
  }
  return Number(runningMatches);
}

/** An allocation's `wait` (absent: the scheduler's default) and the caller's going away. */
function allocateOptions(wait: string | undefined, context: CallContext): AllocateOptions {
  const options: AllocateOptions = context.signal ? { signal: context.signal } : {};
  if (wait === undefined) return options;
  const parsed = parseAllocateWait(wait);
  if ('problem' in parsed) throw invalid('wait', parsed.problem);
  return { ...options, waitMs: parsed.waitMs };
}

export function roomsService(deps: RoomsApiDeps): UnaryImplementation<typeof RoomsService> {
  return {
    async updateRoomWithPing(request) {
      const pingStatus = requireStatus(request.status);
      const runningMatches = requireRunningMatches(request.runningMatches);
      const success = await deps.ping.ping({
        scheduler: request.schedulerName,
        roomId: request.roomName,
        pingStatus,
        metadata: request.metadata ?? {},
        runningMatches,
      });
      return { success };
    },
    async forwardRoomEvent(request) {
      return deps.events.roomEvent({
        scheduler: request.schedulerName,
        roomId: request.roomName,
        event: request.event,
        metadata: request.metadata ?? {},
      });
    },
    async forwardPlayerEvent(request) {
      return deps.events.playerEvent({
        scheduler: request.schedulerName,
        roomId: request.roomName,
        event: request.event,
        metadata: request.metadata ?? {},
      });
    },
    async updateRoomStatus(request) {
      const status = requireStatus(request.status);
      const answer = await deps.events.statusEvent({
        scheduler: request.schedulerName,
        roomId: request.roomName,
        status,
        metadata: request.metadata ?? {},
      });
      return { success: answer.success };
    },
    async getRoomAddress(request) {
      const address = await deps.allocation.address(request.schedulerName, request.roomName);
      return { host: address.host, ports: toProtoPorts(address.ports), ipv6Label: '' };
    },
    async allocateRoom(request, context) {
      const options = allocateOptions(request.wait, context);
      const room = await deps.allocation.allocate(request.schedulerName, options);
      return {
        roomId: room.roomId,
        success: true,
        message: '',
        host: room.host,
        ports: toProtoPorts(room.ports),
      };
    },
  };
}

/** Every RPC of the Rooms API, in declaration order; AllocateRoom within its caller's limit. */
export function roomsMethods(deps: RoomsApiDeps): BoundMethod[] {
  const methods = bindUnaryService(RoomsService, roomsService(deps));
  const limited = withRateLimits(methods, deps.rateLimits, (method) =>
    method === RoomsService.method.allocateRoom ? RateLimitClass.ALLOCATIONS : undefined,
  );
  // Access control outside: limits count the authenticated matchmaker (rate-limited-methods.ts).
  return deps.guard ? deps.guard(limited) : limited;
}
