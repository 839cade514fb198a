/**
 * `api.v1.SchedulersService`, `api.v1.OperationsService` and maestro's `api.v1.SchedulerRoomsService`
 * in protobuf messages: each RPC maps
 * its request to a use case and the result back, nothing else. HTTP (http-routes.ts) and native
 * gRPC (grpc-server.ts) both serve exactly these implementations.
 */
import type { HttpRequestMetrics } from '../../ports/http-metrics';
import type { Logger } from 'pino';
import type { OperationCommands } from '../../app/operation-commands';
import type { SchedulerCommands } from '../../app/scheduler-commands';
import type { SchedulerQueries } from '../../app/scheduler-queries';
import { actorOf } from '../../domain/operations/actor';
import { OperationsService } from '../../gen/api/v1/operations_pb';
import { SchedulerRoomsService } from '../../gen/api/v1/scheduler_rooms_pb';
import { SchedulersService } from '../../gen/api/v1/schedulers_pb';
import type { MethodGuard } from '../shared/access-control';
import { toProtoListOperationsResponse, toProtoOperation } from '../shared/operation-codec';
import { fromListRoomsStatus, toProtoListRoomsResponse } from '../shared/room-codec';
import { explicitPatchFields, toSchedulerPatch } from '../shared/scheduler-patch-codec';
import {
  fromCreateSchedulerRequest,
  fromNewSchedulerVersionRequest,
} from '../shared/scheduler-request-codec';
import {
  toProtoScheduler,
  toProtoSchedulerInfo,
  toProtoSchedulerVersion,
  toProtoSchedulerWithoutSpec,
} from '../shared/scheduler-response-codec';
import { RateLimitClass } from '../../domain/access/rate-limit';
import { httpBindingOf } from '../shared/http-bindings';
import { withRateLimits, type RateLimitPolicy } from '../shared/rate-limited-methods';
import {
  bindUnaryService,
  type BoundMethod,
  type UnaryImplementation,
} from '../shared/unary-service';

/** What the Management API needs: the use cases and a logger. */
export interface ManagementApiDeps {
  schedulerCommands: SchedulerCommands;
  schedulerQueries: SchedulerQueries;
  operationCommands: OperationCommands;
  log: Logger;
  /** Access control over every RPC (shared/access-control.ts); none: every call goes through. */
  guard?: MethodGuard;
  /** True when `guard` demands credentials (MAESTRO_AUTH_REQUIRED), as /openapi.json then says. */
  isAuthRequired?: boolean;
  /** Limits on the calls that change something, per caller (none when absent). */
  rateLimits?: RateLimitPolicy;
  /** Where the HTTP requests are measured (none: unmeasured). */
  httpMetrics?: HttpRequestMetrics;
  /** True when the process traces: every HTTP request and gRPC call is then a server span. */
  isTraced?: boolean;
}

/** An empty query parameter or proto3 string is "no filter". */
const filterOf = (value: string) => (value === '' ? undefined : value);

export function schedulersService(
  deps: ManagementApiDeps,
): UnaryImplementation<typeof SchedulersService> {
  const { schedulerCommands: commands, schedulerQueries: queries } = deps;
  return {
    async listSchedulers({ name, game, version }) {
      const schedulers = await queries.list({
        name: filterOf(name),
        game: filterOf(game),
        version: filterOf(version),
      });
      return { schedulers: schedulers.map(toProtoSchedulerWithoutSpec) };
    },
    async getScheduler({ schedulerName, version }) {
      return { scheduler: toProtoScheduler(await queries.get(schedulerName, filterOf(version))) };
    },
    async createScheduler(request, { principal }) {
      const candidate = fromCreateSchedulerRequest(request);
      const scheduler = await commands.createScheduler(candidate, actorOf(principal));
      return { scheduler: toProtoScheduler(scheduler) };
    },
    async newSchedulerVersion(request, { principal }) {
      const candidate = fromNewSchedulerVersionRequest(request);
      const actor = actorOf(principal);
      return { operationId: await commands.newSchedulerVersion(request.name, candidate, actor) };
    },
    async patchScheduler(request, context) {
      const patch = toSchedulerPatch(request, explicitPatchFields(context.jsonBody));
      const actor = actorOf(context.principal);
      return { operationId: await commands.patchScheduler(request.name, patch, actor) };
    },
    async getSchedulerVersions({ schedulerName }) {
      const versions = await queries.versions(schedulerName);
      return { versions: versions.map(toProtoSchedulerVersion) };
    },
    async switchActiveVersion({ schedulerName, version }, { principal }) {
      const actor = actorOf(principal);
      return { operationId: await commands.switchActiveVersion(schedulerName, version, actor) };
    },
    async getSchedulersInfo({ game }) {
      const overview = await queries.overview({ game: filterOf(game) });
      return {
        schedulers: overview.map(({ scheduler, rooms }) => toProtoSchedulerInfo(scheduler, rooms)),
      };
    },
    async deleteScheduler({ schedulerName }, { principal }) {
      return { operationId: await commands.deleteScheduler(schedulerName, actorOf(principal)) };
    },
  };
}

export function operationsService(
  deps: ManagementApiDeps,
): UnaryImplementation<typeof OperationsService> {
  const operations = deps.operationCommands;
  return {
    async listOperations(request) {
      const result = await operations.list({
        schedulerName: request.schedulerName,
        stage: request.stage ?? '',
        orderBy: filterOf(request.orderBy),
        page: request.page,
        perPage: request.perPage,
      });
      return toProtoListOperationsResponse(result);
    },
    async cancelOperation({ schedulerName, operationId }, { principal }) {
      await operations.cancel(schedulerName, operationId, actorOf(principal));
      return {};
    },
    async getOperation({ schedulerName, operationId }) {
      return { operation: toProtoOperation(await operations.get(schedulerName, operationId)) };
    },
  };
}

/** Maestro's extension: the rooms of a scheduler (scheduler_rooms.proto). */
export function schedulerRoomsService(
  deps: ManagementApiDeps,
): UnaryImplementation<typeof SchedulerRoomsService> {
  return {
    async listRooms({ schedulerName, status }) {
      const rooms = await deps.schedulerQueries.listRooms(
        schedulerName,
        fromListRoomsStatus(status),
      );
      return toProtoListRoomsResponse(rooms);
    },
  };
}

/**
 * Every RPC of the Management API, in declaration order (which HTTP routing relies on), those that
 * change something (all but the HTTP GETs) within their caller's rate limit.
 */
export function managementMethods(deps: ManagementApiDeps): BoundMethod[] {
  const methods = [
    ...bindUnaryService(SchedulersService, schedulersService(deps)),
    ...bindUnaryService(OperationsService, operationsService(deps)),
    ...bindUnaryService(SchedulerRoomsService, schedulerRoomsService(deps)),
  ];
  const limited = withRateLimits(methods, deps.rateLimits, (method) =>
    httpBindingOf(method).verb === 'GET' ? undefined : RateLimitClass.MUTATIONS,
  );
  // Access control outside: limits count the authenticated principal (rate-limited-methods.ts).
  return deps.guard ? deps.guard(limited) : limited;
}
