/**
 * Clients of the APIs' TLS listeners for tests: what certificate a new connection is served,
 * HTTPS calls and native gRPC calls trusting the test CA (with a client certificate for mTLS),
 * and TLS files laid out as a Kubernetes secret mount (files behind a `..data` symlink swapped
 * atomically on update).
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import type { DescService } from '@bufbuild/protobuf';
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { grpcClientDefinition } from '../../src/api/shared/grpc-service';
import type { CertificateFiles } from './certificates';

/** The serial number of a certificate file, as TLS peers report it. */
export const serialOf = (certFile: string): string =>
  new X509Certificate(readFileSync(certFile)).serialNumber.toUpperCase();

/** The serial of the certificate a new TLS connection to `port` is served (ALPN as given). */
export function servedSerial(port: number, ca: string, alpn: 'h2' | 'http/1.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, ca: readFileSync(ca), ALPNProtocols: [alpn] },
      () => {
        resolve(socket.getPeerCertificate().serialNumber.toUpperCase());
        socket.destroy();
      },
    );
    socket.on('error', reject);
  });
}

/** An HTTPS request; resolves with the status, or rejects when the connection is refused. */
export function httpsCall(
  port: number,
  request: {
    method: string;
    path: string;
    ca: string;
    client?: CertificateFiles;
    agent?: https.Agent;
  },
): Promise<{ status: number; isReusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      {
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.path,
        ca: readFileSync(request.ca),
        ...(request.client && {
          cert: readFileSync(request.client.cert),
          key: readFileSync(request.client.key),
        }),
        agent: request.agent ?? false,
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, isReusedSocket: outgoing.reusedSocket }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.method === 'GET' ? undefined : '{}');
  });
}

/**
 * One unary gRPC call over TLS (or plaintext when `ca` is undefined); resolves with the status
 * code (0 for OK).
 */
export function grpcStatusOf(
  service: DescService,
  address: string,
  method: string,
  request: unknown,
  security: { ca?: string; client?: CertificateFiles },
): Promise<number> {
  const Constructor = makeGenericClientConstructor(grpcClientDefinition(service), service.name);
  const channel = security.ca
    ? credentials.createSsl(
        readFileSync(security.ca),
        security.client ? readFileSync(security.client.key) : null,
        security.client ? readFileSync(security.client.cert) : null,
      )
    : credentials.createInsecure();
  const client = new Constructor(address, channel);
  const call = (client as unknown as Record<string, (...args: unknown[]) => void>)[method];
  return new Promise<number>((resolve) => {
    call!.call(client, request, { deadline: Date.now() + 10_000 }, (error: ServiceError | null) =>
      resolve(error ? error.code : 0),
    );
  }).finally(() => client.close());
}

/** TLS files as a Kubernetes secret mounts them: `dir/tls.crt` → `..data/tls.crt`. */
export class SecretMount {
  readonly cert: string;
  readonly key: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.cert = path.join(dir, 'tls.crt');
    this.key = path.join(dir, 'tls.key');
  }

  /** Points the mount at `version` (a directory holding tls.crt and tls.key), atomically. */
  swapTo(version: string): void {
    const next = path.join(this.dir, '..data_tmp');
    symlinkSync(version, next);
    renameSync(next, path.join(this.dir, '..data'));
  }

  /** Makes the mount's file links, the first time. */
  link(): void {
    symlinkSync(path.join('..data', 'tls.crt'), this.cert);
    symlinkSync(path.join('..data', 'tls.key'), this.key);
  }
}
