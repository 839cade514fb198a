/**
 * Temporal's remote codec protocol, so the Temporal UI and CLI show maestro's sealed payloads in
 * clear to callers allowed to see them: `POST /codec/decode` and `POST /codec/encode`, body
 * `{"payloads":[{"metadata":{k: base64},"data": base64}]}` both ways; browsers' CORS preflight is
 * answered for the configured origins only.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DomainError, ErrorCode } from '../../domain/errors';
import { httpAuthorization, type Authorization } from '../shared/authorization';
import { MalformedRequestError } from '../shared/malformed-request-error';

export const CODEC_PATH = '/codec';

/** What the codec endpoint is asked to do. */
export type CodecAction = 'encode' | 'decode';

/**
 * Access control of the codec endpoint: resolves when the caller (its `authorization` header) may
 * `action`, else throws a `DomainError` (UNAUTHENTICATED → 401, PERMISSION_DENIED → 403).
 */
export type CodecAuthorizer = (
  authorization: Authorization,
  call: { action: CodecAction; peer: string },
) => Promise<void>;

/** With security off the endpoint is open like the rest of the API: anyone reaching it decodes. */
export const openCodecAccess: CodecAuthorizer = () => Promise.resolve();

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  authorize: CodecAuthorizer;
  /** maestro's Temporal namespace: a request naming another one (`X-Namespace`) is refused. */
  namespace: string;
  /** Browser origins allowed to call (the Temporal UI's). */
  corsOrigins: readonly string[];
  log: Logger;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });
const bodySchema = z.object({
  payloads: z.array(
    z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }),
  ),
});
type JsonPayload = z.infer<typeof bodySchema>['payloads'][number];

/** Adds the codec endpoint to the Management API's HTTP app (only when a codec is configured). */
export function registerCodecRoutes(app: FastifyInstance, options: CodecRoutesOptions): void {
  const allowed = new Set(options.corsOrigins);
  for (const action of ['encode', 'decode'] as const) {
    const url = `${CODEC_PATH}/${action}`;
    app.options(url, async (request, reply) => {
      allowCors(request, reply, allowed);
      return reply.code(204).send();
    });
    app.post(url, async (request, reply) => {
      allowCors(request, reply, allowed);
      const payloads = await transform(action, request, options);
      return reply.send({ payloads });
    });
  }
}

async function transform(
  action: CodecAction,
  request: FastifyRequest,
  options: CodecRoutesOptions,
): Promise<JsonPayload[]> {
  await options.authorize(httpAuthorization(request.raw), { action, peer: request.ip });
  const namespace = request.headers['x-namespace'];
  if (typeof namespace === 'string' && namespace !== '' && namespace !== options.namespace) {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      `X-Namespace: must be maestro's namespace "${options.namespace}", not "${namespace}"`,
    );
  }
  const parsed = bodySchema.safeParse(request.body);
  if (!parsed.success) {
    throw new MalformedRequestError(
      parsed.error.issues.map((issue) => ({
        field: issue.path.reduce<string>(
          (path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`),
          'body',
        ),
        message: issue.message,
      })),
    );
  }
  const input = parsed.data.payloads.map(fromJson);
  options.log.info({ action, payloads: input.length, peer: request.ip }, 'codec request');
  const output =
    action === 'encode' ? await options.codec.encode(input) : await options.codec.decode(input);
  return output.map(toJson);
}

function allowCors(request: FastifyRequest, reply: FastifyReply, allowed: ReadonlySet<string>) {
  const origin = request.headers.origin;
  if (origin === undefined || !allowed.has(origin)) return;
  void reply.headers({
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, x-namespace, authorization',
    'access-control-allow-credentials': 'true',
    'access-control-max-age': '600',
    vary: 'origin',
  });
}

function fromJson(payload: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, bytes(value)]),
    ),
    data: bytes(payload.data ?? ''),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, text(value)]),
    ),
    data: text(payload.data ?? new Uint8Array()),
  };
}

const bytes = (value: string) => new Uint8Array(Buffer.from(value, 'base64'));
const text = (value: Uint8Array | null) =>
  Buffer.from(value ?? new Uint8Array()).toString('base64');
