import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConfigProblem } from './problems';

/** PEM material named by the setting it came from: a file (re-read when it changes) or inline. */
export type PemSource = { setting: string } & ({ path: string } | { pem: string });

/** TLS to Temporal; `serverCa` absent means the system's CAs. */
export interface TemporalTlsSettings {
  serverName?: string;
  serverCa?: PemSource;
  clientCert?: { cert: PemSource; key: PemSource };
}

/**
 * Start-up checks of the TLS files and PEM data: each is readable and holds what its setting
 * says (a certificate, a private key), and the client key belongs to the client certificate.
 */
export function checkTlsMaterial(tls: TemporalTlsSettings): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (tls.serverCa) parse(tls.serverCa, 'certificate', problems);
  if (tls.clientCert) {
    const cert = parse(tls.clientCert.cert, 'certificate', problems);
    const key = parse(tls.clientCert.key, 'private key', problems);
    if (cert && key && !cert.checkPrivateKey(key)) {
      problems.push({
        variable: tls.clientCert.key.setting,
        message: `is not the private key of ${tls.clientCert.cert.setting}`,
      });
    }
  }
  return problems;
}

function parse(
  source: PemSource,
  kind: 'certificate',
  problems: ConfigProblem[],
): X509Certificate | undefined;
function parse(
  source: PemSource,
  kind: 'private key',
  problems: ConfigProblem[],
): KeyObject | undefined;
function parse(source: PemSource, kind: 'certificate' | 'private key', problems: ConfigProblem[]) {
  const where = 'path' in source ? `${source.path} ` : '';
  let pem: Buffer;
  try {
    pem = 'path' in source ? readFileSync(source.path) : Buffer.from(source.pem);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push({ variable: source.setting, message: `cannot read ${where}(${reason})` });
    return undefined;
  }
  try {
    return kind === 'certificate' ? new X509Certificate(pem) : createPrivateKey(pem);
  } catch {
    problems.push({ variable: source.setting, message: `${where}is not a PEM ${kind}` });
    return undefined;
  }
}
