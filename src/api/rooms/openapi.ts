/**
 * What the Rooms API's OpenAPI document (shared/openapi-document.ts) says besides its routes: the
 * failures of each RPC and the credentials it demands as configured — the room's token on the
 * routes about one room, a matchmaker's credential on allocation.
 */
import type { DescMethod, JsonObject } from '@bufbuild/protobuf';
import { ErrorCode } from '../../domain/errors';
import type { HttpBinding } from '../shared/http-bindings';
import { buildOpenApiDocument, type OpenApiCredential } from '../shared/openapi-document';
import { RoomAuthenticator } from './room-auth';

/**
 * The failures each RPC's use case can report, besides a malformed request, outages and 500.
 * Pings and events report a refused or failed call as `success: false` with 200.
 */
const FAILURES: Readonly<Record<string, readonly ErrorCode[]>> = {
  GetRoomAddress: [ErrorCode.NOT_FOUND, ErrorCode.FAILED_PRECONDITION],
  AllocateRoom: [ErrorCode.NOT_FOUND, ErrorCode.RESOURCE_EXHAUSTED],
};

const ROOM_TOKEN: OpenApiCredential = {
  scheme: 'roomToken',
  description:
    "The room's own token, given to each room as MAESTRO_ROOM_TOKEN in its environment (MAESTRO_ROOM_AUTH_REQUIRED, docs/security.md).",
  failures: [ErrorCode.UNAUTHENTICATED],
};

const MATCHMAKER_CREDENTIAL: OpenApiCredential = {
  scheme: 'matchmakerCredential',
  description:
    "An API key (`mk_<id>_<secret>`) or an OpenID Connect token holding `matchmaker` on the scheduler's game (MAESTRO_MATCHMAKER_AUTH_REQUIRED, docs/security.md).",
  failures: [ErrorCode.UNAUTHENTICATED, ErrorCode.PERMISSION_DENIED],
};

/** How the Rooms API is configured, as far as its document tells. */
export interface RoomsApiSecurity {
  /** MAESTRO_ROOM_AUTH_REQUIRED: the routes about one room demand its token. */
  isRoomTokenRequired: boolean;
  /** MAESTRO_MATCHMAKER_AUTH_REQUIRED: allocation demands a matchmaker's credential. */
  isMatchmakerCredentialRequired: boolean;
}

/** The document served at `GET /openapi.json`. */
export function roomsOpenApiDocument(
  bindings: readonly HttpBinding[],
  security: RoomsApiSecurity,
): JsonObject {
  const credentialOf = (method: DescMethod) => {
    if (RoomAuthenticator.isRoomScoped(method)) {
      return security.isRoomTokenRequired ? ROOM_TOKEN : undefined;
    }
    return security.isMatchmakerCredentialRequired ? MATCHMAKER_CREDENTIAL : undefined;
  };
  return buildOpenApiDocument(bindings, {
    title: 'Maestro Rooms API',
    description:
      "Maestro v1's rooms service (api.v1.RoomsService) in grpc-gateway's JSON: what game rooms report (ping, status, room and player events) and what matchmakers ask (allocate, address). Unknown paths answer 404, known paths with another method 501; every error body is google.rpc.Status.",
    failuresOf: (binding) => FAILURES[binding.method.name] ?? [],
    credentialOf,
  });
}
