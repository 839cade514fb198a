/**
 * The Management API's JSON, as its server writes it (Maestro v1's grpc-gateway conventions):
 * lowerCamelCase names, every field present, int64 as strings, timestamps RFC 3339 UTC, durations
 * `"<seconds>s"`. Definitions sent to it may leave fields out and may use numbers for int64.
 */

export interface PortRange {
  start: number;
  end: number;
}

export interface ContainerPort {
  name: string;
  protocol: string;
  port: number;
  hostPort?: number;
  hostPortRange?: PortRange | null;
}

export interface ContainerEnvironment {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string };
  };
}

export interface ContainerResources {
  cpu: string;
  memory: string;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  environment?: ContainerEnvironment[];
  requests?: ContainerResources | null;
  limits?: ContainerResources | null;
  ports?: ContainerPort[];
}

export interface Spec {
  version?: string;
  /** A duration: `"30s"`. */
  terminationGracePeriod?: string;
  containers: Container[];
  toleration?: string;
  affinity?: string;
  restartPolicy?: string;
}

export interface Forwarder {
  name: string;
  enable: boolean;
  type: string;
  address: string;
  options?: { timeout?: string | number; metadata?: Record<string, unknown> } | null;
}

/** Maestro's policies: computed from the rooms alone. */
export interface LocalPolicyParameters {
  roomOccupancy?: { readyTarget: number; downThreshold?: number };
  fixedBuffer?: { amount?: number };
}

/** A recurring window: a cron `start` in `timeZone`, lasting `duration` (`"5h"`). */
export interface PolicyWindow {
  start: string;
  duration: string;
  /** IANA time zone, such as `Europe/Berlin`. */
  timeZone: string;
  /** Active this long before `start` (`"30m"`). */
  leadTime?: string;
}

/** An HTTPS service answers the desired rooms. Not in Maestro. */
export interface WebhookPolicyParameters {
  url: string;
  /** `"2s"` when absent. */
  timeout?: string;
  caBundle?: string;
  /** `"15s"` when absent. */
  interval?: string;
  /** `keep` when absent. */
  fallback?: {
    type: 'keep' | 'policy';
    policy?: { type: string; parameters: LocalPolicyParameters };
  };
}

/** A policy a window, a chain entry or a default names (roomOccupancy, fixedBuffer, webhook). */
export interface InnerPolicy {
  type: string;
  parameters: LocalPolicyParameters & { webhook?: WebhookPolicyParameters };
}

export interface Autoscaling {
  enabled: boolean;
  /** 0 lets an idle scheduler scale to zero (not in Maestro, where it is at least 1). */
  min: number;
  max: number;
  cooldown?: number;
  policy: {
    /** Maestro's `roomOccupancy` and `fixedBuffer`, or `webhook`, `schedule`, `chain`. */
    type: string;
    parameters: InnerPolicy['parameters'] & {
      schedule?: { windows: (PolicyWindow & { policy: InnerPolicy })[]; default: InnerPolicy };
      chain?: { entries: { window?: PolicyWindow; policy: InnerPolicy }[]; default: InnerPolicy };
    };
  };
  /** Only with `min: 0`. Not in Maestro. */
  scaleToZero?: { idleAfter?: string; allocateWait?: string };
}

/** What a user writes: a scheduler in Maestro's shape (create, new version, `maestro apply`). */
export interface SchedulerDefinition {
  name: string;
  game: string;
  spec: Spec;
  portRange?: PortRange | null;
  maxSurge?: string;
  roomsReplicas?: number;
  autoscaling?: Autoscaling;
  forwarders?: Forwarder[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  matchAllocation?: { maxMatches: number };
}

/** A stored scheduler version as the API returns it. */
export interface Scheduler extends SchedulerDefinition {
  state: string;
  createdAt: string;
  spec: Spec & { version: string };
}

export interface SchedulerSummary {
  name: string;
  game: string;
  state: string;
  version: string;
  portRange: PortRange | null;
  createdAt: string;
  maxSurge: string;
  roomsReplicas: number;
}

export interface SchedulerVersion {
  version: string;
  isActive: boolean;
  createdAt: string;
}

export interface SchedulerInfo {
  name: string;
  game: string;
  state: string;
  roomsReplicas: number;
  roomsReady: number;
  roomsOccupied: number;
  roomsPending: number;
  roomsTerminating: number;
  autoscaling: { enabled: boolean; min: number; max: number; cooldown: number } | null;
}

/** The statuses a room can be listed in (`GET /schedulers/{name}/rooms?status=`). */
export const ROOM_STATUSES = [
  'pending',
  'unready',
  'ready',
  'occupied',
  'terminating',
  'error',
  'active',
  'allocated',
] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

export interface RoomPort {
  name: string;
  protocol: string;
  port: number;
}

/** A room of a scheduler, as maestro keeps it (maestro's extension; Maestro v1 lists no rooms). */
export interface Room {
  id: string;
  version: string;
  status: RoomStatus;
  /** What the room last reported: unknown, ready, occupied, terminating or terminated. */
  pingStatus: string;
  runningMatches: number;
  isValidationRoom: boolean;
  createdAt: string;
  lastPingAt: string;
  allocatedAt: string | null;
  /** The runtime's view: unknown, pending, ready, terminating or error. */
  instanceStatus: string;
  instanceReason: string;
  /** Empty until the room is placed. */
  host: string;
  ports: RoomPort[];
  metadata: Record<string, unknown>;
}

export interface OperationActor {
  subject: string;
  credentialId: string;
  kind: string;
}

export interface OperationSummary {
  id: string;
  status: OperationStatus;
  definitionName: string;
  schedulerName: string;
  createdAt: string;
  lease?: { ttl: string };
  actor?: OperationActor;
}

export interface Operation extends OperationSummary {
  input: Record<string, unknown> | null;
  executionHistory: { createdAt: string; event: string }[];
  canceledBy?: OperationActor;
}

/** Maestro's operation statuses; the last three are final. */
export const OPERATION_STATUSES = [
  'pending',
  'in_progress',
  'evicted',
  'finished',
  'error',
  'canceled',
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const FINAL_OPERATION_STATUSES: readonly OperationStatus[] = [
  'evicted',
  'finished',
  'error',
  'canceled',
];

/** `stage` of GET …/operations: which operations to list. */
export type OperationStage = 'pending' | 'active' | 'final';

export interface OperationPage {
  page?: number;
  pageSize?: number;
  total?: number;
  operations: OperationSummary[];
}
