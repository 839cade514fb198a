import { describeTlsError } from '../../src/adapters/temporal/tls-probe';

const target = (hasClientCert: boolean, serverName?: string) => ({
  address: 'temporal.example:7233',
  ...(serverName && { serverName }),
  material: hasClientCert ? { clientCert: { cert: Buffer.from('c'), key: Buffer.from('k') } } : {},
});

const tlsError = (code: string) => Object.assign(new Error(`openssl says ${code}`), { code });

describe('describeTlsError', () => {
  it.each([
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', true, 'the server requires a client certificate'],
    [
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      false,
      'the server requires a client certificate (it refused a handshake without one)',
    ],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', true, 'the server rejected the handshake'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', true, 'the server does not accept our client certificate'],
    [
      'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
      true,
      'the server says our client certificate has expired',
    ],
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      false,
      "the server's certificate is signed by an unknown authority",
    ],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      false,
      "the server's certificate is signed by an unknown authority",
    ],
    ['CERT_HAS_EXPIRED', false, "the server's certificate has expired"],
    ['ERR_SSL_WRONG_VERSION_NUMBER', false, 'the server does not speak TLS on this port'],
    ['ECONNREFUSED', false, 'openssl says ECONNREFUSED'],
  ])('says what %s means (client certificate configured: %s)', (code, hasCert, expected) => {
    expect(describeTlsError(tlsError(code), target(hasCert))).toBe(expected);
  });

  it('names the host the certificate was checked against when the name does not match', () => {
    const error = tlsError('ERR_TLS_CERT_ALTNAME_INVALID');

    expect(describeTlsError(error, target(false))).toBe(
      "the server's certificate is not valid for temporal.example",
    );
    expect(describeTlsError(error, target(false, 'temporal.internal'))).toBe(
      "the server's certificate is not valid for temporal.internal",
    );
  });
});
