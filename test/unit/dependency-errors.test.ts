import { connect } from 'node:net';
import { status as grpcStatus, Metadata } from '@grpc/grpc-js';
import { ServiceError } from '@temporalio/client';
import { DatabaseError } from 'pg';
import {
  isPostgresOutage,
  postgresCall,
  PostgresUnavailableError,
} from '../../src/adapters/postgres/postgres-errors';
import {
  TemporalUnavailableError,
  toTemporalError,
} from '../../src/adapters/temporal/temporal-errors';
import { toWireError } from '../../src/api/shared/error-mapping';
import { derivedOperationId } from '../../src/app/operation-ids';
import { Dependency, DependencyUnavailableError } from '../../src/domain/errors';

const sqlState = (code: string) => {
  const error = new DatabaseError('server says no', 0, 'error');
  error.code = code;
  return error;
};
const errno = (code: string, message = `connect ${code} 127.0.0.1:5432`) =>
  Object.assign(new Error(message), { code });
const grpcError = (code: grpcStatus, details: string) =>
  new ServiceError('Failed to call', {
    cause: Object.assign(new Error(`${code} ${details}`), {
      code,
      details,
      metadata: new Metadata(),
    }),
  });

describe('isPostgresOutage', () => {
  it.each([
    ['a refused connection', errno('ECONNREFUSED')],
    [
      'localhost refusing on every address',
      Object.assign(new AggregateError([]), { code: 'ECONNREFUSED' }),
    ],
    ['a reset connection', errno('ECONNRESET', 'read ECONNRESET')],
    ['a connection the server closed', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['an administrator shutdown (57P01)', sqlState('57P01')],
    ['a server starting up (57P03)', sqlState('57P03')],
    ['a connection exception (08006)', sqlState('08006')],
  ])('is an outage for %s', (_, error) => {
    expect(isPostgresOutage(error)).toBe(true);
  });

  it('is an outage for a refusal raised by Node itself (an error of another realm under jest)', async () => {
    const refusal = await new Promise<unknown>((resolve) => {
      // Port 1 on loopback: nothing listens there, so the kernel refuses at once.
      const socket = connect({ host: '127.0.0.1', port: 1 });
      socket.once('error', resolve);
    });
    expect(isPostgresOutage(refusal)).toBe(true);
  });

  it.each([
    ['a unique violation', sqlState('23505')],
    ['a syntax error', sqlState('42601')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'name')")],
    ['something that is not an error', 'boom'],
  ])('is not an outage for %s', (_, error) => {
    expect(isPostgresOutage(error)).toBe(false);
  });
});

describe('postgresCall', () => {
  it('answers 503 naming PostgreSQL with the cause when the server refuses connections', async () => {
    const failure = await postgresCall(() => Promise.reject(errno('ECONNREFUSED'))).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PostgresUnavailableError);
    expect(failure).toMatchObject({ dependency: Dependency.POSTGRESQL });
    expect(toWireError(failure)).toMatchObject({
      httpStatus: 503,
      grpcStatus: grpcStatus.UNAVAILABLE,
      message: 'PostgreSQL is unavailable: connect ECONNREFUSED 127.0.0.1:5432',
      retryAfterSeconds: 2,
    });
  });

  it('rethrows a violation as it is when the server answered', async () => {
    const violation = sqlState('23505');

    await expect(postgresCall(() => Promise.reject(violation))).rejects.toBe(violation);
  });
});

describe('toTemporalError', () => {
  const call = { action: 'reading operation op-1', timeoutMs: 5_000 };

  it('names Temporal and the deadline when the call timed out', () => {
    const error = toTemporalError(grpcError(grpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'), {
      ...call,
      unknownOutcome: 'operation op-1 may or may not be queued',
    });

    expect(error).toBeInstanceOf(TemporalUnavailableError);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(toWireError(error)).toMatchObject({
      httpStatus: 503,
      message:
        'Temporal is unavailable: no answer within 5 s while reading operation op-1; operation op-1 may or may not be queued; retry',
    });
  });

  it('names Temporal when the server refuses connections', () => {
    const error = toTemporalError(
      grpcError(grpcStatus.UNAVAILABLE, 'No connection established'),
      call,
    );

    expect(toWireError(error)).toMatchObject({
      httpStatus: 503,
      message: expect.stringMatching(
        /^Temporal is unavailable: reading operation op-1 failed: /,
      ) as unknown,
    });
  });

  it('leaves an answer of a working server as it is', () => {
    const notFound = grpcError(grpcStatus.NOT_FOUND, 'workflow not found');

    expect(toTemporalError(notFound, call)).toBe(notFound);
  });
});

describe('derivedOperationId', () => {
  it('gives the same UUID for the same parts and another for other parts', () => {
    const id = derivedOperationId('create_scheduler', 'game-a', '2026-12-04T20:00:00.000Z');

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedOperationId('create_scheduler', 'game-a', '2026-12-04T20:00:00.000Z')).toBe(id);
    expect(derivedOperationId('create_scheduler', 'game-a', '2026-12-04T20:00:01.000Z')).not.toBe(
      id,
    );
  });
});
