/**
 * What the Management API's OpenAPI document (shared/openapi-document.ts) says besides its
 * routes: the failures of each RPC, its rate limits and its credentials as configured.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { ErrorCode } from '../../domain/errors';
import type { HttpBinding } from '../shared/http-bindings';
import { buildOpenApiDocument, type OpenApiCredential } from '../shared/openapi-document';

/** The failures each RPC's use case can report, besides a malformed request, outages and 500. */
const FAILURES: Readonly<Record<string, readonly ErrorCode[]>> = {
  GetScheduler: [ErrorCode.NOT_FOUND],
  CreateScheduler: [ErrorCode.ALREADY_EXISTS],
  NewSchedulerVersion: [ErrorCode.FAILED_PRECONDITION, ErrorCode.NOT_FOUND],
  PatchScheduler: [ErrorCode.FAILED_PRECONDITION, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  GetSchedulerVersions: [ErrorCode.NOT_FOUND],
  SwitchActiveVersion: [ErrorCode.FAILED_PRECONDITION, ErrorCode.NOT_FOUND],
  DeleteScheduler: [ErrorCode.NOT_FOUND],
  CancelOperation: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  GetOperation: [ErrorCode.NOT_FOUND],
  ListRooms: [ErrorCode.NOT_FOUND],
};

const CREDENTIAL: OpenApiCredential = {
  scheme: 'credential',
  description:
    "An API key (`mk_<id>_<secret>`) or an OpenID Connect token holding the RPC's role on the scheduler's game (docs/security.md).",
  failures: [ErrorCode.UNAUTHENTICATED, ErrorCode.PERMISSION_DENIED],
};

/** How the Management API is configured, as far as its document tells. */
export interface ManagementApiSecurity {
  /** MAESTRO_AUTH_REQUIRED: every RPC demands a credential. */
  isAuthRequired: boolean;
  /** Calls that change something (every route but the GETs) are rate-limited per caller. */
  isRateLimited: boolean;
}

/** The document served at `GET /openapi.json`. */
export function managementOpenApiDocument(
  bindings: readonly HttpBinding[],
  security: ManagementApiSecurity,
): JsonObject {
  return buildOpenApiDocument(bindings, {
    title: 'Maestro Management API',
    description:
      "Maestro v1's schedulers and operations services (api.v1) in grpc-gateway's JSON. Unknown paths answer 404, known paths with another method 501; every error body is google.rpc.Status.",
    failuresOf: (binding) => [
      ...(FAILURES[binding.method.name] ?? []),
      ...(security.isRateLimited && binding.verb !== 'GET' ? [ErrorCode.RESOURCE_EXHAUSTED] : []),
    ],
    credentialOf: () => (security.isAuthRequired ? CREDENTIAL : undefined),
  });
}
