import { rootCertificates } from 'node:tls';
import { experimental, type ChannelCredentials } from '@grpc/grpc-js';
import type { TlsMaterial, TlsMaterialWatcher } from './tls-material';

type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * grpc-js TLS credentials that follow the watcher: every new connection (handshake) of the API
 * client uses the CA and client certificate in force at that moment, so a rotated pair is used
 * without a restart; connections already open keep theirs until they close.
 */
export function watchedChannelCredentials(watcher: TlsMaterialWatcher): ChannelCredentials {
  const provider = new WatchedCertificateProvider(watcher);
  return experimental.createCertificateProviderChannelCredentials(
    provider,
    watcher.material.clientCert ? provider : null,
  );
}

class WatchedCertificateProvider implements experimental.CertificateProvider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();

  constructor(private readonly watcher: TlsMaterialWatcher) {
    watcher.on('change', (material) => this.publish(material));
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    process.nextTick(() => listener(caUpdate(this.watcher.material)));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(() => listener(identityUpdate(this.watcher.material)));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  private publish(material: TlsMaterial): void {
    for (const listener of this.caListeners) listener(caUpdate(material));
    for (const listener of this.identityListeners) listener(identityUpdate(material));
  }
}

/** The configured CA, else the system's (what a TLS connection without a CA file trusts). */
const caUpdate = (material: TlsMaterial) => ({
  caCertificate: material.serverCa ?? Buffer.from(rootCertificates.join('\n')),
});

const identityUpdate = (material: TlsMaterial) =>
  material.clientCert
    ? { certificate: material.clientCert.cert, privateKey: material.clientCert.key }
    : null;
