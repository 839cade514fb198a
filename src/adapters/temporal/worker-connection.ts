import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { sleep } from '../../shared/sleep';
import {
  diagnosisTarget,
  nativeConnectionOptions,
  pingTemporal,
  type TemporalConnectionConfig,
} from './connection';
import { diagnoseTemporalFailure } from './connection-diagnosis';
import {
  TLS_FILE_POLL_INTERVAL_MS,
  type TlsMaterial,
  type TlsMaterialWatcher,
} from './tls-material';

type Listener = (connection: NativeConnection) => void;

/**
 * The workers' native connection to Temporal. It is retried with backoff until it succeeds (the
 * module stays up and /readyz names the failure meanwhile). The Rust core cannot change a
 * connection's TLS, so when the certificate files change a new connection is made with the new
 * pair and handed to the workers (`Worker.connection`, which swaps the client under running pollers
 * without a drain); the old one is closed. A new pair the server refuses leaves the current
 * connection in place and is tried again at the next poll.
 */
export class TemporalWorkerConnection {
  private connection?: NativeConnection;
  private connecting?: Promise<NativeConnection>;
  private lastError?: Error;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly config: TemporalConnectionConfig,
    private readonly tls: TlsMaterialWatcher | undefined,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {
    tls?.on('change', (material) => void this.replace(material));
  }

  /** The connection, once made. */
  connect(): Promise<NativeConnection> {
    this.connecting ??= this.connectWithRetry();
    return this.connecting;
  }

  /** Hears of every replacement; returns the unsubscribe. */
  onReplaced(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * A fresh connection for a worker recreated after a failure (the failed worker may still hold
   * the current one); every listener moves to it. Rejects when it cannot be made now.
   */
  async renew(): Promise<NativeConnection> {
    const next = await NativeConnection.connect(
      nativeConnectionOptions(this.config, this.material()),
    );
    this.swap(next);
    return next;
  }

  /** Readiness: the connection answers; until it exists, why it could not be made. */
  async ping(): Promise<void> {
    if (!this.connection) throw this.lastError ?? new Error('not connected yet');
    await pingTemporal(this.connection, this.config, this.material());
  }

  async close(): Promise<void> {
    await this.connecting?.catch(() => undefined);
    await this.connection?.close();
  }

  private material(): TlsMaterial {
    return this.tls?.material ?? {};
  }

  private async connectWithRetry(): Promise<NativeConnection> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.connection = await NativeConnection.connect(
          nativeConnectionOptions(this.config, this.material()),
        );
        this.lastError = undefined;
        return this.connection;
      } catch (error) {
        if (this.signal.aborted) throw error;
        this.lastError = await this.diagnose(error);
        const delayMs = Math.min(attempt * 500, 5_000);
        this.log.warn({ err: this.lastError, delayMs }, 'temporal unreachable, retrying');
        await sleep(delayMs, this.signal);
      }
    }
  }

  private async replace(material: TlsMaterial): Promise<void> {
    if (!this.connection || this.signal.aborted) return;
    let next: NativeConnection;
    try {
      next = await NativeConnection.connect(nativeConnectionOptions(this.config, material));
    } catch (error) {
      const reason = await this.diagnose(error);
      this.log.error(
        { err: reason },
        'new TLS certificate refused, keeping the current connection',
      );
      setTimeout(() => {
        if (this.tls?.material === material) void this.replace(material);
      }, TLS_FILE_POLL_INTERVAL_MS).unref();
      return;
    }
    this.swap(next);
    this.log.info('temporal worker connection replaced with the new TLS certificate');
  }

  private swap(next: NativeConnection): void {
    const previous = this.connection;
    this.connection = next;
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (error) {
        this.log.warn({ err: error }, 'a worker could not move to the new connection');
      }
    }
    previous
      ?.close()
      .catch((error: unknown) => this.log.warn({ err: error }, 'previous connection not closed'));
  }

  private diagnose(error: unknown): Promise<Error> {
    return diagnoseTemporalFailure(error, diagnosisTarget(this.config, this.material()));
  }
}
