import { createPrivateKey, X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { PemSource, TemporalTlsSettings } from '../../config/load';

/** TLS to Temporal as configured (the config's settings); `serverCa` absent: the system's CAs. */
export type TemporalTlsOptions = TemporalTlsSettings;

/** The PEM bytes in use now. */
export interface TlsMaterial {
  serverCa?: Buffer;
  clientCert?: { cert: Buffer; key: Buffer };
}

/** How often the TLS files are compared with what is in use (cert-manager rotates in place). */
export const TLS_FILE_POLL_INTERVAL_MS = 5_000;

/**
 * The TLS files of the Temporal connection, re-read every few seconds. `change` is emitted with the
 * new material once the files differ from what is in use and form a usable set (a certificate
 * whose key matches): a rotation caught half-written is picked up at the next poll instead.
 */
export class TlsMaterialWatcher extends EventEmitter<{ change: [TlsMaterial]; error: [Error] }> {
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly options: TemporalTlsOptions,
    private current: TlsMaterial,
  ) {
    super();
  }

  /** Reads the material once; throws naming the setting when a file cannot be used. */
  static open(options: TemporalTlsOptions): TlsMaterialWatcher {
    return new TlsMaterialWatcher(options, readMaterial(options));
  }

  get material(): TlsMaterial {
    return this.current;
  }

  /** Whether any material comes from a file (inline data never changes). */
  get hasFiles(): boolean {
    const { serverCa, clientCert } = this.options;
    return [serverCa, clientCert?.cert, clientCert?.key].some((s) => s && 'path' in s);
  }

  start(intervalMs = TLS_FILE_POLL_INTERVAL_MS): void {
    if (this.timer || !this.hasFiles) return;
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    let next: TlsMaterial;
    try {
      next = readMaterial(this.options);
    } catch (error) {
      this.emit('error', error as Error);
      return;
    }
    if (isSameMaterial(next, this.current)) return;
    this.current = next;
    this.emit('change', next);
  }
}

/** The material as the SDK's `tls` option (Temporal's native connection). */
export function toSdkTls(options: TemporalTlsOptions, material: TlsMaterial): TLSConfig {
  return {
    ...(options.serverName && { serverNameOverride: options.serverName }),
    ...(material.serverCa && { serverRootCACertificate: material.serverCa }),
    ...(material.clientCert && {
      clientCertPair: { crt: material.clientCert.cert, key: material.clientCert.key },
    }),
  };
}

function readMaterial(options: TemporalTlsOptions): TlsMaterial {
  const serverCa = options.serverCa && readPem(options.serverCa);
  if (!options.clientCert) return { ...(serverCa && { serverCa }) };
  const cert = readPem(options.clientCert.cert);
  const key = readPem(options.clientCert.key);
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    throw new Error(
      `${options.clientCert.key.setting} is not the private key of ${options.clientCert.cert.setting}`,
    );
  }
  return { ...(serverCa && { serverCa }), clientCert: { cert, key } };
}

function readPem(source: PemSource): Buffer {
  if (!('path' in source)) return Buffer.from(source.pem);
  try {
    return readFileSync(source.path);
  } catch (error) {
    throw new Error(`${source.setting}: cannot read ${source.path}`, { cause: error });
  }
}

function isSameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x?: Buffer, y?: Buffer) => (x && y ? x.equals(y) : x === y);
  return (
    same(a.serverCa, b.serverCa) &&
    same(a.clientCert?.cert, b.clientCert?.cert) &&
    same(a.clientCert?.key, b.clientCert?.key)
  );
}
