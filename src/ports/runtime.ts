import type { GameRoomInstance, InstanceEvent, RoomAddress } from '../domain/game-room/instance';
import type { Spec } from '../domain/scheduler/spec';

/** The scheduler-level facts a runtime needs besides the version's spec. */
export interface RuntimeScheduler {
  name: string;
  /** Added to every room (pod labels on Kubernetes); user values win over maestro's. */
  labels: Record<string, string>;
  /** Added to every room (pod annotations on Kubernetes). */
  annotations: Record<string, string>;
}

export interface CreateRoomRequest {
  scheduler: RuntimeScheduler;
  /** Decided by the caller (the workflow), so a retried creation is the same room. */
  roomId: string;
  spec: Spec;
  /** Host port of every container port, by port name, from a `PortAllocator`. */
  hostPorts: Record<string, number>;
  /** Extra environment for every container (e.g. the room's authentication token). */
  environment?: Record<string, string>;
}

export interface DeleteRoomRequest {
  scheduler: string;
  roomId: string;
  /** Why maestro removes the room (Maestro's remove reasons, e.g. `scale_down`); recorded by the runtime. */
  reason: string;
  /**
   * Skip the grace period: SIGKILL now, or a Kubernetes delete with `gracePeriodSeconds: 0` (the
   * pod object goes even if its node never confirms). For rooms whose graceful stop is stuck.
   */
  force?: boolean;
}

/**
 * Where game rooms run: Kubernetes pods, or processes on this machine. Every method is idempotent
 * so that Temporal can retry the activity calling it: creating what exists and deleting what is
 * gone both succeed.
 */
export interface Runtime {
  /** Creates the scheduler's space (a namespace and disruption budget on Kubernetes). */
  createSchedulerSpace(scheduler: RuntimeScheduler): Promise<void>;

  /** Deletes the scheduler's space and everything left in it. Succeeds when it does not exist. */
  deleteSchedulerSpace(scheduler: string): Promise<void>;

  /**
   * Starts a room from the spec with maestro's environment (`MAESTRO_SCHEDULER_NAME`,
   * `MAESTRO_ROOM_ID`) appended to each container's. Returns the instance as first seen. When a
   * room with this id already exists it is returned unchanged.
   */
  createRoom(request: CreateRoomRequest): Promise<GameRoomInstance>;

  /**
   * Asks a room to stop gracefully (SIGTERM, then SIGKILL after the spec's grace period; at once
   * with `force`), recording the reason. Returns once the request is accepted; the watch reports
   * `terminating`, then `deleted`. Succeeds when the room does not exist.
   */
  deleteRoom(request: DeleteRoomRequest): Promise<void>;

  /** The room's instance, or undefined when the runtime has none. */
  getRoom(scheduler: string, roomId: string): Promise<GameRoomInstance | undefined>;

  /** Every room instance of the scheduler. */
  listRooms(scheduler: string): Promise<GameRoomInstance[]>;

  /**
   * Every change to the scheduler's room instances from now on, until `signal` aborts. The stream
   * starts with an `added` event for each existing room, survives transient failures of the
   * runtime (it resumes or relists, and a relist reports rooms that vanished meanwhile as
   * `deleted`), and ends only when aborted.
   */
  watchRooms(scheduler: string, signal: AbortSignal): AsyncIterable<InstanceEvent>;

  /**
   * Where players reach the room. Throws `RoomNotFoundError` when there is no such room and
   * `RoomNotPlacedError` while it has no host yet.
   */
  roomAddress(scheduler: string, roomId: string): Promise<RoomAddress>;

  /** Keeps at least `minAvailable` rooms up through voluntary disruptions (node drains). */
  setDisruptionBudget(scheduler: string, minAvailable: number): Promise<void>;
}
