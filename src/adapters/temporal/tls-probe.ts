import { checkServerIdentity, connect, rootCertificates, type TLSSocket } from 'node:tls';
import type { TlsMaterial } from './tls-material';

export interface TlsProbeTarget {
  address: string;
  serverName?: string;
  material: TlsMaterial;
}

/**
 * Opens one TLS connection to Temporal with the material in use and reports why the handshake
 * fails, in words an operator acts on; `undefined` when it succeeds. The handshake is over only
 * once the server speaks (HTTP/2 settings): with TLS 1.3 a server rejects a client certificate
 * after the client considers the handshake done.
 */
export function probeTlsHandshake(
  target: TlsProbeTarget,
  timeoutMs: number,
): Promise<string | undefined> {
  const { host, port } = splitAddress(target.address);
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host,
      port,
      servername: target.serverName ?? (isIp(host) ? undefined : host),
      ca: target.material.serverCa ?? [...rootCertificates],
      cert: target.material.clientCert?.cert,
      key: target.material.clientCert?.key,
      ALPNProtocols: ['h2'],
      ...(target.serverName && {
        checkServerIdentity: (_host: string, cert: Parameters<typeof checkServerIdentity>[1]) =>
          checkServerIdentity(target.serverName!, cert),
      }),
    });
    const finish = (outcome: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.once('data', () => finish(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(describeTlsError(error, target)));
    socket.once('close', () => finish(undefined));
  });
}

/** A TLS error of Node/OpenSSL as a sentence about the handshake. */
export function describeTlsError(error: NodeJS.ErrnoException, target: TlsProbeTarget): string {
  const code = error.code ?? '';
  const hasCert = target.material.clientCert !== undefined;
  switch (code) {
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return 'the server requires a client certificate';
    case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE':
      return hasCert
        ? 'the server rejected the handshake'
        : 'the server requires a client certificate (it refused a handshake without one)';
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
    case 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED':
      return 'the server does not accept our client certificate';
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED':
      return 'the server says our client certificate has expired';
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED':
      return 'the server says our client certificate is revoked';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return "the server's certificate is signed by an unknown authority";
    case 'CERT_HAS_EXPIRED':
      return "the server's certificate has expired";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the server's certificate is not valid for ${target.serverName ?? splitAddress(target.address).host}`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return 'the server does not speak TLS on this port';
    default:
      return error.message;
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return match ? { host: match[1]!, port: Number(match[2]) } : { host: address, port: 7233 };
}

const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');
