import {
  Client,
  Connection,
  type ClientInterceptors,
  type ConnectionOptions,
} from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { PayloadEncryptionConfig } from '../../config/load';
import { watchedChannelCredentials } from './client-credentials';
import { diagnoseTemporalFailure } from './connection-diagnosis';
import { dataConverterOf } from './payload-data-converter';
import {
  toSdkTls,
  type TemporalTlsOptions,
  type TlsMaterial,
  type TlsMaterialWatcher,
} from './tls-material';

/** How maestro reaches Temporal (resolved from MAESTRO_* and TEMPORAL_* by the config). */
export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  apiKey?: string;
  /** Absent: plaintext. */
  tls?: TemporalTlsOptions;
  metadata: Record<string, string>;
  /** Keys of the payload codec; absent: payloads travel and are stored in plain text. */
  payloadEncryption?: PayloadEncryptionConfig;
}

/** What a connection of ours calls for readiness and setup. */
export type TemporalServices = Pick<Connection, 'workflowService' | 'operatorService'>;

/**
 * A client for the APIs. The connection is lazy (the process starts even while Temporal is down),
 * and its TLS credentials follow `tls` (a rotated client certificate is used by new handshakes).
 * Payloads go through the configured codec, as the workers' do.
 */
export function createTemporalClient(
  config: TemporalConnectionConfig,
  tls?: TlsMaterialWatcher,
  interceptors?: ClientInterceptors,
): Client {
  const connection = Connection.lazy(clientConnectionOptions(config, tls));
  const dataConverter = dataConverterOf(config.payloadEncryption);
  return new Client({
    connection,
    namespace: config.namespace,
    ...(dataConverter && { dataConverter }),
    ...(interceptors && { interceptors }),
  });
}

/** grpc-js options: our own credentials for TLS, so the API key travels as plain metadata. */
export function clientConnectionOptions(
  config: TemporalConnectionConfig,
  tls?: TlsMaterialWatcher,
): ConnectionOptions {
  const metadata = {
    ...config.metadata,
    ...(config.apiKey !== undefined && { authorization: `Bearer ${config.apiKey}` }),
  };
  const serverName = config.tls?.serverName;
  return {
    address: config.address,
    metadata,
    ...(config.tls && tls && { credentials: watchedChannelCredentials(tls) }),
    ...(serverName && {
      channelArgs: {
        'grpc.ssl_target_name_override': serverName,
        'grpc.default_authority': serverName,
      },
    }),
  };
}

/** The workers' native connection options with the TLS material in use now. */
export function nativeConnectionOptions(
  config: TemporalConnectionConfig,
  material: TlsMaterial,
): NativeConnectionOptions {
  return {
    address: config.address,
    metadata: config.metadata,
    ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
    tls: config.tls ? toSdkTls(config.tls, material) : false,
  };
}

/**
 * Readiness: the namespace answers (which also proves the API key or certificate is accepted for
 * it). A failure says what failed, naming TLS and authentication problems.
 */
export async function pingTemporal(
  connection: TemporalServices & Pick<Connection, 'withDeadline'>,
  config: TemporalConnectionConfig,
  material: TlsMaterial,
  timeoutMs = 1_000,
): Promise<void> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () =>
      connection.workflowService.describeNamespace({ namespace: config.namespace }),
    );
  } catch (error) {
    throw await diagnoseTemporalFailure(error, diagnosisTarget(config, material));
  }
}

/** Where the TLS probe of a failure connects, with what. */
export function diagnosisTarget(config: TemporalConnectionConfig, material: TlsMaterial) {
  return {
    namespace: config.namespace,
    ...(config.tls && {
      tls: {
        address: config.address,
        material,
        ...(config.tls.serverName && { serverName: config.tls.serverName }),
      },
    }),
  };
}
