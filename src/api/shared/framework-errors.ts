/**
 * Errors raised before a request reaches its route — by fastify's router (a path that is not valid
 * percent-encoded UTF-8, a path variable over the length limit) or by Node's HTTP parser (headers
 * too large, a malformed request) — answered like every other error: grpc-gateway's body
 * `{code, message, details}`, with the framework's HTTP status and, where the router got that far,
 * a `Validation Error:` naming the path variable.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ValidationProblem } from '../../domain/scheduler/validation';
import { frameworkWireError, gatewayErrorBody, toWireError } from './error-mapping';
import type { HttpBinding } from './http-bindings';
import { MalformedRequestError } from './malformed-request-error';
import { MAX_TEXT_LENGTH, TEXT_RULES, textProblem } from './request-text';

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/** The path variables of `path` that cannot be decoded or are too long, by their JSON names. */
export function pathProblems(
  bindings: readonly HttpBinding[],
  method: string,
  path: string,
): ValidationProblem[] {
  const matching = bindings.filter((candidate) => candidate.pathPattern.test(path));
  const binding = matching.find((candidate) => candidate.verb === method) ?? matching[0];
  if (!binding) return [];
  const segments = path.split('/');
  const variables = binding.template
    .split('/')
    .flatMap((part, index) => (part.startsWith('{') ? [index] : []));
  return variables.flatMap((segmentIndex, variable) => {
    const field = binding.pathFields[variable]?.jsonName ?? 'path';
    const decoded = decodeSegment(segments[segmentIndex] ?? '');
    if (decoded === undefined) {
      return [{ field, message: `${TEXT_RULES.utf8} (percent-encoded)` }];
    }
    return [textProblem(field, decoded) ?? []].flat();
  });
}

/** What the whole path is told when no path variable can be blamed. */
const WHOLE_PATH: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: `${TEXT_RULES.utf8} (percent-encoded)`,
  FST_ERR_MAX_PARAM_LENGTH: `must have segments of at most ${MAX_TEXT_LENGTH} characters`,
};

/** fastify's `frameworkErrors`: router errors in the API's error format. */
export function routerErrorHandler(bindings: readonly HttpBinding[]) {
  return (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
    const path = (request.raw.url ?? '').split('?')[0] ?? '';
    const wire = toWireError(error);
    const whole = WHOLE_PATH[error.code ?? ''];
    const problems = pathProblems(bindings, request.raw.method ?? '', path);
    const message =
      problems.length > 0
        ? new MalformedRequestError(problems).message
        : whole === undefined
          ? wire.message
          : new MalformedRequestError([{ field: 'path', message: whole }]).message;
    void reply.code(wire.httpStatus).send(gatewayErrorBody({ ...wire, message }));
  };
}

/** The HTTP status Node's parser errors are answered with (its `clientError` event). */
const CLIENT_ERROR_STATUSES: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/** fastify's `clientErrorHandler`: the answer to a request Node could not even parse. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = CLIENT_ERROR_STATUSES[error.code ?? ''] ?? 400;
  const reason = STATUS_CODES[status] ?? 'Bad Request';
  const body = JSON.stringify(gatewayErrorBody(frameworkWireError(status, reason)));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
