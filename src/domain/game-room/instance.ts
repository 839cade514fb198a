/**
 * What a runtime reports about a game room's process or pod, independently of what the room itself
 * reports through the Rooms API (the two compose into the room status).
 */

export const InstanceStatus = {
  UNKNOWN: 'unknown',
  PENDING: 'pending',
  READY: 'ready',
  TERMINATING: 'terminating',
  ERROR: 'error',
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

export interface InstancePort {
  name: string;
  /** `TCP` | `UDP`, as Maestro reports it. */
  protocol: string;
  /** The host port clients connect to. */
  port: number;
}

/** Where players reach a room. */
export interface RoomAddress {
  host: string;
  ports: InstancePort[];
}

export interface GameRoomInstance {
  /** The room id, which is also the pod or process name. */
  id: string;
  scheduler: string;
  /** The scheduler version the room was created from. */
  version: string;
  status: InstanceStatus;
  /** Why the status is what it is, when the runtime says (e.g. `exit code 3`, `ImagePullBackOff: …`). */
  reason?: string;
  /** Absent until the room is placed (a pod without a node has no address yet). */
  address?: RoomAddress;
  createdAt: Date;
}

/** A change of one room instance, as a runtime watch delivers it. */
export interface InstanceEvent {
  type: 'added' | 'updated' | 'deleted';
  instance: GameRoomInstance;
}

export const INSTANCE_STATUSES = Object.values(InstanceStatus);
