import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpsAutoscalingWebhook } from '../../src/adapters/autoscaling-webhook/https-autoscaling-webhook';
import { webhookRequest } from '../../src/domain/autoscaling/webhook';
import type { WebhookCall } from '../../src/ports/autoscaling-webhook';
import { createCa, issueCertificate } from '../support/certificates';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

const body = webhookRequest({
  scheduler: { name: 'tennis', game: 'sports', version: 'v1' },
  occupancy: {
    counts: {
      pending: 0,
      unready: 0,
      ready: 2,
      active: 0,
      allocated: 0,
      occupied: 1,
      terminating: 0,
      terminated: 0,
      error: 0,
    },
    runningMatches: 1,
    maxMatches: 1,
  },
  desired: 3,
  min: 1,
  max: 6,
  history: [],
});

describe('HttpsAutoscalingWebhook', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'webhook-tls-'));
  const ca = createCa(dir, 'webhook-ca');
  const leaf = issueCertificate(ca, dir, 'webhook', 'server');
  const caBundle = readFileSync(ca.cert, 'utf8');
  const selfSigned = selfSignedCertificate(dir);
  const servers: https.Server[] = [];
  const webhook = new HttpsAutoscalingWebhook();
  let handler: Handler;

  async function serve(files = leaf): Promise<string> {
    const server = https.createServer(
      { cert: readFileSync(files.cert), key: readFileSync(files.key) },
      (request, response) => {
        let text = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => (text += chunk));
        request.on('end', () => handler(request, text, response));
      },
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/scale`;
  }

  const call = (url: string, extra: Partial<WebhookCall> = {}) =>
    webhook.call({ url, body, timeoutMs: 1_000, caBundle, ...extra });

  const answer = (status: number, text: string, headers: Record<string, string> = {}) =>
    ((_request, _body, response) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(text);
    }) satisfies Handler;

  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });
  afterAll(() => {
    webhook.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POSTs the request as JSON and returns the answer when the caBundle trusts the server', async () => {
    let received: { method?: string; type?: string; body?: unknown } = {};
    handler = (request, text, response) => {
      received = {
        method: request.method,
        type: request.headers['content-type'],
        body: JSON.parse(text),
      };
      answer(200, '{"apiVersion":"autoscaling.maestro/v1","desired":4}')(request, text, response);
    };
    const url = await serve();

    const outcome = await call(url);

    expect(outcome).toEqual({ body: { apiVersion: 'autoscaling.maestro/v1', desired: 4 } });
    expect(received).toEqual({ method: 'POST', type: 'application/json', body });
  });

  it('fails with a TLS problem when the server is signed by a CA it was not given', async () => {
    handler = answer(200, '{}');
    const url = await serve();

    const outcome = await webhook.call({ url, body, timeoutMs: 1_000 });

    expect(outcome).toEqual({ failure: 'TLS: unable to verify the first certificate' });
  });

  it('fails with a TLS problem when the server certificate is self-signed', async () => {
    handler = answer(200, '{}');
    const url = await serve(selfSigned);

    const outcome = await webhook.call({ url, body, timeoutMs: 1_000 });

    expect(outcome).toEqual({ failure: 'TLS: self-signed certificate' });
  });

  it('fails with a timeout when the answer takes longer than the timeout', async () => {
    handler = () => undefined; // never answers
    const url = await serve();

    const started = Date.now();
    const outcome = await call(url, { timeoutMs: 300 });

    expect(outcome).toEqual({ failure: 'timeout after 300ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([
    [503, {}, 'HTTP 503'],
    [404, {}, 'HTTP 404'],
    [302, { location: 'https://example.com/' }, 'HTTP 302 (redirects are not followed)'],
  ])('fails with the status when the server answers %i', async (status, headers, failure) => {
    handler = answer(status, '{"apiVersion":"autoscaling.maestro/v1","desired":4}', headers);
    const url = await serve();

    await expect(call(url)).resolves.toEqual({ failure });
  });

  it('fails when the answer is not JSON', async () => {
    handler = answer(200, '<html>oops</html>');
    const url = await serve();

    await expect(call(url)).resolves.toEqual({ failure: 'invalid JSON' });
  });

  it('fails when the answer is larger than 64 KB, announced or not', async () => {
    const large = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
    handler = answer(200, large);
    const announced = await serve();
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length
      response.write(large.slice(0, 40_000));
      response.end(large.slice(40_000));
    };
    const streamed = await serve();

    await expect(call(announced)).resolves.toEqual({ failure: 'answer larger than 64 KB' });
    await expect(call(streamed)).resolves.toEqual({ failure: 'answer larger than 64 KB' });
  });

  it('fails with connection refused when nothing listens', async () => {
    handler = answer(200, '{}');
    const url = await serve();
    const [server] = servers.splice(0);
    await new Promise((resolve) => server!.close(resolve));

    await expect(call(url)).resolves.toEqual({ failure: 'connection refused' });
  });
});

/** A self-signed server certificate for 127.0.0.1 (no CA). */
function selfSignedCertificate(dir: string) {
  const files = { cert: path.join(dir, 'self.crt'), key: path.join(dir, 'self.key') };
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', files.key, '-out', files.cert, '-days', '1', '-subj', '/CN=self'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  return files;
}
