/**
 * Which role each RPC needs and on which game: the one table access control reads. An RPC that is
 * not in its API's table cannot be served (access-control.ts refuses to start), so a new RPC is
 * never open by accident.
 */
import { Role } from '../../domain/access/principal';

/**
 * How an RPC is checked.
 * - `scheduler`: `role` on the game of the scheduler named by the request's `field`; with
 *   `bodyGame`, a different non-empty `game` in the request needs `role` on that game too.
 * - `create`: `role` on the request's `game`.
 * - `list`: any caller; the response's `schedulers` keep only those of games it may read.
 * - `room`: not checked here; the room's own token guards it (rooms/room-auth.ts).
 */
export type AccessRule =
  | { kind: 'scheduler'; role: Role; field: 'name' | 'schedulerName'; bodyGame?: boolean }
  | { kind: 'create'; role: Role }
  | { kind: 'list' }
  | { kind: 'room' };

/** True for rules whose calls change something: each gets one audit log line. */
export function isMutating(rule: AccessRule): boolean {
  switch (rule.kind) {
    case 'scheduler':
    case 'create':
      return rule.role !== Role.VIEWER;
    case 'list':
    case 'room':
      return false;
  }
}

const onScheduler = (role: Role, field: 'name' | 'schedulerName' = 'schedulerName') =>
  ({ kind: 'scheduler', role, field }) as const;

/** `api.v1.SchedulersService`, `OperationsService` and `SchedulerRoomsService`, by RPC local name. */
export const MANAGEMENT_ACCESS_RULES: Readonly<Record<string, AccessRule>> = {
  listSchedulers: { kind: 'list' },
  getSchedulersInfo: { kind: 'list' },
  getScheduler: onScheduler(Role.VIEWER),
  getSchedulerVersions: onScheduler(Role.VIEWER),
  listOperations: onScheduler(Role.VIEWER),
  getOperation: onScheduler(Role.VIEWER),
  listRooms: onScheduler(Role.VIEWER),
  cancelOperation: onScheduler(Role.OPERATOR),
  createScheduler: { kind: 'create', role: Role.ADMIN },
  newSchedulerVersion: { kind: 'scheduler', role: Role.ADMIN, field: 'name', bodyGame: true },
  patchScheduler: { kind: 'scheduler', role: Role.ADMIN, field: 'name', bodyGame: true },
  switchActiveVersion: onScheduler(Role.ADMIN),
  deleteScheduler: onScheduler(Role.ADMIN),
};

/** `api.v1.RoomsService`: matchmakers allocate; everything else is about one room. */
export const ROOMS_ACCESS_RULES: Readonly<Record<string, AccessRule>> = {
  allocateRoom: onScheduler(Role.MATCHMAKER),
  getRoomAddress: { kind: 'room' },
  updateRoomWithPing: { kind: 'room' },
  updateRoomStatus: { kind: 'room' },
  forwardRoomEvent: { kind: 'room' },
  forwardPlayerEvent: { kind: 'room' },
};
