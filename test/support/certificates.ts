import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A certificate and its key, as PEM files. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

const openssl = (args: readonly string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** A self-signed CA (EC P-256, valid a day) in `dir/<name>.crt` and `.key`. */
export function createCa(dir: string, name: string): CertificateFiles {
  mkdirSync(dir, { recursive: true });
  const files = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  openssl(
    [
      ...['req', '-x509', ...NEW_EC_KEY, '-keyout', files.key, '-out', files.cert],
      ...['-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', 'keyUsage=critical,keyCertSign'],
    ],
    dir,
  );
  return files;
}

/**
 * A leaf certificate signed by `ca`: a server certificate for 127.0.0.1 and localhost (SAN), or a
 * client certificate (`clientAuth`).
 */
export function issueCertificate(
  ca: CertificateFiles,
  dir: string,
  name: string,
  usage: 'server' | 'client',
): CertificateFiles {
  mkdirSync(dir, { recursive: true });
  const files = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  const csr = path.join(dir, `${name}.csr`);
  const extensions = path.join(dir, `${name}.ext`);
  writeFileSync(
    extensions,
    usage === 'server'
      ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
      : 'extendedKeyUsage=clientAuth\n',
  );
  openssl(['req', ...NEW_EC_KEY, '-keyout', files.key, '-out', csr, '-subj', `/CN=${name}`], dir);
  openssl(
    [
      ...['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial'],
      ...['-out', files.cert, '-days', '1', '-extfile', extensions],
    ],
    dir,
  );
  return files;
}
