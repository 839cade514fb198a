/**
 * Property tests: thousands of malformed CreateScheduler payloads against the real server (HTTP and
 * native gRPC) on the real use cases, PostgreSQL and Temporal. Every one must be refused as the
 * client's mistake, naming a field, and none may leave anything behind.
 */
import { create, fromJson, toBinary, type JsonValue } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import { WorkflowNotFoundError } from '@temporalio/client';
import fc from 'fast-check';
import { Client as PgClient } from 'pg';
import {
  CreateSchedulerRequestSchema,
  SchedulersService,
} from '../../src/gen/api/v1/schedulers_pb';
import { schedulerWorkflowId } from '../../workflows/messages';
import { grpcClient, rawGrpcCall } from '../support/management-api-grpc-client';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';
import {
  defectiveBody,
  malformedText,
  undecodableSuffix,
  validBody,
} from '../support/scheduler-fuzz';

const TOP_LEVEL_FIELDS = [
  'name',
  'game',
  'spec',
  'portRange',
  'maxSurge',
  'roomsReplicas',
  'autoscaling',
  'forwarders',
  'annotations',
  'labels',
  'matchAllocation',
];

/**
 * Matches a message of `Validation Error:` then a line starting with a request field (or with
 * `whole`, the payload as a whole).
 */
const namesAField = (whole: string): unknown =>
  expect.stringMatching(
    new RegExp(`^Validation Error:\\n(${[...TOP_LEVEL_FIELDS, whole].join('|')})([.[]|: )`),
  );

describe('Management API under malformed CreateScheduler payloads', () => {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  let grpc: ReturnType<typeof grpcClient>;
  const name = () => `fuzz-${harness.suffix}`;

  const rowCount = async (table: 'schedulers' | 'scheduler_versions') => {
    const client = new PgClient({ connectionString: harness.database.url });
    await client.connect();
    try {
      const result = await client.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
      return Number(result.rows[0]?.count);
    } finally {
      await client.end();
    }
  };
  const schedulerWorkflows = async () =>
    (await harness.client.workflow.count(`TaskQueue = '${harness.taskQueue}'`)).count;

  async function expectNothingStored() {
    expect(await rowCount('schedulers')).toBe(0);
    expect(await rowCount('scheduler_versions')).toBe(0);
    expect(await schedulerWorkflows()).toBe(0);
    await expect(
      harness.client.workflow.getHandle(schedulerWorkflowId(name())).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(api.problems()).toEqual([]);
  }

  beforeAll(async () => {
    await harness.start({ runWorker: false });
    api = await startManagementApi(harness);
    grpc = grpcClient(SchedulersService, api.grpcAddress);
  });
  afterAll(async () => {
    grpc.close();
    await api.close();
    await harness.stop();
  });

  it('answers 400 naming a field and stores nothing when POST /schedulers gets 3000 malformed bodies', async () => {
    let runs = 0;
    const payloads = fc.oneof(
      { weight: 4, arbitrary: defectiveBody(name()).map((body) => JSON.stringify(body)) },
      { weight: 1, arbitrary: malformedText(name()) },
    );

    await fc.assert(
      fc.asyncProperty(payloads, async (payload) => {
        runs += 1;
        const response = await fetch(`${api.baseUrl}/schedulers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
        });
        const body = (await response.json()) as { code: number; message: string };

        expect({ status: response.status, body }).toEqual({
          status: 400,
          body: { code: 3, message: namesAField('body'), details: [] },
        });
      }),
      { numRuns: 3000 },
    );

    expect(runs).toBeGreaterThanOrEqual(3000);
    await expectNothingStored();
  });

  it('answers INVALID_ARGUMENT naming a field and stores nothing when CreateScheduler gets 1500 malformed requests', async () => {
    let runs = 0;
    const valid = toBinary(
      CreateSchedulerRequestSchema,
      fromJson(CreateSchedulerRequestSchema, validBody(name()) as JsonValue),
    );
    const requests = fc
      .record({ body: defectiveBody(name()), suffix: undecodableSuffix, isCorrupted: fc.boolean() })
      .map(({ body, suffix, isCorrupted }) => {
        let decoded;
        try {
          decoded = fromJson(CreateSchedulerRequestSchema, body as JsonValue, {
            ignoreUnknownFields: true,
          });
        } catch {
          // a body no typed client could encode: corrupt a valid encoding instead
          return Buffer.from([...valid, ...suffix]);
        }
        const bytes = toBinary(
          CreateSchedulerRequestSchema,
          create(CreateSchedulerRequestSchema, decoded),
        );
        return Buffer.from(isCorrupted ? [...bytes, ...suffix] : bytes);
      });

    await fc.assert(
      fc.asyncProperty(requests, async (bytes) => {
        runs += 1;
        const error = await rawGrpcCall(
          grpc.client,
          '/api.v1.SchedulersService/CreateScheduler',
          bytes,
        ).then(
          () => undefined,
          (failure: ServiceError) => failure,
        );

        expect({ code: error?.code, details: error?.details }).toEqual({
          code: status.INVALID_ARGUMENT,
          details: namesAField('request'),
        });
      }),
      { numRuns: 1500 },
    );

    expect(runs).toBeGreaterThanOrEqual(1500);
    await expectNothingStored();
  });

  it('sees the row and the scheduler workflow when one valid scheduler is sent (the checks above can fail)', async () => {
    const response = await call(api, 'POST', '/schedulers', validBody(name()));

    expect(response.status).toBe(200);
    expect(await rowCount('schedulers')).toBe(1);
    await eventually(async () => expect(await schedulerWorkflows()).toBe(1));
    await harness.client.workflow.getHandle(schedulerWorkflowId(name())).terminate('test over');
  });
});
