/**
 * The scheduler: a versioned recipe for one kind of game room plus how many rooms to keep. Plain
 * JSON (dates are ISO strings, no classes, Maps or bigints) because it travels through Temporal
 * workflow state and activity payloads. Build one with `validateScheduler`, which applies the
 * defaults and every rule of the API.
 */
import type { AutoscalingPolicyBlock, ScaleToZero } from '../autoscaling/policies';

export {
  AutoscalingPolicyType,
  type AutoscalingPolicy,
  type FixedBufferParameters,
  type RoomOccupancyParameters,
} from '../autoscaling/policies';
import type { PortRange, Spec } from './spec';

/** Lifecycle state shown by the API. Maestro only ever sets `creating` and `in-sync`. */
export const SchedulerState = {
  CREATING: 'creating',
  IN_SYNC: 'in-sync',
  ON_ERROR: 'on-error',
  TERMINATING: 'terminating',
} as const;
export type SchedulerState = (typeof SchedulerState)[keyof typeof SchedulerState];

/** The only forwarder protocol Maestro speaks (`eventforwarder.GRPCForwarder`). */
export const ForwarderType = { GRPC: 'gRPC' } as const;
export type ForwarderType = (typeof ForwarderType)[keyof typeof ForwarderType];

/** A value that survives `JSON.stringify`/`JSON.parse` unchanged (a protobuf `Struct` value). */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** A JSON object (a protobuf `Struct`). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Desired rooms from a policy instead of the fixed `roomsReplicas`, clamped to [min, max]. */
export interface Autoscaling {
  /** When false, `roomsReplicas` is the target and the rest of the block is kept for later. */
  enabled: boolean;
  /** 0 lets an idle scheduler drain to zero rooms (`scaleToZero`). */
  min: number;
  /** Upper bound on rooms, or -1 for none. */
  max: number;
  /** Seconds between two downscales. */
  cooldown: number;
  /** Maestro's `roomOccupancy` and `fixedBuffer`, or `webhook`, `schedule`, `chain`. */
  policy: AutoscalingPolicyBlock;
  /** Only with `min: 0`; its defaults apply when absent. */
  scaleToZero?: ScaleToZero;
}

/** Per-forwarder call settings; defaults to a 1 s timeout and empty metadata. */
export interface ForwarderOptions {
  /** Deadline of each forwarded call. */
  timeoutMs: number;
  /** Sent to the game backend with every forwarded event. */
  metadata: JsonObject;
}

/** A game backend that receives room and player events. */
export interface Forwarder {
  name: string;
  enable: boolean;
  type: ForwarderType;
  /** `host:port` of the backend's gRPC server. */
  address: string;
  options?: ForwarderOptions;
}

/** How many matches share one room. */
export interface MatchAllocation {
  /** Matches one room hosts at once (1–35); the autoscaler counts slots with it. */
  maxMatches: number;
}

/** One version of a scheduler, as users define it plus the state the system keeps about it. */
export interface Scheduler {
  /** RFC 1123 label; also the Kubernetes namespace of its rooms. */
  name: string;
  game: string;
  state: SchedulerState;
  /** The game-room recipe; `spec.version` is this scheduler version. */
  spec: Spec;
  /** Host ports of every container port, unless each port sets its own `hostPortRange`. */
  portRange?: PortRange;
  /** Rooms a rolling update may add on top of the desired count: `"3"` or `"25%"`. */
  maxSurge: string;
  /** Desired rooms when autoscaling is absent or disabled. */
  roomsReplicas: number;
  autoscaling?: Autoscaling;
  forwarders: Forwarder[];
  /** Copied onto every room (pod annotations). */
  annotations: Record<string, string>;
  /** Copied onto every room (pod labels). */
  labels: Record<string, string>;
  matchAllocation: MatchAllocation;
  /** The version that was active when this one was created. */
  rollbackVersion?: string;
  /** ISO timestamp. */
  createdAt?: string;
  /** ISO timestamp of the last autoscaler downscale (the cooldown counts from it). */
  lastDownscaleAt?: string;
}

/** The version a new scheduler starts at (Masterminds semver with Maestro's `v` prefix). */
export const FIRST_VERSION = 'v1.0.0';
