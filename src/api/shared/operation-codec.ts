/**
 * Maps operations (domain) to the wire messages of `api.v1` (operations.proto, messages.proto).
 * Pure: the results are messages ready for `toJson` or grpc-js.
 */
import { create, type JsonObject, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ListOperationsResult } from '../../app/list-operations';
import { ActorKind, type OperationActor } from '../../domain/operations/actor';
import type { OperationDetails, OperationSummary } from '../../domain/operations/operation';
import {
  ListOperationItemSchema,
  OperationSchema,
  type ListOperationItem,
  type Operation,
  type OperationActorSchema,
} from '../../gen/api/v1/messages_pb';
import {
  ListOperationsResponseSchema,
  type ListOperationsResponse,
} from '../../gen/api/v1/operations_pb';
import { isJsonObject } from './json-request';

const timestampOf = (iso: string) => timestampFromDate(new Date(iso));

/**
 * The actor on the wire, omitted when absent (operations queued before it was recorded) and when
 * anonymous: with authentication off the API answers exactly as Maestro's (the anonymous marker
 * stays in Temporal, as the `MaestroActor` search attribute).
 */
const actorOf = (
  actor: OperationActor | undefined,
): MessageInitShape<typeof OperationActorSchema> | undefined =>
  actor && actor.kind !== ActorKind.ANONYMOUS
    ? { subject: actor.subject, credentialId: actor.credentialId, kind: actor.kind }
    : undefined;

/** Operation inputs are JSON (they travel through Temporal as JSON); this drops anything that is not. */
function toJsonObject(value: Record<string, unknown>): JsonObject {
  const json: unknown = JSON.parse(JSON.stringify(value));
  return isJsonObject(json) ? json : {};
}

/** One row of a listing; `lease` only when the operation has one (the active stage). */
export function toProtoListOperationItem(
  operation: OperationSummary & { leaseTtl?: string },
): ListOperationItem {
  return create(ListOperationItemSchema, {
    id: operation.id,
    status: operation.status,
    definitionName: operation.definitionName,
    lease: operation.leaseTtl === undefined ? undefined : { ttl: operation.leaseTtl },
    schedulerName: operation.schedulerName,
    createdAt: timestampOf(operation.createdAt),
    actor: actorOf(operation.actor),
  });
}

/** GET /schedulers/{name}/operations: page, pageSize and total are always set (Maestro's). */
export function toProtoListOperationsResponse(
  result: ListOperationsResult,
): ListOperationsResponse {
  return create(ListOperationsResponseSchema, {
    page: result.page,
    pageSize: result.pageSize,
    total: result.total,
    operations: result.operations.map(toProtoListOperationItem),
  });
}

/** GET /schedulers/{name}/operations/{id}: Maestro never fills `lease` here. */
export function toProtoOperation(operation: OperationDetails): Operation {
  return create(OperationSchema, {
    id: operation.id,
    status: operation.status,
    definitionName: operation.definitionName,
    schedulerName: operation.schedulerName,
    createdAt: timestampOf(operation.createdAt),
    input: toJsonObject(operation.input),
    executionHistory: operation.executionHistory.map((event) => ({
      createdAt: timestampOf(event.createdAt),
      event: event.event,
    })),
    actor: actorOf(operation.actor),
    canceledBy: actorOf(operation.canceledBy),
  });
}
