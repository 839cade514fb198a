import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { sleep } from '../../shared/sleep';

export interface TemporalConfig {
  address: string;
  namespace: string;
}

/** A client for the APIs. The connection is lazy: the process starts even while Temporal is down. */
export function createTemporalClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({ address: config.address });
  return new Client({ connection, namespace: config.namespace });
}

/** The workers' native connection, retried until it succeeds or `signal` aborts. */
export async function connectWorkerConnection(
  config: TemporalConfig,
  signal: AbortSignal,
  onRetry: (error: unknown, delayMs: number) => void,
): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({ address: config.address });
    } catch (error) {
      if (signal.aborted) throw error;
      const delayMs = Math.min(attempt * 500, 5_000);
      onRetry(error, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

/** Readiness: the frontend answers a cheap call. */
export async function pingTemporal(connection: ConnectionLike): Promise<void> {
  await connection.workflowService.getSystemInfo({});
}
