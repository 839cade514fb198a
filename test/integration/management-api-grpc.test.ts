/**
 * The Management API over native gRPC, through a grpc-js client built from the same descriptors:
 * the same use cases as HTTP on real PostgreSQL and Temporal (worker running), errors through the
 * same table; server reflection describes the services to generic clients.
 */
import path from 'node:path';
import {
  create,
  toBinary,
  toJson,
  type JsonObject,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Scheduler } from '../../src/gen/api/v1/messages_pb';
import {
  OperationsService,
  type GetOperationResponse,
  type ListOperationsResponse,
} from '../../src/gen/api/v1/operations_pb';
import {
  CreateSchedulerRequestSchema,
  GetSchedulerResponseSchema,
  SchedulersService,
  type CreateSchedulerResponse,
  type GetSchedulerResponse,
  type ListSchedulersResponse,
  type PatchSchedulerResponse,
} from '../../src/gen/api/v1/schedulers_pb';
import { buildManagementGrpcServer } from '../../src/api/management/grpc-server';
import { toGatewayJson } from '../../src/api/shared/gateway-json';
import { closeGrpc, listenGrpc } from '../../src/api/shared/grpc-listen';
import { grpcClient, rawGrpcCall } from '../support/management-api-grpc-client';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { OperationsHarness } from '../support/operations-harness';
import { reflect, reflectedService, servicesOf } from '../support/reflection-client';
import { eventually } from '../support/runtime-contract';

describe('Management API over native gRPC', () => {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  let schedulers: ReturnType<typeof grpcClient>;
  let operations: ReturnType<typeof grpcClient>;
  const name = (label: string) => `${label}-${harness.suffix}`;

  const createRequest = (scheduler: string) =>
    create(CreateSchedulerRequestSchema, {
      name: scheduler,
      game: 'tennis',
      maxSurge: '25%',
      portRange: harness.schedulerInput(scheduler).portRange,
      spec: {
        terminationGracePeriod: durationFromMs(5_000),
        containers: [
          {
            name: 'game',
            image: 'sample-game-room',
            imagePullPolicy: 'IfNotPresent',
            command: ['node', path.resolve(__dirname, '../../examples/game-room/index.js')],
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '100m', memory: '64Mi' },
            ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
          },
        ],
      },
      forwarders: [
        { name: 'mm', enable: true, type: 'gRPC', address: 'mm:9000', options: { timeout: 250n } },
      ],
    });

  const rejection = async (promise: Promise<unknown>): Promise<ServiceError> => {
    try {
      await promise;
    } catch (error) {
      return error as ServiceError;
    }
    throw new Error('the call succeeded');
  };

  beforeAll(async () => {
    await harness.start();
    api = await startManagementApi(harness);
    schedulers = grpcClient(SchedulersService, api.grpcAddress);
    operations = grpcClient(OperationsService, api.grpcAddress);
  });
  afterAll(async () => {
    schedulers.close();
    operations.close();
    await api.close();
    await harness.stop();
  });
  afterEach(() => expect(api.problems()).toEqual([]));

  it('creates a scheduler, gets it and lists its create_scheduler operation when called over gRPC', async () => {
    const scheduler = name('created');

    const created = await schedulers.call<CreateSchedulerResponse>(
      'createScheduler',
      createRequest(scheduler),
    );
    await eventually(async () => {
      const got = await schedulers.call<GetSchedulerResponse>('getScheduler', {
        schedulerName: scheduler,
      });
      expect(got.scheduler?.state).toBe('in-sync');
    });
    const listed = await schedulers.call<ListSchedulersResponse>('listSchedulers', {
      name: scheduler,
    });
    // The final listing learns of the operation by signal, possibly after the state changed.
    let final = {} as ListOperationsResponse;
    await eventually(async () => {
      final = await operations.call<ListOperationsResponse>('listOperations', {
        schedulerName: scheduler,
        stage: 'final',
      });
      expect(final.operations).toHaveLength(1);
    });
    const detail = await operations.call<GetOperationResponse>('getOperation', {
      schedulerName: scheduler,
      operationId: final.operations[0]?.id,
    });
    const overHttp = await call(api, 'GET', `/schedulers/${scheduler}`);

    expect(created.scheduler).toMatchObject<Partial<Scheduler>>({
      name: scheduler,
      game: 'tennis',
      state: 'creating',
      maxSurge: '25%',
    });
    expect(created.scheduler?.matchAllocation?.maxMatches).toBe(1);
    expect(created.scheduler?.spec?.version).toBe('v1.0.0');
    expect(created.scheduler?.forwarders[0]?.options?.timeout).toBe(250n);
    expect(listed.schedulers.map((s) => s.name)).toEqual([scheduler]);
    expect(final).toMatchObject({ page: 1, pageSize: 15, total: 1 });
    expect(final.operations.map((op) => [op.definitionName, op.status])).toEqual([
      ['create_scheduler', 'finished'],
    ]);
    expect(detail.operation?.executionHistory.map((e) => e.event)).toEqual([
      'Created',
      'Starting operation',
      'Operation finished',
    ]);
    expect(overHttp.status).toBe(200);
  });

  /** A schedule policy (a window asking a webhook, with a fallback) and scale to zero. */
  const scheduledAutoscaling = (webhookUrl: string, min: number) => ({
    enabled: true,
    min,
    max: 20,
    cooldown: 0,
    scaleToZero: { idleAfter: '20m' },
    policy: {
      type: 'schedule',
      parameters: {
        schedule: {
          windows: [
            {
              start: '0 18 * * 1-5',
              duration: '5h',
              timeZone: 'Europe/Berlin',
              leadTime: '30m',
              policy: {
                type: 'webhook',
                parameters: {
                  webhook: {
                    url: webhookUrl,
                    fallback: {
                      type: 'policy',
                      policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 3 } } },
                    },
                  },
                },
              },
            },
          ],
          default: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } },
        },
      },
    },
  });
  const bodyWith = (scheduler: string, autoscaling: JsonObject) => ({
    ...(toJson(CreateSchedulerRequestSchema, createRequest(scheduler)) as JsonObject),
    autoscaling,
  });

  it('returns a schedule policy and scaleToZero the same over gRPC and HTTP when the scheduler was created over HTTP', async () => {
    const scheduler = name('scheduled');
    const autoscaling = scheduledAutoscaling('https://capacity.example.com/desired', 0);

    const created = await call(api, 'POST', '/schedulers', bodyWith(scheduler, autoscaling));
    let overGrpc = {} as GetSchedulerResponse;
    await eventually(async () => {
      overGrpc = await schedulers.call<GetSchedulerResponse>('getScheduler', {
        schedulerName: scheduler,
      });
      expect(overGrpc.scheduler?.state).toBe('in-sync');
    });
    const overHttp = await call(api, 'GET', `/schedulers/${scheduler}`);

    expect(created.status).toBe(200);
    const window = autoscaling.policy.parameters.schedule.windows[0]!;
    expect(overHttp.body).toHaveProperty('scheduler.autoscaling', {
      ...autoscaling,
      scaleToZero: { idleAfter: '20m', allocateWait: '30s' },
      policy: {
        type: 'schedule',
        parameters: {
          schedule: {
            ...autoscaling.policy.parameters.schedule,
            windows: [
              {
                ...window,
                policy: {
                  type: 'webhook',
                  parameters: {
                    webhook: {
                      ...window.policy.parameters.webhook,
                      timeout: '2s',
                      interval: '15s',
                    },
                  },
                },
              },
            ],
          },
        },
      },
    });
    expect(toGatewayJson(GetSchedulerResponseSchema, overGrpc)).toEqual(overHttp.body);
  });

  it('replaces the policy and sets scaleToZero when a patch over gRPC names them', async () => {
    const scheduler = name('patched-policy');
    await schedulers.call('createScheduler', createRequest(scheduler));
    const fixedBuffer = { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 2 } } };
    const chain = {
      type: 'chain',
      parameters: {
        chain: {
          entries: [
            {
              window: { start: '0 9 * * 6,0', duration: '12h', timeZone: 'America/Sao_Paulo' },
              policy: fixedBuffer,
            },
          ],
          default: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } },
        },
      },
    };

    const patched = await schedulers.call<PatchSchedulerResponse>('patchScheduler', {
      name: scheduler,
      autoscaling: {
        enabled: true,
        min: 0,
        max: 5,
        policy: chain,
        scaleToZero: { allocateWait: '10s' },
      },
    });
    let overHttp: Awaited<ReturnType<typeof call>> = { status: 0, body: undefined };
    await eventually(async () => {
      overHttp = await call(api, 'GET', `/schedulers/${scheduler}`);
      expect(overHttp.body).toHaveProperty('scheduler.spec.version', 'v1.1.0');
    });

    expect(patched.operationId).not.toBe('');
    expect(overHttp.body).toHaveProperty('scheduler.autoscaling', {
      enabled: true,
      min: 0,
      max: 5,
      cooldown: 0,
      policy: chain,
      scaleToZero: { idleAfter: '15m', allocateWait: '10s' },
    });
  });

  it('answers 400 naming every bad field of a schedule policy and scaleToZero', async () => {
    const scheduler = name('bad-schedule');
    const autoscaling = scheduledAutoscaling('http://capacity.example.com/desired', 2);
    const window = autoscaling.policy.parameters.schedule.windows[0]!;
    Object.assign(window, { start: '0 18 * *', duration: '90', timeZone: 'Berlin' });
    window.policy.parameters.webhook.fallback = { type: 'policy' } as never;

    const refused = await call(api, 'POST', '/schedulers', bodyWith(scheduler, autoscaling));

    const at = 'autoscaling.policy.parameters.schedule.windows[0]';
    expect(refused).toEqual({
      status: 400,
      body: {
        code: 3,
        message: [
          'Validation Error:',
          `${at}.start: must have 5 fields (minute hour day-of-month month day-of-week), got 4`,
          `${at}.duration: must be a duration such as 90m, 5h, 1h30m or 500ms`,
          `${at}.timeZone: must be an IANA time zone such as Europe/Berlin`,
          `${at}.policy.parameters.webhook.url: must be an https:// URL`,
          `${at}.policy.parameters.webhook.fallback.policy: is required when type is policy`,
          'autoscaling.scaleToZero: applies only when min is 0 (min is 2)',
        ].join('\n'),
        details: [],
      },
    });
    expect(await harness.schedulers.getScheduler(scheduler)).toBeUndefined();
  });

  it('answers NOT_FOUND naming the scheduler when it does not exist', async () => {
    const missing = name('missing');

    const error = await rejection(schedulers.call('getScheduler', { schedulerName: missing }));
    const deletion = await rejection(
      schedulers.call('deleteScheduler', { schedulerName: missing }),
    );

    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe(`scheduler ${missing} not found`);
    expect(deletion.code).toBe(status.NOT_FOUND);
  });

  it('answers INVALID_ARGUMENT to an empty or over-4096-character operation id and NOT_FOUND to an unknown one, or one too long for Temporal', async () => {
    const schedulerName = name('no-operation');
    const request = (operationId: string) => ({ schedulerName, operationId });

    const empty = await rejection(operations.call('getOperation', request('')));
    const emptyCancel = await rejection(operations.call('cancelOperation', request('')));
    const unknown = await rejection(
      operations.call('getOperation', request('5d8b0b52-6f3c-4a55-9bd2-1f0d6ab1c0de')),
    );
    const tooLongForTemporal = await rejection(
      operations.call('getOperation', request('x'.repeat(2_000))),
    );
    const overlong = await rejection(operations.call('getOperation', request('x'.repeat(5_000))));

    expect([empty.code, empty.details]).toEqual([
      status.INVALID_ARGUMENT,
      'Validation Error:\noperationId: must not be empty',
    ]);
    expect(emptyCancel.code).toBe(status.INVALID_ARGUMENT);
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(tooLongForTemporal.code).toBe(status.NOT_FOUND);
    expect([overlong.code, overlong.details]).toEqual([
      status.INVALID_ARGUMENT,
      'Validation Error:\noperationId: must be at most 4096 characters',
    ]);
  });

  it('answers INVALID_ARGUMENT listing every broken field when the scheduler is invalid', async () => {
    const request = createRequest('Bad_Name');
    request.spec = undefined;
    request.maxSurge = '0';

    const error = await rejection(schedulers.call('createScheduler', request));

    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details.split('\n')).toEqual([
      'Validation Error:',
      'name: must contain only lowercase letters, digits and "-", and start and end with a letter or digit (RFC 1123)',
      'spec.terminationGracePeriod: must be greater than 0',
      'spec.containers: must have at least 1 container',
      'maxSurge: must be an integer of at least 1 or a percentage from 1% to 100%',
    ]);
    expect(await harness.schedulers.getScheduler('Bad_Name')).toBeUndefined();
  });

  it('answers INVALID_ARGUMENT naming the field when the request bytes cannot be decoded', async () => {
    const valid = toBinary(CreateSchedulerRequestSchema, createRequest(name('bytes')));
    const badUtf8InGame = Buffer.from([...valid, 0x12, 0x02, 0xc3, 0x28]);
    const truncatedSpec = Buffer.from([...valid, 0x1a, 0x40, 0x0a]);
    const deepMetadata = create(CreateSchedulerRequestSchema, createRequest(name('deep')));
    let nested: JsonValue = [];
    for (let depth = 0; depth < 200; depth++) nested = [nested];
    deepMetadata.forwarders[0]!.options!.metadata = { nested };

    const utf8 = await rejection(
      rawGrpcCall(schedulers.client, '/api.v1.SchedulersService/CreateScheduler', badUtf8InGame),
    );
    const truncated = await rejection(
      rawGrpcCall(schedulers.client, '/api.v1.SchedulersService/CreateScheduler', truncatedSpec),
    );

    expect([utf8.code, utf8.details]).toEqual([
      status.INVALID_ARGUMENT,
      'Validation Error:\ngame: must be valid UTF-8',
    ]);
    expect([truncated.code, truncated.details]).toEqual([
      status.INVALID_ARGUMENT,
      'Validation Error:\nspec: is truncated or malformed',
    ]);
    const deep = await rejection(
      rawGrpcCall(
        schedulers.client,
        '/api.v1.SchedulersService/CreateScheduler',
        Buffer.from(toBinary(CreateSchedulerRequestSchema, deepMetadata)),
      ),
    );
    expect(deep.code).toBe(status.INVALID_ARGUMENT);
    expect(deep.details).toMatch(
      /^Validation Error:\nforwarders\[0\]\.options\.metadata: is not a valid google\.protobuf\.Struct \(.*maximum recursion/,
    );
  });

  it('answers ABORTED to an empty patch and UNIMPLEMENTED to an unknown method', async () => {
    const scheduler = name('patch');
    await schedulers.call('createScheduler', createRequest(scheduler));

    const empty = await rejection(
      schedulers.call<PatchSchedulerResponse>('patchScheduler', { name: scheduler }),
    );
    const unknown = await rejection(
      rawGrpcCall(schedulers.client, '/api.v1.SchedulersService/NoSuchMethod', Buffer.alloc(0)),
    );

    expect([empty.code, empty.details]).toEqual([
      status.ABORTED,
      `no change found to scheduler ${scheduler}`,
    ]);
    expect(unknown.code).toBe(status.UNIMPLEMENTED);
  });

  it('describes its services over server reflection, enough for a client with no .proto to call them', async () => {
    const scheduler = name('reflected');
    await schedulers.call('createScheduler', createRequest(scheduler));
    const [list] = await reflect(api.grpcAddress, [
      { messageRequest: { case: 'listServices', value: '*' } },
    ]);
    const reflectedSchedulers = await reflectedService(api.grpcAddress, 'api.v1.SchedulersService');
    const reflectedOperations = await reflectedService(
      api.grpcAddress,
      'api.v1.OperationsService',
      'v1alpha',
    );
    const generic = grpcClient(reflectedSchedulers, api.grpcAddress);

    const got = await generic.call<Message>('getScheduler', { schedulerName: scheduler });
    generic.close();

    expect(servicesOf(list).sort()).toEqual([
      'api.v1.OperationsService',
      'api.v1.SchedulerRoomsService',
      'api.v1.SchedulersService',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
    expect(reflectedOperations.methods.map((method) => method.name)).toEqual(
      OperationsService.methods.map((method) => method.name),
    );
    expect(got.$typeName).toBe('api.v1.GetSchedulerResponse');
    expect(toJson(reflectedSchedulers.method['getScheduler']!.output, got)).toMatchObject({
      scheduler: { name: scheduler, game: 'tennis' },
    });
  });

  it('answers UNIMPLEMENTED to reflection when MAESTRO_GRPC_REFLECTION is off', async () => {
    const server = buildManagementGrpcServer(api.deps, { shouldServeReflection: false });
    const port = await listenGrpc(server, '127.0.0.1', 0);

    const refused = await rejection(
      reflect(`127.0.0.1:${port}`, [{ messageRequest: { case: 'listServices', value: '*' } }]),
    );
    await closeGrpc(server, 1_000);

    expect(refused.code).toBe(status.UNIMPLEMENTED);
  });
});
