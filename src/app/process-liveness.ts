import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  AttemptFailer,
  ProcessLeases,
  SupervisorAttempt,
  SupervisorHold,
  SupervisorRegistry,
} from '../ports/process-leases';
import { sleep } from '../shared/sleep';

export interface ProcessLivenessDeps {
  leases: ProcessLeases;
  attempts: AttemptFailer;
  /** A lease not renewed for this long is dead; it is renewed (and peers checked) every third. */
  ttlMs: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Dead processes handled per check; more wait for the next check (a third of the TTL later). */
const CLAIM_LIMIT = 20;
/** Attempts failed at once: a full process holds up to 2 × 1,000 supervisors. */
const HAND_OVER_BATCH = 100;

/**
 * Liveness per process (DESIGN §8): the process renews one lease in the store every third of its
 * TTL and registers each supervisor attempt it runs under it; it also looks for peers whose lease
 * expired and fails their attempts through Temporal, which retries them at once on a live process.
 * A SIGKILLed process's supervisors are so re-homed within about the TTL, while each supervisor
 * heartbeats only rarely (heartbeats are billed). A process that finds its own lease lapsed (a
 * pause, a partition from Redis) fences itself: its attempts abort, as peers may already have
 * handed them over, and Temporal retries them.
 */
export class ProcessLiveness implements SupervisorRegistry {
  readonly processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private fence = new AbortController();
  private lastRenewedAt = 0;
  private startedAt = 0;
  private isLeased = false;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly deps: ProcessLivenessDeps) {}

  /** Takes the lease and starts renewing it and watching peers. Idempotent. */
  start(): void {
    if (this.loop) return;
    this.startedAt = Date.now();
    this.loop = this.run();
  }

  async hold(attempt: SupervisorAttempt): Promise<SupervisorHold> {
    this.start();
    // Not leased yet (Redis was still connecting at start-up) or no more: take the lease now
    // rather than fail this attempt and wait for the next renewal.
    if (!this.isLeased) await this.renew();
    const lost = this.fence.signal;
    await this.deps.leases.hold(this.processId, attempt);
    return {
      lost,
      release: () => this.deps.leases.drop(this.processId, attempt.key),
    };
  }

  /** Stops renewing and gives the lease up (call after every supervisor attempt ended). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.deps.leases
      .release(this.processId)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error }, 'could not release the process lease'),
      );
  }

  private async run(): Promise<void> {
    const intervalMs = Math.max(100, Math.floor(this.deps.ttlMs / 3));
    await this.renew();
    while (!this.stopping.signal.aborted) {
      await sleep(intervalMs, this.stopping.signal);
      if (this.stopping.signal.aborted) break;
      await this.renew();
      await this.handOverDeadPeers();
    }
  }

  private async renew(): Promise<void> {
    try {
      const wasHeld = await this.deps.leases.renew(this.processId, this.deps.ttlMs);
      if (this.isLeased && !wasHeld) this.fenceOff('the lease lapsed before it was renewed');
      this.isLeased = true;
      this.lastRenewedAt = Date.now();
    } catch (error) {
      if (this.isLeased && Date.now() - this.lastRenewedAt > this.deps.ttlMs) {
        this.fenceOff('the lease could not be renewed within its TTL');
        this.isLeased = false;
      }
      // Redis still connecting at start-up is no news (said without the error); failing for a
      // TTL is.
      if (this.lastRenewedAt === 0 && Date.now() - this.startedAt < this.deps.ttlMs) {
        this.deps.log.info({ processId: this.processId }, 'process lease not taken yet, retrying');
      } else {
        this.deps.log.warn(
          { err: error, processId: this.processId },
          'process lease renewal failed',
        );
      }
    }
  }

  private fenceOff(reason: string): void {
    this.deps.log.warn({ processId: this.processId, reason }, 'process lease lost, fencing off');
    this.fence.abort(new Error(`this process lost its liveness lease: ${reason}`));
    this.fence = new AbortController();
  }

  private async handOverDeadPeers(): Promise<void> {
    try {
      const claimTtlMs = this.deps.ttlMs * 3;
      const dead = await this.deps.leases.claimExpired(this.processId, claimTtlMs, CLAIM_LIMIT);
      for (const { processId, attempts } of dead) {
        const reason = `process ${processId} stopped renewing its liveness lease`;
        let handedOver = 0;
        for (let i = 0; i < attempts.length; i += HAND_OVER_BATCH) {
          const batch = attempts.slice(i, i + HAND_OVER_BATCH);
          const results = await Promise.all(
            batch.map((attempt) => this.deps.attempts.failAttempt(attempt, reason)),
          );
          handedOver += results.filter(Boolean).length;
        }
        await this.deps.leases.forget(processId);
        this.deps.log.info(
          { deadProcess: processId, attempts: attempts.length, handedOver },
          'supervisors of a dead process handed back to temporal',
        );
      }
    } catch (error) {
      this.deps.log.warn({ err: error }, 'could not check for dead peer processes');
    }
  }
}
