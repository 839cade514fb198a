/**
 * Property tests of the Management API's native gRPC requests: every string field of every request
 * of both services (nested ones too) with NUL and other control characters, invalid UTF-8 bytes,
 * over-long values and any Unicode, against the real server, use cases, PostgreSQL and Temporal.
 * Nothing is answered INTERNAL or UNKNOWN, refused values are named with their rule, and nothing is
 * stored.
 */
import type { DescMessage, JsonObject } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { Client as PgClient } from 'pg';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import { grpcClient, rawGrpcCall } from '../support/management-api-grpc-client';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { fuzzSettings, nastyText } from '../support/nasty-input';
import { OperationsHarness } from '../support/operations-harness';
import {
  expectedRefusalDetails,
  nastyRequestBytes,
  stringFieldsOf,
  type StringField,
} from '../support/grpc-fuzz';
import { validBody } from '../support/scheduler-fuzz';

const OPERATION_ID = '5b0e3f5a-0c1f-4c55-9d0e-000000000000';

/**
 * An ordinary request of every RPC: reads name the scheduler that exists, writes one that does not
 * (CreateScheduler the one that exists), so that no request that gets through stores anything.
 */
function ordinaryRequests(existing: string, absent: string): Record<string, JsonObject> {
  return {
    ListSchedulers: { name: existing, game: 'fuzz', version: 'v1.0.0' },
    GetScheduler: { schedulerName: existing, version: 'v1.0.0' },
    CreateScheduler: validBody(existing) as JsonObject,
    NewSchedulerVersion: validBody(absent) as JsonObject,
    PatchScheduler: { name: absent, maxSurge: '10%', labels: { tier: 'x' } },
    GetSchedulerVersions: { schedulerName: existing },
    SwitchActiveVersion: { schedulerName: absent, version: 'v1.0.0' },
    GetSchedulersInfo: { game: 'fuzz' },
    DeleteScheduler: { schedulerName: absent },
    ListOperations: { schedulerName: absent, stage: 'pending', orderBy: 'createdAt' },
    CancelOperation: { schedulerName: absent, operationId: OPERATION_ID },
    GetOperation: { schedulerName: absent, operationId: OPERATION_ID },
  };
}

interface Target {
  path: string;
  input: DescMessage;
  base: JsonObject;
  field: StringField;
}

describe('Management API under nasty gRPC request fields', () => {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  let grpc: ReturnType<typeof grpcClient>;
  const existing = () => `input-${harness.suffix}`;

  const targets = (): Target[] => {
    const bases = ordinaryRequests(existing(), `absent-${harness.suffix}`);
    return [SchedulersService, OperationsService].flatMap((service) =>
      service.methods.flatMap((method) => {
        const base = bases[method.name];
        if (!base) throw new Error(`no ordinary request for ${method.name}`);
        return stringFieldsOf(method.input, base).map((field) => ({
          path: `/${service.typeName}/${method.name}`,
          input: method.input,
          base,
          field,
        }));
      }),
    );
  };
  const stored = async () => {
    const client = new PgClient({ connectionString: harness.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        `SELECT (SELECT count(*) FROM schedulers) + (SELECT count(*) FROM scheduler_versions) AS count`,
      );
      const workflows = await harness.client.workflow.count(`TaskQueue = '${harness.taskQueue}'`);
      return { rows: Number(rows[0]?.count), workflows: workflows.count };
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await harness.start({ runWorker: false });
    api = await startManagementApi(harness);
    grpc = grpcClient(SchedulersService, api.grpcAddress);
    expect((await call(api, 'POST', '/schedulers', validBody(existing()))).status).toBe(200);
  });
  afterAll(async () => {
    grpc.close();
    await api.close();
    await harness.stop();
  });

  it('covers every string field of every request, nested ones included', () => {
    const paths = targets().map((target) => `${target.input.name}.${target.field.path}`);

    expect(paths).toEqual(
      expect.arrayContaining([
        'GetSchedulerRequest.schedulerName',
        'ListOperationsRequest.stage',
        'CreateSchedulerRequest.spec.containers[0].image',
        'CreateSchedulerRequest.forwarders[0].address',
        'CreateSchedulerRequest.annotations.owner',
      ]),
    );
  });

  it('never answers INTERNAL and names every refused field when 800 requests carry nasty text', async () => {
    const before = await stored();

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets()), nastyText, async (target, nasty) => {
        const bytes = nastyRequestBytes(target.input, target.base, target.field, nasty);
        const error = await rawGrpcCall(grpc.client, target.path, bytes).then(
          () => undefined,
          (failure: ServiceError) => failure,
        );

        expect([status.UNKNOWN, status.INTERNAL]).not.toContain(error?.code);
        // A scheduler definition refuses NUL anywhere in it, nested fields included.
        if (nasty.kind === 'nul' && target.path.endsWith('/CreateScheduler')) {
          expect(error?.code).toBe(status.INVALID_ARGUMENT);
          expect(error?.details).toContain(': must not contain NUL characters');
        }
        const details = expectedRefusalDetails(target.field, nasty);
        if (details !== undefined) {
          expect({ code: error?.code, details: error?.details }).toEqual({
            code: status.INVALID_ARGUMENT,
            details,
          });
        }
      }),
      fuzzSettings(800),
    );

    expect(api.problems()).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('answers INVALID_ARGUMENT naming the field when a scheduler name holds NUL (regression)', async () => {
    const failure = await grpc.call('getScheduler', { schedulerName: '\u0000bad' }).then(
      () => undefined,
      (error: ServiceError) => error,
    );

    expect({ code: failure?.code, details: failure?.details }).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'Validation Error:\nschedulerName: must not contain NUL characters',
    });
  });
});
