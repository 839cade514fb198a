/**
 * Autoscaling webhooks over HTTPS with Node's client: one POST per call, the whole call bounded by
 * its timeout, redirects not followed, answers capped at 64 KB. Certificates are checked against
 * Node's root store plus the scheduler's `caBundle`; one agent per bundle (TLS sessions reused).
 */
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { WebhookOutcome } from '../../domain/autoscaling/webhook';
import type { AutoscalingWebhook, WebhookCall } from '../../ports/autoscaling-webhook';

/** The largest answer read; a longer one is a failure. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** Errors of certificate verification, reported as `TLS: <message>`. */
const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  EPROTO: 'TLS: protocol error (is it HTTPS?)',
};

/** A call's failure, already phrased for the operation history. */
class WebhookCallFailure extends Error {}

export class HttpsAutoscalingWebhook implements AutoscalingWebhook {
  private readonly agents = new Map<string, https.Agent>();

  async call(call: WebhookCall): Promise<WebhookOutcome> {
    try {
      const text = await this.post(call);
      return { body: parseJson(text) };
    } catch (error) {
      return { failure: describeFailure(error) };
    }
  }

  /** Ends the agents' sockets (process shutdown). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private post(call: WebhookCall): Promise<string> {
    const payload = Buffer.from(JSON.stringify(call.body));
    return new Promise<string>((resolve, reject) => {
      const request = https.request(call.url, {
        method: 'POST',
        agent: this.agentFor(call.caBundle),
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          accept: 'application/json',
          'user-agent': 'maestro-autoscaler',
        },
      });
      const timer = setTimeout(() => {
        request.destroy(new WebhookCallFailure(`timeout after ${formatMs(call.timeoutMs)}`));
      }, call.timeoutMs);
      const settle =
        <T>(finish: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          finish(value);
        };
      request.on('error', settle(reject));
      request.on('response', (response) => {
        readAnswer(response).then(settle(resolve), (error: unknown) => {
          request.destroy();
          settle(reject)(error);
        });
      });
      request.end(payload);
    });
  }

  private agentFor(caBundle: string | undefined): https.Agent | undefined {
    if (caBundle === undefined) return undefined;
    let agent = this.agents.get(caBundle);
    if (!agent) {
      agent = new https.Agent({ ca: [...tls.rootCertificates, caBundle], keepAlive: false });
      this.agents.set(caBundle, agent);
    }
    return agent;
  }
}

/** The body of a 2xx answer, at most `MAX_ANSWER_BYTES`. */
function readAnswer(response: IncomingMessage): Promise<string> {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    return Promise.reject(new WebhookCallFailure(`HTTP ${status}${redirect}`));
  }
  const tooLarge = () => new WebhookCallFailure(`answer larger than ${MAX_ANSWER_BYTES / 1024} KB`);
  if (Number(response.headers['content-length'] ?? 0) > MAX_ANSWER_BYTES) {
    response.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        response.destroy(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(new WebhookCallFailure('answer cut off')));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WebhookCallFailure(text.trim() === '' ? 'empty answer' : 'invalid JSON');
  }
}

/** A short, clear problem for the operation history. */
export function describeFailure(error: unknown): string {
  if (error instanceof WebhookCallFailure) return error.message;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code !== undefined && TLS_ERROR_CODES.has(code)) return `TLS: ${message}`;
  if (code !== undefined && SOCKET_ERRORS[code]) return SOCKET_ERRORS[code];
  return error instanceof Error ? error.message : String(error);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
