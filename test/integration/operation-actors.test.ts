/**
 * Audit: who asked for each operation (and who canceled one), through the real Management API
 * (its RPC implementations called with a verified principal in the call context, as access
 * control leaves it; HTTP and gRPC to read), Temporal with the production workflows, PostgreSQL.
 */
import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { managementMethods } from '../../src/api/management/management-service';
import type { Principal } from '../../src/domain/access/principal';
import { OperationsService, type GetOperationResponse } from '../../src/gen/api/v1/operations_pb';
import { grpcClient } from '../support/management-api-grpc-client';
import {
  call,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

type Json = Record<string, unknown>;
type OperationRow = Json & { id: string; definitionName: string };

describe('operations record who asked for them', () => {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  let operations: ReturnType<typeof grpcClient>;
  const name = (label: string) => `${label}-${harness.suffix}`;
  const alice: Principal = {
    subject: name('alice'),
    credentialId: 'key-alice-1',
    kind: 'api_key',
    grants: [{ role: 'admin', game: '*' }],
  };
  const bob: Principal = {
    subject: name('bob'),
    credentialId: 'https://idp.example.test/#jti-9',
    kind: 'oidc',
    grants: [{ role: 'admin', game: 'tennis' }],
  };
  const actorOf = ({ subject, credentialId, kind }: Principal) => ({ subject, credentialId, kind });
  const systemActor = { subject: 'maestro:system', credentialId: '', kind: 'system' };

  /** Calls one RPC as the transports do once access control has verified `principal`. */
  async function rpcAs(principal: Principal, method: string, request: Json): Promise<Json> {
    const rpc = managementMethods(api.deps).find((bound) => bound.method.localName === method)!;
    const message = fromJson(rpc.method.input, request as JsonValue);
    const response = await rpc.invoke(message, { principal, jsonBody: request });
    return toJson(rpc.method.output, response) as Json;
  }
  const http = async (path: string) => (await call(api, 'GET', path)).body as Json;
  const finalRows = async (scheduler: string) =>
    (await http(`/schedulers/${scheduler}/operations?stage=final`))['operations'] as OperationRow[];
  async function finalRow(scheduler: string, definitionName: string): Promise<OperationRow> {
    let row: OperationRow | undefined;
    await eventually(async () => {
      row = (await finalRows(scheduler)).find((op) => op.definitionName === definitionName);
      expect(row).toBeDefined();
    });
    return row!;
  }
  /** The workflow ids a visibility query finds (visibility lags: poll with `eventually`). */
  async function workflowIds(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of harness.client.workflow.list({ query })) {
      ids.push(execution.workflowId);
    }
    return ids.sort();
  }
  async function createdAs(principal: Principal, label: string, overrides: Json = {}) {
    const scheduler = name(label);
    const { spec, ...input } = harness.schedulerInput(scheduler, overrides);
    const { terminationGracePeriodMs, ...rest } = spec;
    await rpcAs(principal, 'createScheduler', {
      ...input,
      spec: { ...rest, terminationGracePeriod: `${terminationGracePeriodMs / 1000}s` },
    });
    return scheduler;
  }

  beforeAll(async () => {
    // Health checks on (nudged every second): the health controller acts by itself.
    await harness.start({ healthControllerIntervalMs: 3_600_000 });
    api = await startManagementApi(harness);
    operations = grpcClient(OperationsService, api.grpcAddress);
  });
  afterAll(async () => {
    operations.close();
    await api.close();
    await harness.stop();
  });
  afterEach(() => expect(api.problems()).toEqual([]));

  it('shows the creator and the patcher on the operations over HTTP and gRPC when calls carry a principal', async () => {
    const scheduler = await createdAs(alice, 'audited');
    const create = await finalRow(scheduler, 'create_scheduler');
    const patch = await rpcAs(bob, 'patchScheduler', { name: scheduler, maxSurge: '50%' });
    const switchRow = await finalRow(scheduler, 'switch_active_version');

    const overHttp = await http(`/schedulers/${scheduler}/operations/${create.id}`);
    const patched = await http(
      `/schedulers/${scheduler}/operations/${String(patch['operationId'])}`,
    );
    const overGrpc = await operations.call<GetOperationResponse>('getOperation', {
      schedulerName: scheduler,
      operationId: create.id,
    });

    expect(create['actor']).toEqual(actorOf(alice));
    expect(overHttp['operation']).toMatchObject({ id: create.id, actor: actorOf(alice) });
    expect(overGrpc.operation?.actor).toMatchObject(actorOf(alice));
    expect(patched['operation']).toMatchObject({
      definitionName: 'create_new_scheduler_version',
      actor: actorOf(bob),
    });
    // The switch the new version queued by itself runs on behalf of the one who asked for it.
    expect(switchRow['actor']).toEqual(actorOf(bob));
  });

  it('finds every operation a subject asked for with the MaestroActor search attribute', async () => {
    const scheduler = await createdAs(bob, 'searched');
    const create = await finalRow(scheduler, 'create_scheduler');
    const deletion = await rpcAs(bob, 'deleteScheduler', { schedulerName: scheduler });
    await harness.waitForOperation(scheduler, String(deletion['operationId']), 'finished');

    const query = `MaestroActor = "${bob.subject}" AND MaestroScheduler = "${scheduler}"`;

    await eventually(async () =>
      expect(await workflowIds(query)).toEqual([create.id, String(deletion['operationId'])].sort()),
    );
  });

  it('records who canceled a pending operation in its history and canceledBy', async () => {
    const scheduler = await createdAs(alice, 'canceled');
    const slow = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 10 });
    const pending = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 3 });

    await rpcAs(bob, 'cancelOperation', { schedulerName: scheduler, operationId: pending });
    const canceled = await harness.waitForOperation(scheduler, pending, 'canceled');
    const overHttp = await http(`/schedulers/${scheduler}/operations/${pending}`);
    await harness.waitForOperation(scheduler, slow, 'finished');

    expect(canceled.executionHistory.map((e) => e.event)).toContain(
      `Operation canceled while pending (${bob.subject}, credential ${bob.credentialId})`,
    );
    expect(overHttp['operation']).toMatchObject({ canceledBy: actorOf(bob) });
    // Enqueued without an actor (as by code that predates audit): none is shown.
    expect(overHttp['operation']).not.toHaveProperty('actor');
  });

  it('names who canceled a running operation in the history line of its rollback', async () => {
    const spec = harness.schedulerInput('x').spec;
    const scheduler = await createdAs(alice, 'rolled-back', {
      spec: {
        ...spec,
        terminationGracePeriodMs: 8_000,
        containers: [
          { ...spec.containers[0]!, command: ['sh', '-c', 'trap "" TERM; exec sleep 300'] },
        ],
      },
    });
    const added = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await harness.waitForOperation(scheduler, added, 'finished');
    const deletion = String(
      (await rpcAs(bob, 'deleteScheduler', { schedulerName: scheduler }))['operationId'],
    );
    await harness.waitForOperation(scheduler, deletion, 'in_progress');

    await rpcAs(alice, 'cancelOperation', { schedulerName: scheduler, operationId: deletion });
    const canceled = await harness.waitForOperation(scheduler, deletion, 'canceled');

    expect(canceled.actor).toEqual(actorOf(bob));
    expect(canceled.canceledBy).toEqual(actorOf(alice));
    expect(canceled.executionHistory.map((e) => e.event)).toEqual(
      expect.arrayContaining([
        `Operation canceled by the user (${alice.subject}, credential ${alice.credentialId})`,
        'Starting operation rollback',
      ]),
    );
    await harness.runtime.deleteSchedulerSpace(scheduler);
  });

  it('marks the operations maestro queues by itself as system ones', async () => {
    const scheduler = await createdAs(alice, 'system', { roomsReplicas: 1 });

    const health = await finalRow(scheduler, 'health_controller');
    const added = await finalRow(scheduler, 'add_rooms');
    const query = `MaestroActor = "maestro:system" AND MaestroScheduler = "${scheduler}"`;

    expect(health['actor']).toEqual(systemActor);
    expect(added['actor']).toEqual(systemActor);
    await eventually(async () =>
      expect(await workflowIds(query)).toEqual(expect.arrayContaining([health.id, added.id])),
    );
    expect((await finalRow(scheduler, 'create_scheduler'))['actor']).toEqual(actorOf(alice));
  });

  it('records anonymous callers in Temporal only, answering as Maestro does when no principal is given', async () => {
    const scheduler = name('anonymous');
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    const create = await finalRow(scheduler, 'create_scheduler');

    const detail = await harness.operations.get(scheduler, create.id);
    const query = `MaestroActor = "maestro:anonymous" AND MaestroScheduler = "${scheduler}"`;
    const overHttp = await http(`/schedulers/${scheduler}/operations/${create.id}`);

    expect(detail.actor).toEqual({
      subject: 'maestro:anonymous',
      credentialId: '',
      kind: 'anonymous',
    });
    await eventually(async () => expect(await workflowIds(query)).toEqual([create.id]));
    expect(Object.keys(create).sort()).toEqual([
      'createdAt',
      'definitionName',
      'id',
      'schedulerName',
      'status',
    ]);
    expect(overHttp['operation']).not.toHaveProperty('actor');
  });
});
