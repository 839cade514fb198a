import type { RedisClient } from './client';
import { redisCall } from './redis-errors';
import type { SubscriberConnection } from './subscriber';
import type { Logger } from 'pino';
import type { Scheduler } from '../../domain/scheduler/scheduler';
import type { SchedulerCache, SchedulerCacheInvalidator } from '../../ports/scheduler-cache';
import type { SchedulerStore } from '../../ports/scheduler-store';

/** The pub/sub channel of scheduler changes (channels do not get ioredis' key prefix: we add it). */
export const schedulerChangesChannel = (keyPrefix: string) =>
  `${keyPrefix}maestro:scheduler-changes`;

export interface RedisSchedulerCacheOptions {
  /** How long a scheduler is kept while invalidations arrive (a safety net, not the mechanism). */
  ttlMs: number;
  /** The key prefix of the deployment (MAESTRO_REDIS_KEY_PREFIX). */
  keyPrefix: string;
  /** The clock of the entries' expiry, epoch ms (real time; tests of invalidation pin it). */
  now?: () => number;
}

/** How long "no such scheduler" is remembered, and anything while invalidations may be missed. */
const SHORT_TTL_MS = 1_000;

interface Entry {
  scheduler: Scheduler | undefined;
  expiresAt: number;
}

/**
 * Each process's copy of active schedulers (from the SchedulerStore), dropped the moment any
 * process publishes a change on the channel (see RedisSchedulerCacheInvalidator): a version switch
 * reaches every Rooms API within milliseconds. While the subscription is down entries live at most
 * a second, and everything is dropped when it comes back, since changes may have been missed.
 * Concurrent misses share one load; when a reload fails, the last copy is served (stale-if-error).
 */
export class RedisSchedulerCache implements SchedulerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Promise<Scheduler | undefined>>();
  private readonly generations = new Map<string, number>();
  private isListening = false;
  private readonly now: () => number;

  constructor(
    private readonly store: SchedulerStore,
    private readonly subscriber: SubscriberConnection,
    private readonly options: RedisSchedulerCacheOptions,
    private readonly log: Logger,
  ) {
    this.now = options.now ?? Date.now;
    const channel = schedulerChangesChannel(options.keyPrefix);
    subscriber.on('message', (from: string, name: string) => {
      if (from === channel) this.drop(name);
    });
    subscriber.on('ready', () => {
      this.dropAll();
      subscriber.subscribe(channel).then(
        () => (this.isListening = true),
        (error: unknown) => this.log.warn({ err: error }, 'scheduler cache subscription failed'),
      );
    });
    subscriber.on('close', () => (this.isListening = false));
  }

  async get(name: string): Promise<Scheduler | undefined> {
    const entry = this.entries.get(name);
    if (entry && entry.expiresAt > this.now()) return entry.scheduler;
    const pending = this.loads.get(name);
    if (pending) return pending;
    const load: Promise<Scheduler | undefined> = this.load(name, entry).finally(() => {
      if (this.loads.get(name) === load) this.loads.delete(name);
    });
    this.loads.set(name, load);
    return load;
  }

  /** True while invalidations arrive (the subscription is up). */
  get isSubscribed(): boolean {
    return this.isListening;
  }

  /** Stops listening; the cache then keeps entries at most a second. */
  close(): void {
    this.isListening = false;
    this.subscriber.disconnect();
  }

  private async load(name: string, stale: Entry | undefined): Promise<Scheduler | undefined> {
    const generation = this.generations.get(name) ?? 0;
    let scheduler: Scheduler | undefined;
    try {
      scheduler = await this.store.getScheduler(name);
    } catch (error) {
      if (!stale) throw error;
      this.log.warn({ err: error, scheduler: name }, 'scheduler reload failed, serving last copy');
      return stale.scheduler;
    }
    // A change published while loading may not be in what we read: use it, do not keep it.
    if ((this.generations.get(name) ?? 0) === generation) {
      const ttl = scheduler && this.isListening ? this.options.ttlMs : SHORT_TTL_MS;
      this.entries.set(name, { scheduler, expiresAt: this.now() + ttl });
    }
    return scheduler;
  }

  private drop(name: string): void {
    this.entries.delete(name);
    this.loads.delete(name);
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
  }

  private dropAll(): void {
    for (const name of [...this.entries.keys(), ...this.loads.keys()]) this.drop(name);
  }
}

/** Publishes scheduler changes to every RedisSchedulerCache sharing the Redis and key prefix. */
export class RedisSchedulerCacheInvalidator implements SchedulerCacheInvalidator {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async invalidate(name: string): Promise<void> {
    await redisCall(() => this.redis.publish(schedulerChangesChannel(this.keyPrefix), name));
  }
}
