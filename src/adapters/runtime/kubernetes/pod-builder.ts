import type {
  V1Affinity,
  V1Container,
  V1ContainerPort,
  V1EnvVar,
  V1Pod,
  V1Toleration,
} from '@kubernetes/client-node';
import { roomEnvironment } from '../../../domain/game-room/environment';
import type {
  Container,
  ContainerEnvironment,
  ContainerResources,
  Spec,
} from '../../../domain/scheduler/spec';
import type { CreateRoomRequest } from '../../../ports/runtime';

/** Labels maestro puts on every room pod (Maestro's names, so its tooling keeps working). */
export const PodLabel = {
  HERITAGE: 'heritage',
  SCHEDULER: 'maestro-scheduler',
  VERSION: 'version',
} as const;

/** Selects every pod maestro created. */
export const MAESTRO_POD_SELECTOR = `${PodLabel.HERITAGE}=maestro`;

/** Lets the cluster autoscaler drain a node that runs rooms, as Maestro does. */
export const SAFE_TO_EVICT_ANNOTATION = 'cluster-autoscaler.kubernetes.io/safe-to-evict';

/** The taint key a spec's `toleration` value is tolerated under (`dedicated=<value>:NoSchedule`). */
export const TOLERATION_KEY = 'dedicated';

/**
 * The pod of a room, shaped exactly as Maestro shapes it: named after the room in the scheduler's
 * namespace, with maestro's labels and annotations (the scheduler's own win), maestro's
 * environment appended to each container's, the allocated host ports, and the spec's toleration,
 * node affinity, restart policy and grace period.
 */
export function buildPod(request: CreateRoomRequest): V1Pod {
  const { scheduler, roomId, spec } = request;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: roomId,
      namespace: scheduler.name,
      labels: {
        [PodLabel.HERITAGE]: 'maestro',
        [PodLabel.SCHEDULER]: scheduler.name,
        [PodLabel.VERSION]: spec.version,
        ...scheduler.labels,
      },
      annotations: { [SAFE_TO_EVICT_ANNOTATION]: 'true', ...scheduler.annotations },
    },
    spec: {
      containers: spec.containers.map((container) => buildContainer(container, request)),
      restartPolicy: spec.restartPolicy,
      terminationGracePeriodSeconds: graceSeconds(spec),
      tolerations: tolerations(spec),
      affinity: affinity(spec),
    },
  };
}

function buildContainer(container: Container, request: CreateRoomRequest): V1Container {
  const environment = roomEnvironment(
    container.environment,
    request.scheduler.name,
    request.roomId,
    request.environment,
  );
  return {
    name: container.name,
    image: container.image,
    imagePullPolicy: container.imagePullPolicy,
    ...(container.command.length > 0 && { command: container.command }),
    ports: container.ports.map((port): V1ContainerPort => ({
      name: port.name,
      protocol: port.protocol.toUpperCase(),
      containerPort: port.port,
      hostPort: request.hostPorts[port.name],
    })),
    env: environment.map(envVar),
    resources: { requests: quantities(container.requests), limits: quantities(container.limits) },
  };
}

/** Maestro's precedence: a non-empty value, then a secret key, then a pod field. */
function envVar(variable: ContainerEnvironment): V1EnvVar {
  const { name, value, valueFrom } = variable;
  if (value) return { name, value };
  if (valueFrom?.secretKeyRef) {
    const { name: secret, key } = valueFrom.secretKeyRef;
    return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
  }
  if (valueFrom?.fieldRef) {
    return { name, valueFrom: { fieldRef: { fieldPath: valueFrom.fieldRef.fieldPath } } };
  }
  return { name, value: value ?? '' };
}

/** Empty quantities are left out, as Maestro does, rather than sent as invalid `""`. */
function quantities(resources: ContainerResources): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ cpu: resources.cpu, memory: resources.memory }).filter(([, q]) => q !== ''),
  );
}

/** Whole seconds; none (Kubernetes' default of 30 s) when under one second, as in Maestro. */
function graceSeconds(spec: Spec): number | undefined {
  const seconds = Math.floor(spec.terminationGracePeriodMs / 1000);
  return seconds > 0 ? seconds : undefined;
}

function tolerations(spec: Spec): V1Toleration[] {
  if (spec.toleration === '') return [];
  return [{ key: TOLERATION_KEY, operator: 'Equal', value: spec.toleration, effect: 'NoSchedule' }];
}

function affinity(spec: Spec): V1Affinity | undefined {
  if (spec.affinity === '') return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: spec.affinity, operator: 'In', values: ['true'] }] },
        ],
      },
    },
  };
}
