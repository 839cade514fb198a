/**
 * TLS of the APIs' listeners from files that may change (a Kubernetes secret mount is updated by
 * a symlink swap): the files are polled, a change is applied once it has been stable for one poll,
 * and a new set that does not load is logged and the current one kept. HTTP servers get the new
 * context through `setSecureContext`, gRPC servers through grpc-js's certificate provider: open
 * connections keep theirs, new ones get the new certificate.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { createSecureContext } from 'node:tls';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { ApiTlsConfig } from '../../config/load';

/** What the listeners serve: certificate chain and key, and the client CA bundle under mTLS. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

/** Reads and checks the files; throws naming what is wrong. */
function readMaterial(config: ApiTlsConfig): TlsMaterial {
  const cert = readFileSync(config.certFile);
  const key = readFileSync(config.keyFile);
  const ca = config.clientCaFile === undefined ? undefined : readFileSync(config.clientCaFile);
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    throw new Error('the key is not the certificate’s');
  }
  if (ca) new X509Certificate(ca);
  createSecureContext({ cert, key, ...(ca && { ca }) });
  return { cert, key, ...(ca && { ca }) };
}

/** Changes when any file (or the file a symlink points to) is replaced or rewritten. */
function signatureOf(config: ApiTlsConfig): string {
  const files = [config.certFile, config.keyFile, config.clientCaFile ?? ''];
  return files
    .map((file) => {
      if (file === '') return '';
      try {
        const stats = statSync(file);
        return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

/** The APIs' TLS material, kept current; a certificate provider for grpc-js. */
export class ApiTls implements experimental.CertificateProvider {
  private material: TlsMaterial;
  private appliedSignature: string;
  private seenSignature: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly caListeners = new Set<CaListener>();
  private readonly httpListeners = new Set<(options: SecureContextOptions) => void>();

  /** Loads the files (checked at config time already); throws if they no longer load. */
  constructor(
    private readonly config: ApiTlsConfig,
    private readonly log: Logger,
  ) {
    this.appliedSignature = signatureOf(config);
    this.seenSignature = this.appliedSignature;
    this.material = readMaterial(config);
  }

  get isMutual(): boolean {
    return this.config.clientCaFile !== undefined;
  }

  /** Options of an HTTPS server serving the current material (clients verified under mTLS). */
  httpsOptions(): TlsOptions {
    return {
      ...this.secureContextOptions(),
      ...(this.isMutual && { requestCert: true, rejectUnauthorized: true }),
    };
  }

  /** Called with the new context options on every change, for `server.setSecureContext`. */
  onHttpsChange(listener: (options: SecureContextOptions) => void): () => void {
    this.httpListeners.add(listener);
    return () => this.httpListeners.delete(listener);
  }

  /** gRPC server credentials following the files (client certificates required under mTLS). */
  grpcCredentials(): ServerCredentials {
    // grpc-js 1.14 declares the parameters (ca, identity) but uses them as (identity, ca).
    return experimental.createCertificateProviderServerCredentials(
      this,
      this.isMutual ? this : null,
      this.isMutual,
    );
  }

  /** Starts polling the files; `stop()` ends it. */
  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.config.reloadIntervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private secureContextOptions(): SecureContextOptions {
    const { cert, key, ca } = this.material;
    return { cert, key, ...(ca && { ca }) };
  }

  private poll(): void {
    const signature = signatureOf(this.config);
    const isStable = signature === this.seenSignature;
    this.seenSignature = signature;
    if (!isStable || signature === this.appliedSignature) return;
    this.appliedSignature = signature;
    try {
      this.material = readMaterial(this.config);
    } catch (error) {
      this.log.error({ err: error }, 'new tls files not loaded, serving the previous ones');
      return;
    }
    this.log.info({ cert: this.config.certFile }, 'tls certificate reloaded');
    const options = this.secureContextOptions();
    for (const listener of this.httpListeners) listener(options);
    for (const listener of this.identityListeners) listener(this.identityUpdate());
    for (const listener of this.caListeners) listener(this.caUpdate());
  }

  private identityUpdate(): experimental.IdentityCertificateUpdate {
    return { certificate: this.material.cert, privateKey: this.material.key };
  }

  private caUpdate(): experimental.CaCertificateUpdate | null {
    return this.material.ca ? { caCertificate: this.material.ca } : null;
  }

  // grpc-js registers its server's watcher only after adding these listeners: the current
  // material must reach it on a later tick, or the server would never see it.
  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    setImmediate(() => this.identityListeners.has(listener) && listener(this.identityUpdate()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    setImmediate(() => this.caListeners.has(listener) && listener(this.caUpdate()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }
}
