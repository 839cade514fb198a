import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../../domain/errors';
import { RoomNotFoundError, RoomNotPlacedError } from '../../../domain/game-room/errors';
import type {
  GameRoomInstance,
  InstanceEvent,
  RoomAddress,
} from '../../../domain/game-room/instance';
import type {
  CreateRoomRequest,
  DeleteRoomRequest,
  Runtime,
  RuntimeScheduler,
} from '../../../ports/runtime';
import { deletionEvent } from './deletion-event';
import { KubeClient, type KubeClientConfig } from './kube-client';
import { isMissingServiceAccount } from './kube-errors';
import { watchRoomPods, type RoomPodSource } from './kubernetes-watch';
import { NodeHosts } from './node-address';
import { buildPod, MAESTRO_POD_SELECTOR } from './pod-builder';
import { podInstance } from './pod-instance';
import { SchedulerSpace } from './scheduler-space';

/** How the Kubernetes runtime reaches the cluster and how its watches behave. */
export interface KubernetesRuntimeConfig extends KubeClientConfig {
  /** How often a room watch re-lists and compares even when its watch looks healthy. */
  resyncIntervalMs: number;
}

/** Node addresses rarely change; a short cache spares a node read per room. */
const NODE_CACHE_TTL_MS = 30_000;

/**
 * Game rooms as pods (Maestro's Kubernetes runtime): one namespace and PodDisruptionBudget per
 * scheduler, one pod per room named after it, a watch with resync per scheduler, and the node's
 * address as the room's.
 */
export class KubernetesRuntime implements Runtime {
  private readonly client: KubeClient;
  private readonly nodes: NodeHosts;
  private readonly space: SchedulerSpace;

  constructor(
    private readonly config: KubernetesRuntimeConfig,
    private readonly log: Logger,
  ) {
    this.client = new KubeClient(config, log);
    this.space = new SchedulerSpace(this.client, log);
    this.nodes = new NodeHosts(async (name) => {
      const read = await this.client.request('read node', (options) =>
        this.client.core.readNode({ name }, options),
      );
      return read.outcome === 'ok' ? read.value : undefined;
    }, NODE_CACHE_TTL_MS);
  }

  /** Requests this runtime sent to the API server so far, by operation (see KubeClient). */
  requestsSent(): Record<string, number> {
    return this.client.requestsSent();
  }

  /** Connections this runtime opened to the API server so far (see KubeClient). */
  connectionsOpened(): number {
    return this.client.connectionsOpened();
  }

  createSchedulerSpace(scheduler: RuntimeScheduler): Promise<void> {
    return this.space.create(scheduler.name);
  }

  deleteSchedulerSpace(scheduler: string): Promise<void> {
    return this.space.delete(scheduler);
  }

  setDisruptionBudget(scheduler: string, minAvailable: number): Promise<void> {
    return this.space.setMinAvailable(scheduler, minAvailable);
  }

  async createRoom(request: CreateRoomRequest): Promise<GameRoomInstance> {
    const namespace = request.scheduler.name;
    const created = await this.client.request(
      'create pod',
      (options) =>
        this.client.core.createNamespacedPod({ namespace, body: buildPod(request) }, options),
      { shouldRetry: isMissingServiceAccount },
    );
    if (created.outcome === 'ok') {
      this.log.info({ scheduler: namespace, roomId: request.roomId }, 'room pod created');
      return this.toInstance(created.value);
    }
    if (created.outcome === 'not_found') {
      throw new DomainError(
        ErrorCode.FAILED_PRECONDITION,
        `scheduler ${namespace} has no namespace: create its space first`,
      );
    }
    const existing = await this.readPod(namespace, request.roomId);
    if (!existing) {
      throw new DomainError(
        ErrorCode.UNAVAILABLE,
        `room ${request.roomId} of scheduler ${namespace} was deleted while being created again`,
      );
    }
    return this.toInstance(existing);
  }

  async deleteRoom(request: DeleteRoomRequest): Promise<void> {
    const { scheduler: namespace, roomId: name, reason, force = false } = request;
    // The deletion answers with the pod (its uid names the event): no read first.
    const deleted = await this.client.request('delete pod', (options) =>
      this.client.core.deleteNamespacedPod(
        { name, namespace, ...(force && { gracePeriodSeconds: 0 }) },
        options,
      ),
    );
    if (deleted.outcome !== 'ok') return; // already gone
    await this.recordDeletion(deleted.value, reason);
    this.log.info({ scheduler: namespace, roomId: name, reason, force }, 'room pod deleting');
  }

  async getRoom(scheduler: string, roomId: string): Promise<GameRoomInstance | undefined> {
    const pod = await this.readPod(scheduler, roomId);
    return pod && this.toInstance(pod);
  }

  async listRooms(scheduler: string): Promise<GameRoomInstance[]> {
    const { pods } = await this.listPods(scheduler);
    return Promise.all(pods.map((pod) => this.toInstance(pod)));
  }

  watchRooms(scheduler: string, signal: AbortSignal): AsyncIterable<InstanceEvent> {
    const source: RoomPodSource = {
      list: (namespace, listSignal) => this.listPods(namespace, listSignal),
      watch: (namespace, resourceVersion, onEvent, onEnd) =>
        this.client.watch(
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
          { labelSelector: MAESTRO_POD_SELECTOR, resourceVersion, allowWatchBookmarks: true },
          onEvent,
          onEnd,
        ),
      toInstance: (pod) => this.toInstance(pod),
    };
    return watchRoomPods(source, {
      namespace: scheduler,
      resyncIntervalMs: this.config.resyncIntervalMs,
      signal,
      log: this.log.child({ scheduler }),
    });
  }

  async roomAddress(scheduler: string, roomId: string): Promise<RoomAddress> {
    const pod = await this.readPod(scheduler, roomId);
    if (!pod) throw new RoomNotFoundError(scheduler, roomId);
    const address = await this.nodes.addressOf(pod);
    if (!address) throw new RoomNotPlacedError(scheduler, roomId);
    return address;
  }

  /** Leaves the reason on the pod as a Kubernetes Event, as Maestro does. */
  private async recordDeletion(pod: V1Pod, reason: string) {
    const namespace = pod.metadata?.namespace ?? '';
    try {
      await this.client.request('record deletion event', (options) =>
        this.client.core.createNamespacedEvent(
          { namespace, body: deletionEvent(pod, reason) },
          options,
        ),
      );
    } catch (error) {
      // The deletion matters more than its record.
      const roomId = pod.metadata?.name;
      this.log.warn({ err: error, scheduler: namespace, roomId }, 'deletion event not recorded');
    }
  }

  private async readPod(namespace: string, name: string): Promise<V1Pod | undefined> {
    const read = await this.client.request('read pod', (options) =>
      this.client.core.readNamespacedPod({ name, namespace }, options),
    );
    return read.outcome === 'ok' ? read.value : undefined;
  }

  private async listPods(namespace: string, signal?: AbortSignal) {
    const listed = await this.client.request(
      'list pods',
      (options) =>
        this.client.core.listNamespacedPod(
          { namespace, labelSelector: MAESTRO_POD_SELECTOR },
          options,
        ),
      signal ? { signal, attempts: 1 } : {},
    );
    if (listed.outcome !== 'ok') return { pods: [], resourceVersion: '' };
    return {
      pods: listed.value.items,
      resourceVersion: listed.value.metadata?.resourceVersion ?? '',
    };
  }

  private async toInstance(pod: V1Pod): Promise<GameRoomInstance> {
    return podInstance(pod, await this.nodes.addressOf(pod));
  }
}
