import { status as grpcStatus } from '@grpc/grpc-js';
import { MalformedRequestError } from '../../src/api/shared/malformed-request-error';
import {
  ERROR_STATUSES,
  gatewayErrorBody,
  GrpcStatus,
  toWireError,
} from '../../src/api/shared/error-mapping';
import { DomainError, ErrorCode } from '../../src/domain/errors';
import { SchedulerUnchangedError } from '../../src/domain/scheduler/patch';
import { SchedulerValidationError } from '../../src/domain/scheduler/validation';

describe('toWireError', () => {
  it.each([
    [ErrorCode.INVALID_ARGUMENT, 400, grpcStatus.INVALID_ARGUMENT],
    [ErrorCode.FAILED_PRECONDITION, 400, grpcStatus.FAILED_PRECONDITION],
    [ErrorCode.NOT_FOUND, 404, grpcStatus.NOT_FOUND],
    [ErrorCode.ALREADY_EXISTS, 409, grpcStatus.ALREADY_EXISTS],
    [ErrorCode.CONFLICT, 409, grpcStatus.ABORTED],
    [ErrorCode.RESOURCE_EXHAUSTED, 429, grpcStatus.RESOURCE_EXHAUSTED],
    [ErrorCode.UNAVAILABLE, 503, grpcStatus.UNAVAILABLE],
    [ErrorCode.UNAUTHENTICATED, 401, grpcStatus.UNAUTHENTICATED],
    [ErrorCode.INTERNAL, 500, grpcStatus.INTERNAL],
  ])(
    'answers HTTP %s → %i and gRPC %i with the message when a DomainError has that code',
    (code, http, grpc) => {
      const wire = toWireError(new DomainError(code, `something about ${code}`));

      expect(wire).toEqual({
        httpStatus: http,
        grpcStatus: grpc,
        message: `something about ${code}`,
        isUnexpected: code === ErrorCode.INTERNAL,
        ...(code === ErrorCode.UNAVAILABLE && { retryAfterSeconds: 2 }),
      });
    },
  );

  it('covers every error code when the table is read', () => {
    expect(Object.keys(ERROR_STATUSES).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('uses the codes grpc-js defines when the gRPC server answers', () => {
    for (const [name, code] of Object.entries(GrpcStatus)) {
      expect(grpcStatus[name as keyof typeof grpcStatus]).toBe(code);
    }
  });

  it('answers 400 INVALID_ARGUMENT with the Maestro message when the scheduler breaks rules', () => {
    const error = new SchedulerValidationError([
      { field: 'name', message: 'is required' },
      { field: 'spec.containers', message: 'must have at least 1 container' },
    ]);

    expect(toWireError(error)).toMatchObject({
      httpStatus: 400,
      grpcStatus: GrpcStatus.INVALID_ARGUMENT,
      message:
        'Validation Error:\nname: is required\nspec.containers: must have at least 1 container',
    });
  });

  it('answers 400 naming the field when the request could not be decoded', () => {
    const error = new MalformedRequestError([
      { field: 'roomsReplicas', message: 'must be an integer from -2147483648 to 2147483647' },
    ]);

    expect(toWireError(error)).toMatchObject({
      httpStatus: 400,
      grpcStatus: GrpcStatus.INVALID_ARGUMENT,
      message:
        'Validation Error:\nroomsReplicas: must be an integer from -2147483648 to 2147483647',
      isUnexpected: false,
    });
  });

  it('answers 409 ABORTED when a patch changes nothing', () => {
    expect(toWireError(new SchedulerUnchangedError('tennis'))).toMatchObject({
      httpStatus: 409,
      grpcStatus: GrpcStatus.ABORTED,
      message: 'no change found to scheduler tennis',
    });
  });

  it('answers 500 UNKNOWN with a generic message, flagged for logging, when the error is unexpected', () => {
    const leaky = new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');

    for (const error of [leaky, 'a string', undefined, { code: 'NOT_FOUND' }]) {
      expect(toWireError(error)).toEqual({
        httpStatus: 500,
        grpcStatus: GrpcStatus.UNKNOWN,
        message: 'internal error',
        isUnexpected: true,
      });
    }
  });

  it("keeps fastify's 4xx status, with the gRPC code it stands for, when fastify rejects the request (the client's mistake)", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    const libraryError = Object.assign(new Error('upstream said 404'), {
      code: 'ERR_UPSTREAM',
      statusCode: 404,
    });

    const unsupported = Object.assign(new Error('Unsupported Media Type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });

    expect(toWireError(tooLarge)).toEqual({
      httpStatus: 413,
      grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
      message: 'Request body is too large',
      isUnexpected: false,
    });
    expect(toWireError(unsupported)).toEqual({
      httpStatus: 415,
      grpcStatus: GrpcStatus.INVALID_ARGUMENT,
      message: 'Unsupported Media Type',
      isUnexpected: false,
    });
    expect(toWireError(libraryError)).toMatchObject({ httpStatus: 500, isUnexpected: true });
  });
});

describe('gatewayErrorBody', () => {
  it("writes grpc-gateway's error body when given a wire error", () => {
    const body = gatewayErrorBody(
      toWireError(new DomainError(ErrorCode.NOT_FOUND, 'scheduler x not found')),
    );

    expect(body).toEqual({ code: 5, message: 'scheduler x not found', details: [] });
    expect(JSON.stringify(body)).toBe('{"code":5,"message":"scheduler x not found","details":[]}');
  });
});
