import type { Client, ClientInterceptors } from '@temporalio/client';
import type { Logger } from 'pino';
import { createTemporalClient, pingTemporal } from '../../adapters/temporal/connection';
import { TlsMaterialWatcher } from '../../adapters/temporal/tls-material';
import { TemporalWorkerConnection } from '../../adapters/temporal/worker-connection';
import type { Config } from '../../config/load';

type Closer = { name: string; close: () => Promise<unknown> };

/**
 * The process's Temporal connections, made on first use: the API client (grpc-js) and the
 * workers' native connection, both on the TLS files watched once per process.
 */
export class TemporalResources {
  private watcher?: TlsMaterialWatcher;
  private client?: Client;
  private workerConnection?: TemporalWorkerConnection;

  constructor(
    private readonly config: Config['temporal'],
    private readonly log: Logger,
    private readonly shutdownSignal: AbortSignal,
    private readonly closers: Closer[],
    /** The API client's interceptors (tracing). */
    private readonly interceptors?: ClientInterceptors,
  ) {}

  apiClient(): Client {
    if (!this.client) {
      const client = createTemporalClient(this.config, this.tlsWatcher(), this.interceptors);
      this.client = client;
      this.closers.push({ name: 'temporal client', close: () => client.connection.close() });
    }
    return this.client;
  }

  worker(): TemporalWorkerConnection {
    if (!this.workerConnection) {
      const connection = new TemporalWorkerConnection(
        this.config,
        this.tlsWatcher(),
        this.log,
        this.shutdownSignal,
      );
      this.workerConnection = connection;
      this.closers.push({ name: 'temporal worker connection', close: () => connection.close() });
    }
    return this.workerConnection;
  }

  /** Readiness of the API client: the namespace answers, or why not. */
  pingApiClient(): Promise<void> {
    return pingTemporal(
      this.apiClient().connection,
      this.config,
      this.tlsWatcher()?.material ?? {},
    );
  }

  private tlsWatcher(): TlsMaterialWatcher | undefined {
    if (!this.config.tls) return undefined;
    if (!this.watcher) {
      const watcher = TlsMaterialWatcher.open(this.config.tls);
      watcher.on('error', (error) =>
        this.log.warn({ err: error }, 'TLS files unusable, keeping the current ones'),
      );
      watcher.on('change', () => this.log.info('TLS files changed: new connections use them'));
      watcher.start();
      this.watcher = watcher;
      this.closers.push({ name: 'tls watcher', close: () => Promise.resolve(watcher.stop()) });
    }
    return this.watcher;
  }
}
