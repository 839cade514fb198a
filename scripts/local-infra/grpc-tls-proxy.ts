import { connect } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nginxBinary } from './paths';
import { spawnService, waitUntilReady, type ServiceProcess } from './process';

export interface GrpcTlsProxyOptions {
  dir: string;
  /** The plaintext gRPC server behind the proxy, host:port (the Temporal frontend). */
  upstream: string;
  /** The proxy's server certificate and key (PEM files). */
  server: { cert: string; key: string };
  /** A listener that requires a client certificate signed by `clientCa` (a PEM file read at start). */
  mtls?: { port: number; clientCa: string };
  /**
   * A listener (TLS, no client certificate) that, as Temporal Cloud does, answers gRPC
   * UNAUTHENTICATED without `authorization: Bearer <apiKey>` and PERMISSION_DENIED to a
   * `temporal-namespace` header other than `namespace`; `isOperatorApiDenied` also refuses the
   * OperatorService with PERMISSION_DENIED (Temporal Cloud does).
   */
  apiKey?: { port: number; apiKey: string; namespace: string; isOperatorApiDenied?: boolean };
}

export interface RunningGrpcTlsProxy {
  process: ServiceProcess;
  /** Stops it, dropping every connection, and starts it again with the files as they are now. */
  restart(): Promise<RunningGrpcTlsProxy>;
  stop(): Promise<void>;
}

/**
 * Starts nginx (scripts/provision/nginx.sh) as a TLS-terminating gRPC proxy, an ordinary process
 * with its own configuration, pid, logs and temp files under `dir`, listening on loopback only.
 * A client without a certificate fails the handshake (`certificate required`), as with Temporal's
 * own mTLS; one with a certificate the proxy does not trust gets gRPC UNAUTHENTICATED.
 */
export async function startGrpcTlsProxy(
  options: GrpcTlsProxyOptions,
): Promise<RunningGrpcTlsProxy> {
  mkdirSync(path.join(options.dir, 'temp'), { recursive: true, mode: 0o777 });
  const configFile = path.join(options.dir, 'nginx.conf');
  const logFile = path.join(options.dir, 'nginx.log');
  writeFileSync(configFile, renderConfig(options));
  const process = spawnService({
    name: 'nginx',
    command: nginxBinary(),
    args: ['-p', options.dir, '-c', configFile, '-e', logFile],
    logFile,
  });
  const ports = [options.mtls?.port, options.apiKey?.port].filter((p) => p !== undefined);
  await waitUntilReady(process, () => Promise.all(ports.map(acceptsTcp)), 15_000, logFile);
  return {
    process,
    restart: async () => {
      await process.stop();
      return startGrpcTlsProxy(options);
    },
    stop: () => process.stop(),
  };
}

function renderConfig(options: GrpcTlsProxyOptions): string {
  const { dir, server } = options;
  const tls = [`ssl_certificate ${server.cert};`, `ssl_certificate_key ${server.key};`];
  const proxy = [
    `grpc_pass grpc://${options.upstream};`,
    // Temporal's long polls last ~70 s.
    'grpc_read_timeout 600s;',
    'grpc_send_timeout 600s;',
  ];
  const servers: string[] = [];
  if (options.mtls) {
    servers.push(
      block(`server`, [
        `listen 127.0.0.1:${options.mtls.port} ssl http2;`,
        ...tls,
        `ssl_client_certificate ${options.mtls.clientCa};`,
        'ssl_verify_client on;',
        // Fail the handshake without a client certificate, as Go's RequireAndVerifyClientCert.
        'ssl_conf_command VerifyMode Require;',
        'error_page 495 496 = @untrusted;',
        block('location /', proxy),
        grpcError('@untrusted', 16, 'client certificate not trusted'),
      ]),
    );
  }
  if (options.apiKey) {
    const { apiKey, namespace } = options.apiKey;
    servers.push(
      block(`server`, [
        `listen 127.0.0.1:${options.apiKey.port} ssl http2;`,
        ...tls,
        'error_page 401 = @unauthenticated;',
        'error_page 403 = @denied;',
        block('location /', [
          `if ($http_authorization != "Bearer ${apiKey}") { return 401; }`,
          `if ($http_temporal_namespace !~ "^(${namespace})?$") { return 403; }`,
          ...proxy,
        ]),
        ...(options.apiKey.isOperatorApiDenied
          ? [block('location /temporal.api.operatorservice.v1.OperatorService/', ['return 403;'])]
          : []),
        grpcError('@unauthenticated', 16, 'invalid API key'),
        grpcError('@denied', 7, 'Request unauthorized'),
      ]),
    );
  }
  return [
    'daemon off;',
    'worker_processes 1;',
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${path.join(dir, 'nginx.pid')};`,
    block('events', ['worker_connections 512;']),
    block('http', [
      `access_log ${path.join(dir, 'access.log')};`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `${kind}_temp_path ${path.join(dir, 'temp', kind)};`,
      ),
      'keepalive_requests 1000000;',
      'keepalive_timeout 600s;',
      ...servers,
    ]),
  ].join('\n');
}

/** A trailers-only gRPC answer (how nginx documents returning gRPC errors). */
function grpcError(location: string, code: number, message: string): string {
  return block(`location ${location}`, [
    'default_type application/grpc;',
    `add_header grpc-status ${code} always;`,
    `add_header grpc-message "${message}" always;`,
    'return 204;',
  ]);
}

function block(head: string, lines: readonly string[]): string {
  return `${head} {\n${lines.map((line) => `  ${line.replace(/\n/g, '\n  ')}`).join('\n')}\n}`;
}

function acceptsTcp(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
