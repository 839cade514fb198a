/**
 * The recipe of a scheduler version's game rooms: what a runtime needs to start one. Field names
 * follow Maestro's (proto `api.v1.Spec`); validation lives with the scheduler definition.
 */

export const PortProtocol = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' } as const;
export type PortProtocol = (typeof PortProtocol)[keyof typeof PortProtocol];

export const RestartPolicy = { ALWAYS: 'Always', ON_FAILURE: 'OnFailure', NEVER: 'Never' } as const;
export type RestartPolicy = (typeof RestartPolicy)[keyof typeof RestartPolicy];

export const ImagePullPolicy = {
  ALWAYS: 'Always',
  NEVER: 'Never',
  IF_NOT_PRESENT: 'IfNotPresent',
} as const;
export type ImagePullPolicy = (typeof ImagePullPolicy)[keyof typeof ImagePullPolicy];

/** An inclusive range of host ports (Maestro's allocator treats `end` as inclusive). */
export interface PortRange {
  start: number;
  end: number;
}

export interface ContainerPort {
  /** Unique within the scheduler; rooms are told their host port by this name. */
  name: string;
  protocol: PortProtocol;
  /** The port the game server listens on inside its container. */
  port: number;
  /** Per-port host range; when absent the scheduler's `portRange` applies. */
  hostPortRange?: PortRange;
}

export interface ContainerEnvironment {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string };
  };
}

/** Kubernetes quantities, e.g. `cpu: "100m"`, `memory: "64Mi"`. */
export interface ContainerResources {
  cpu: string;
  memory: string;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy: ImagePullPolicy;
  command: string[];
  environment: ContainerEnvironment[];
  requests: ContainerResources;
  limits: ContainerResources;
  ports: ContainerPort[];
}

export interface Spec {
  /** Semantic version with Maestro's `v` prefix, e.g. `v1.2.0`. */
  version: string;
  terminationGracePeriodMs: number;
  containers: Container[];
  /** Taint value the rooms tolerate (`dedicated=<toleration>:NoSchedule`); empty for none. */
  toleration: string;
  /** Node label that must be `"true"` on the room's node; empty for none. */
  affinity: string;
  restartPolicy: RestartPolicy;
}
