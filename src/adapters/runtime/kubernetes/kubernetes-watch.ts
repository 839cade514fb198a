import type { V1Pod, V1Status } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { GameRoomInstance, InstanceEvent } from '../../../domain/game-room/instance';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff';
import { Inbox } from './inbox';
import type { WatchCallback } from './kube-client';
import { statusFailure } from './kube-errors';
import { KnownRooms } from './known-rooms';

/** What the watch needs from the API server. */
export interface RoomPodSource {
  /** The namespace's room pods and the resourceVersion of that list (one attempt). */
  list(namespace: string, signal: AbortSignal): Promise<{ pods: V1Pod[]; resourceVersion: string }>;
  /** Opens a watch of the namespace's room pods from `resourceVersion` (see `KubeClient.watch`). */
  watch(
    namespace: string,
    resourceVersion: string,
    onEvent: WatchCallback,
    onEnd: (error: unknown) => void,
  ): Promise<AbortController>;
  toInstance(pod: V1Pod): Promise<GameRoomInstance>;
}

/** Which rooms a watch follows, how it resyncs and when it ends. */
export interface RoomWatchOptions {
  namespace: string;
  /** How often to re-list and compare even when the watch looks healthy; 0 for never. */
  resyncIntervalMs: number;
  signal: AbortSignal;
  log: Logger;
}

type Message =
  | { kind: 'event'; session: number; type: string; object: unknown }
  | { kind: 'ended'; session: number; error: unknown }
  | { kind: 'resync' };

const RECONNECT: BackoffPolicy = { initialMs: 200, maxMs: 5_000 };

/**
 * The rooms of a namespace as a stream of events, informer-style. A session lists the pods,
 * reports the difference to what it knew (`added` for new pods, `updated` for changed ones,
 * `deleted` for pods that vanished meanwhile), then watches from the list's resourceVersion.
 * Any end of the watch (error, 410 Gone, close) and every resync ends the session and starts the
 * next, after a backoff when it failed; so a deletion missed while the API server was away is
 * found by the next list. Only changes of status, reason or address are reported. The stream
 * ends, and closes its watch, when `signal` aborts.
 */
export function watchRoomPods(
  source: RoomPodSource,
  options: RoomWatchOptions,
): AsyncIterable<InstanceEvent> {
  return new RoomPodWatch(source, options).events();
}

class RoomPodWatch {
  private readonly known = new KnownRooms();
  private readonly inbox: Inbox<Message>;
  private session = 0;
  private failures = 0;
  private listedAt = 0;
  private connection?: AbortController;

  constructor(
    private readonly source: RoomPodSource,
    private readonly options: RoomWatchOptions,
  ) {
    this.inbox = new Inbox(options.signal);
  }

  async *events(): AsyncGenerator<InstanceEvent> {
    const { signal, resyncIntervalMs } = this.options;
    const timer =
      resyncIntervalMs > 0
        ? setInterval(() => this.inbox.push({ kind: 'resync' }), resyncIntervalMs)
        : undefined;
    try {
      while (!signal.aborted) {
        if (this.failures > 0) await sleep(backoffDelay(this.failures, RECONNECT), signal);
        const resourceVersion = yield* this.relist();
        if (resourceVersion === undefined) continue;
        await this.connect(resourceVersion);
        yield* this.follow();
        this.disconnect();
      }
    } finally {
      clearInterval(timer);
      this.disconnect();
      this.inbox.close();
    }
  }

  /** Lists, reports the difference, and returns the resourceVersion to watch from. */
  private async *relist(): AsyncGenerator<InstanceEvent, string | undefined> {
    const { namespace, signal, log } = this.options;
    let listed: Array<{ uid: string; instance: GameRoomInstance }>;
    let resourceVersion: string;
    try {
      const list = await this.source.list(namespace, signal);
      resourceVersion = list.resourceVersion;
      listed = await Promise.all(list.pods.map(async (pod) => this.withUid(pod)));
    } catch (error) {
      if (signal.aborted) return undefined;
      this.failures += 1;
      log.warn({ err: error, failures: this.failures }, 'room watch: list failed');
      return undefined;
    }
    this.listedAt = Date.now();
    yield* this.known.listed(listed);
    return resourceVersion;
  }

  private async connect(resourceVersion: string) {
    const session = ++this.session;
    const end = (error: unknown) => this.inbox.push({ kind: 'ended', session, error });
    try {
      this.connection = await this.source.watch(
        this.options.namespace,
        resourceVersion,
        (type, object) => this.inbox.push({ kind: 'event', session, type, object }),
        end,
      );
    } catch (error) {
      end(error);
    }
  }

  private disconnect() {
    this.connection?.abort();
    this.connection = undefined;
  }

  /** Reports the session's events until it ends (or the watch is aborted). */
  private async *follow(): AsyncGenerator<InstanceEvent> {
    const { resyncIntervalMs, log } = this.options;
    for (;;) {
      const message = await this.inbox.next();
      if (message === undefined) return;
      if (message.kind === 'resync') {
        // A resync queued while the list was being taken is not worth another list.
        if (Date.now() - this.listedAt < resyncIntervalMs / 2) continue;
        this.failures = 0;
        return;
      }
      if (message.session !== this.session) continue; // from a watch already closed
      if (message.kind === 'ended') {
        this.failures += 1;
        log.info({ err: message.error }, 'room watch: stream ended, relisting');
        return;
      }
      const isLive = yield* this.handle(message.type, message.object);
      if (!isLive) return;
    }
  }

  /** Reports one watch event; false when the session must end. */
  private async *handle(type: string, object: unknown): AsyncGenerator<InstanceEvent, boolean> {
    try {
      switch (type) {
        case 'ADDED':
        case 'MODIFIED': {
          const { uid, instance } = await this.withUid(object as V1Pod);
          this.failures = 0;
          yield* this.known.seen(uid, instance);
          return true;
        }
        case 'DELETED': {
          const { uid, instance } = await this.withUid(object as V1Pod);
          yield* this.known.deleted(uid, instance);
          return true;
        }
        case 'BOOKMARK':
          this.failures = 0;
          return true;
        case 'ERROR':
          return this.endWithError(object as V1Status);
        default:
          return true;
      }
    } catch (error) {
      this.failures += 1;
      this.options.log.warn({ err: error }, 'room watch: event not handled, relisting');
      return false;
    }
  }

  private endWithError(status: V1Status): false {
    const failure = statusFailure(status);
    this.failures += 1;
    const level = failure.status === 410 ? 'debug' : 'warn';
    this.options.log[level]({ status: failure.status, err: failure.message }, 'room watch: error');
    return false;
  }

  private async withUid(pod: V1Pod) {
    return { uid: pod.metadata?.uid ?? '', instance: await this.source.toInstance(pod) };
  }
}
