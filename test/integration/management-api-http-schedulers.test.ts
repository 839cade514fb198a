/**
 * The Management API as a Maestro client sees it: real HTTP against the server built on the real
 * use cases, PostgreSQL, Temporal (with a worker running the production workflows) and the local
 * runtime. Expected JSON is written from Maestro's wire conventions (grpc-gateway), not read back.
 */
import path from 'node:path';
import { registerManagementRoutes } from '../../src/api/management/http-routes';
import { createHttpApp } from '../../src/api/shared/http-app';
import { OperationsHarness } from '../support/operations-harness';
import {
  call,
  managementApiDeps,
  startManagementApi,
  type RunningManagementApi,
} from '../support/management-api-server';
import { eventually } from '../support/runtime-contract';

type Json = Record<string, unknown>;

const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** jest's asymmetric matchers are typed `any`; these keep the expected values typed. */
const match = {
  string: (pattern: RegExp): unknown => expect.stringMatching(pattern),
  timestamp: (): unknown => expect.stringMatching(RFC3339_UTC),
  object: (shape: object): unknown => expect.objectContaining(shape),
  anything: (): unknown => expect.anything(),
  anyString: (): unknown => expect.any(String),
};
const GAME_ROOM = path.resolve(__dirname, '../../examples/game-room/index.js');

describe('Management API over HTTP', () => {
  const harness = new OperationsHarness();
  let api: RunningManagementApi;
  const name = (label: string) => `${label}-${harness.suffix}`;
  const game = `game-${harness.suffix}`;
  const http = (method: string, route: string, body?: unknown) => call(api, method, route, body);

  /** A scheduler as Maestro's docs write one, in lowerCamelCase. */
  const camelBody = (scheduler: string, overrides: Json = {}): Json => {
    const input = harness.schedulerInput(scheduler);
    return {
      name: scheduler,
      game,
      maxSurge: '25%',
      roomsReplicas: 0,
      portRange: input.portRange,
      spec: {
        terminationGracePeriod: '5s',
        containers: [
          {
            name: 'game',
            image: 'sample-game-room',
            imagePullPolicy: 'IfNotPresent',
            command: ['node', GAME_ROOM],
            environment: [
              { name: 'ROOMS_API_ADDRESS', value: harness.roomsApiAddress },
              { name: 'PING_INTERVAL_MS', value: '1000' },
            ],
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '100m', memory: '64Mi' },
            ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
          },
        ],
      },
      ...overrides,
    };
  };

  const finished = (scheduler: string, operationId: string) =>
    harness.waitForOperation(scheduler, operationId, 'finished');

  /** Waits until the scheduler has no pending or running operation (a new version enqueues its switch). */
  const settled = (scheduler: string) =>
    eventually(async () => {
      for (const stage of ['pending', 'active']) {
        const { body } = await http('GET', `/schedulers/${scheduler}/operations?stage=${stage}`);
        expect((body as { total: number }).total).toBe(0);
      }
    });

  /** Creates a scheduler through the API and waits for create_scheduler to finish. */
  async function createdScheduler(label: string, overrides: Json = {}): Promise<string> {
    const scheduler = name(label);
    const created = await http('POST', '/schedulers', camelBody(scheduler, overrides));
    expect(created.status).toBe(200);
    await eventually(async () => {
      const { body } = await http('GET', `/schedulers/${scheduler}/operations?stage=final`);
      expect((body as { total: number }).total).toBe(1);
    });
    return scheduler;
  }

  beforeAll(async () => {
    await harness.start();
    api = await startManagementApi(harness);
  });
  afterAll(async () => {
    await api.close();
    await harness.stop();
  });
  afterEach(() => expect(api.problems()).toEqual([]));

  it('creates a scheduler and answers grpc-gateway JSON when the body is Maestro-style snake_case', async () => {
    const scheduler = name('snake');
    const body = {
      name: scheduler,
      game,
      max_surge: '25%',
      rooms_replicas: 0,
      port_range: harness.schedulerInput(scheduler).portRange,
      spec: {
        termination_grace_period: '100s',
        containers: [
          {
            name: 'game',
            image: 'sample-game-room',
            image_pull_policy: 'IfNotPresent',
            command: ['node', GAME_ROOM],
            environment: [{ name: 'NODE_IP', value_from: { field_ref: { field_path: 'x' } } }],
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '100m', memory: '64Mi' },
            ports: [{ name: 'game', protocol: 'udp', port: 7777 }],
          },
        ],
      },
      forwarders: [
        {
          name: 'matchmaker',
          enable: false,
          type: 'gRPC',
          address: '127.0.0.1:1',
          options: { timeout: 5000, metadata: { region: 'eu', tier: 2 } },
        },
      ],
      annotations: { owner: 'tennis-team' },
      labels: { tier: 'prod' },
      match_allocation: { max_matches: 2 },
      an_unknown_field: { ignored: true },
    };

    const response = await http('POST', '/schedulers', body);

    expect(response.status).toBe(200);
    const created = (response.body as { scheduler: Json }).scheduler;
    expect(Object.keys(created).sort()).toEqual(
      [
        'name',
        'game',
        'state',
        'portRange',
        'createdAt',
        'maxSurge',
        'roomsReplicas',
        'spec',
        'forwarders',
        'annotations',
        'labels',
        'matchAllocation',
      ].sort(),
    );
    expect(created).toEqual({
      name: scheduler,
      game,
      state: 'creating',
      portRange: body.port_range,
      createdAt: match.timestamp(),
      maxSurge: '25%',
      roomsReplicas: 0,
      spec: {
        version: 'v1.0.0',
        terminationGracePeriod: '100s',
        containers: [
          {
            name: 'game',
            image: 'sample-game-room',
            imagePullPolicy: 'IfNotPresent',
            command: ['node', GAME_ROOM],
            environment: [{ name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'x' } } }],
            requests: { memory: '32Mi', cpu: '10m' },
            limits: { memory: '64Mi', cpu: '100m' },
            ports: [{ name: 'game', protocol: 'udp', port: 7777, hostPort: 0 }],
          },
        ],
        toleration: '',
        affinity: '',
        restartPolicy: 'Never',
      },
      forwarders: [
        {
          name: 'matchmaker',
          enable: false,
          type: 'gRPC',
          address: '127.0.0.1:1',
          options: { timeout: '5000', metadata: { region: 'eu', tier: 2 } },
        },
      ],
      annotations: { owner: 'tennis-team' },
      labels: { tier: 'prod' },
      matchAllocation: { maxMatches: 2 },
    });
  });

  it('creates a scheduler and writes null for its unset portRange when the body is camelCase with host port ranges', async () => {
    const scheduler = name('camel');
    const body = camelBody(scheduler, {
      portRange: undefined,
      autoscaling: {
        enabled: false,
        min: 1,
        max: -1,
        policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: '3' } } },
      },
    });
    const container = (body['spec'] as { containers: Json[] }).containers[0]!;
    container['ports'] = [
      { name: 'game', protocol: 'tcp', port: 7777, hostPortRange: { start: 41000, end: 41099 } },
    ];

    const response = await http('POST', '/schedulers', body);

    expect(response.status).toBe(200);
    const created = (response.body as { scheduler: Json }).scheduler;
    expect(created['portRange']).toBeNull();
    expect(created['autoscaling']).toEqual({
      enabled: false,
      min: 1,
      max: -1,
      cooldown: 0,
      policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 3 } } },
    });
    expect((created['spec'] as { containers: Json[] }).containers[0]!['ports']).toEqual([
      {
        name: 'game',
        protocol: 'tcp',
        port: 7777,
        hostPort: 0,
        hostPortRange: { start: 41000, end: 41099 },
      },
    ]);
  });

  it('lists, gets and describes schedulers when they exist, and answers 404 or [] when not', async () => {
    const scheduler = await createdScheduler('reads');

    const listed = await http('GET', `/schedulers?name=${scheduler}`);
    const byGameAndVersion = await http('GET', `/schedulers?game=${game}&version=v1.0.0`);
    const none = await http('GET', `/schedulers?name=nothing-${harness.suffix}`);
    const got = await http('GET', `/schedulers/${scheduler}`);
    const gotVersion = await http('GET', `/schedulers/${scheduler}?version=v1.0.0`);
    const missingVersion = await http('GET', `/schedulers/${scheduler}?version=v9.0.0`);
    const versions = await http('GET', `/schedulers/${scheduler}/versions`);
    const unknown = await http('GET', `/schedulers/nothing-${harness.suffix}`);
    const unknownVersions = await http('GET', `/schedulers/nothing-${harness.suffix}/versions`);

    expect(listed).toEqual({
      status: 200,
      body: {
        schedulers: [
          {
            name: scheduler,
            game,
            state: 'in-sync',
            version: 'v1.0.0',
            portRange: harness.schedulerInput(scheduler).portRange,
            createdAt: match.timestamp(),
            maxSurge: '25%',
            roomsReplicas: 0,
            matchAllocation: { maxMatches: 1 },
          },
        ],
      },
    });
    expect(
      (byGameAndVersion.body as { schedulers: Json[] }).schedulers.map((s) => s['name']),
    ).toContain(scheduler);
    expect(none).toEqual({ status: 200, body: { schedulers: [] } });
    expect(got.status).toBe(200);
    expect((got.body as { scheduler: Json }).scheduler).toMatchObject({
      name: scheduler,
      state: 'in-sync',
      spec: { version: 'v1.0.0', terminationGracePeriod: '5s' },
    });
    expect(gotVersion.body).toEqual(got.body);
    expect(missingVersion).toEqual({
      status: 404,
      body: { code: 5, message: `scheduler ${scheduler} not found`, details: [] },
    });
    expect(versions).toEqual({
      status: 200,
      body: {
        versions: [{ version: 'v1.0.0', isActive: true, createdAt: match.timestamp() }],
      },
    });
    expect(unknown).toEqual({
      status: 404,
      body: { code: 5, message: `scheduler nothing-${harness.suffix} not found`, details: [] },
    });
    expect(unknownVersions.status).toBe(404);
  });

  it('answers GET /schedulers/info with room counts, not GetScheduler("info"), when schedulers have rooms', async () => {
    const scheduler = await createdScheduler('info');
    const added = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 2 });
    await finished(scheduler, added);

    await eventually(async () => {
      const info = await http('GET', `/schedulers/info?game=${game}`);
      const row = (info.body as { schedulers: Json[] }).schedulers.find(
        (s) => s['name'] === scheduler,
      );
      expect(info.status).toBe(200);
      expect(row).toEqual({
        name: scheduler,
        game,
        state: 'in-sync',
        roomsReplicas: 0,
        roomsReady: 2,
        roomsOccupied: 0,
        roomsPending: 0,
        roomsTerminating: 0,
        autoscaling: null,
        matchAllocation: { maxMatches: 1 },
      });
    });
    expect(await http('GET', `/schedulers/info?game=none-${harness.suffix}`)).toEqual({
      status: 200,
      body: { schedulers: [] },
    });
  });

  it('switches to the new version when POST /schedulers/{name} finishes, the path naming the scheduler', async () => {
    const scheduler = await createdScheduler('new-version');

    const response = await http(
      'POST',
      `/schedulers/${scheduler}`,
      camelBody(scheduler, { name: 'another-name', maxSurge: '3' }),
    );

    expect(response.status).toBe(200);
    const { operationId } = response.body as { operationId: string };
    expect(Object.keys(response.body as Json)).toEqual(['operationId']);
    await finished(scheduler, operationId);
    await settled(scheduler);
    await eventually(async () => {
      const got = await http('GET', `/schedulers/${scheduler}`);
      expect((got.body as { scheduler: Json }).scheduler).toMatchObject({
        name: scheduler,
        maxSurge: '3',
        spec: { version: 'v1.1.0' },
      });
    });
    expect((await http('GET', `/schedulers/another-name`)).status).toBe(404);
  });

  it('patches, switches back and deletes a scheduler through operations, and answers 409 to an empty patch', async () => {
    const scheduler = await createdScheduler('lifecycle');

    const patched = await http('PATCH', `/schedulers/${scheduler}`, { max_surge: '50%' });
    await finished(scheduler, (patched.body as { operationId: string }).operationId);
    await settled(scheduler);
    const afterPatch = await http('GET', `/schedulers/${scheduler}`);
    const empty = await http('PATCH', `/schedulers/${scheduler}`, {});
    const switched = await http('PUT', `/schedulers/${scheduler}`, { version: 'v1.0.0' });
    await finished(scheduler, (switched.body as { operationId: string }).operationId);
    await settled(scheduler);
    const afterSwitch = await http('GET', `/schedulers/${scheduler}`);
    const versions = await http('GET', `/schedulers/${scheduler}/versions`);
    const deleted = await http('DELETE', `/schedulers/${scheduler}`);
    await finished(scheduler, (deleted.body as { operationId: string }).operationId);

    expect(patched.status).toBe(200);
    expect((afterPatch.body as { scheduler: Json }).scheduler).toMatchObject({
      maxSurge: '50%',
      spec: { version: 'v1.1.0' },
    });
    expect(empty).toEqual({
      status: 409,
      body: { code: 10, message: `no change found to scheduler ${scheduler}`, details: [] },
    });
    expect((afterSwitch.body as { scheduler: Json }).scheduler).toMatchObject({
      maxSurge: '25%',
      spec: { version: 'v1.0.0' },
    });
    expect((versions.body as { versions: Json[] }).versions).toEqual([
      expect.objectContaining({ version: 'v1.1.0', isActive: false }),
      expect.objectContaining({ version: 'v1.0.0', isActive: true }),
    ]);
    expect(deleted.status).toBe(200);
    expect((await http('GET', `/schedulers/${scheduler}`)).status).toBe(404);
    expect((await http('DELETE', `/schedulers/${scheduler}`)).status).toBe(404);
  });

  it('refuses a second version change with 400 FAILED_PRECONDITION while one is queued', async () => {
    const scheduler = await createdScheduler('conflict');
    await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 3 });
    const first = await http('PUT', `/schedulers/${scheduler}`, { version: 'v1.0.0' });

    const second = await http('PATCH', `/schedulers/${scheduler}`, { maxSurge: '2' });

    const firstId = (first.body as { operationId: string }).operationId;
    expect(second).toEqual({
      status: 400,
      body: {
        code: 9,
        message: `cannot create new scheduler version: there is already an ongoing version operation (id: ${firstId}), wait for it to finish`,
        details: [],
      },
    });
    await finished(scheduler, firstId);
  });

  it('pages the final stage and rejects what Maestro rejects when listing operations', async () => {
    const scheduler = await createdScheduler('listing');
    for (const amount of [1, 1]) {
      await finished(scheduler, await harness.queue.enqueue(scheduler, 'add_rooms', { amount }));
    }
    const route = `/schedulers/${scheduler}/operations`;
    await eventually(async () => {
      const { body } = await http('GET', `${route}?stage=final`);
      expect((body as { total: number }).total).toBe(3);
    });

    const all = await http('GET', `${route}?stage=final`);
    const page2 = await http(
      'GET',
      `${route}?stage=final&page=2&per_page=2&order_by=createdAt%20asc`,
    );
    const camel = await http('GET', `${route}?stage=final&page=1&perPage=1`);
    const pending = await http('GET', `${route}?stage=pending`);
    const unknownScheduler = await http(
      'GET',
      `/schedulers/nothing-${harness.suffix}/operations?stage=active`,
    );
    const errors = await Promise.all(
      [
        'stage=bogus',
        'stage=pending&page=1',
        'stage=final&page=0',
        'stage=final&per_page=101',
        'stage=final&order_by=name',
        'stage=final&page=abc',
        'stage=final&page=1&page=2',
      ].map(async (query) => (await http('GET', `${route}?${query}`)).body),
    );

    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      page: 1,
      pageSize: 15,
      total: 3,
      operations: [
        expect.objectContaining({ definitionName: 'add_rooms' }),
        expect.objectContaining({ definitionName: 'add_rooms' }),
        {
          id: match.anyString(),
          status: 'finished',
          definitionName: 'create_scheduler',
          schedulerName: scheduler,
          createdAt: match.timestamp(),
        },
      ],
    });
    expect(page2.body).toEqual({
      page: 2,
      pageSize: 2,
      total: 3,
      operations: [expect.objectContaining({ definitionName: 'add_rooms' })],
    });
    expect((camel.body as { operations: Json[] }).operations).toHaveLength(1);
    expect(pending.body).toEqual({ page: 1, pageSize: 0, total: 0, operations: [] });
    expect(unknownScheduler.body).toEqual({ page: 1, pageSize: 0, total: 0, operations: [] });
    expect(errors).toEqual([
      { code: 3, message: 'invalid stage filter: bogus', details: [] },
      {
        code: 3,
        message: 'there is no pagination filter implemented for pending stage',
        details: [],
      },
      { code: 3, message: 'page must be greater than 0', details: [] },
      { code: 3, message: 'page size must be between 0 and 100', details: [] },
      { code: 3, message: 'invalid order by: name', details: [] },
      {
        code: 3,
        message: 'Validation Error:\npage: must be an integer from 0 to 4294967295',
        details: [],
      },
      { code: 3, message: 'Validation Error:\npage: must be given at most once', details: [] },
    ]);
  });

  it('shows the running operation with a lease, the queued one without, and cancels them as Maestro does', async () => {
    const scheduler = await createdScheduler('running', {
      spec: {
        terminationGracePeriod: '8s',
        containers: [
          {
            ...(camelBody('x')['spec'] as { containers: Json[] }).containers[0],
            command: ['sh', '-c', 'trap "" TERM; exec sleep 300'],
          },
        ],
      },
    });
    await finished(scheduler, await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 }));
    const route = `/schedulers/${scheduler}/operations`;
    const deletion = (await http('DELETE', `/schedulers/${scheduler}`)).body as {
      operationId: string;
    };
    await harness.waitForOperation(scheduler, deletion.operationId, 'in_progress');
    const patch = (await http('PATCH', `/schedulers/${scheduler}`, { maxSurge: '2' })).body as {
      operationId: string;
    };

    const listedAt = Date.now();
    const active = await http('GET', `${route}?stage=active`);
    const pending = await http('GET', `${route}?stage=pending`);
    const canceled = await http('POST', `${route}/${patch.operationId}/cancel`);
    await harness.waitForOperation(scheduler, patch.operationId, 'canceled');
    await finished(scheduler, deletion.operationId);
    const cancelFinished = await http('POST', `${route}/${deletion.operationId}/cancel`);
    const cancelUnknown = await http(
      'POST',
      `${route}/00000000-0000-0000-0000-000000000000/cancel`,
    );

    const running = (active.body as { operations: Array<Json & { lease: { ttl: string } }> })
      .operations;
    expect(running).toEqual([
      {
        id: deletion.operationId,
        status: 'in_progress',
        definitionName: 'delete_scheduler',
        lease: { ttl: match.string(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
        schedulerName: scheduler,
        createdAt: match.timestamp(),
      },
    ]);
    const ttl = Date.parse(running[0]!.lease.ttl);
    // not expired while the operation runs, and at most one heartbeat timeout (30 s) ahead
    expect(ttl).toBeGreaterThan(listedAt);
    expect(ttl).toBeLessThanOrEqual(listedAt + 31_000);
    expect(pending.body).toEqual({
      page: 1,
      pageSize: 1,
      total: 1,
      operations: [expect.not.objectContaining({ lease: match.anything() })],
    });
    expect((pending.body as { operations: Json[] }).operations[0]).toMatchObject({
      id: patch.operationId,
      status: 'pending',
    });
    expect(canceled).toEqual({ status: 200, body: {} });
    expect(cancelFinished).toEqual({
      status: 409,
      body: {
        code: 10,
        message: 'cannot cancel operation since status "finished" is a final status',
        details: [],
      },
    });
    expect(cancelUnknown.status).toBe(404);
  });

  it('returns an operation with its input and execution history, and 404 for an unknown one', async () => {
    const scheduler = await createdScheduler('detail');
    const listed = await http('GET', `/schedulers/${scheduler}/operations?stage=final`);
    const id = (listed.body as { operations: Json[] }).operations[0]!['id'] as string;

    const got = await http('GET', `/schedulers/${scheduler}/operations/${id}`);
    const unknown = await http(
      'GET',
      `/schedulers/${scheduler}/operations/00000000-0000-0000-0000-000000000000`,
    );

    expect(got.status).toBe(200);
    const operation = (got.body as { operation: Json }).operation;
    expect(Object.keys(operation).sort()).toEqual(
      [
        'id',
        'status',
        'definitionName',
        'schedulerName',
        'createdAt',
        'input',
        'executionHistory',
      ].sort(),
    );
    expect(operation).toMatchObject({
      id,
      status: 'finished',
      definitionName: 'create_scheduler',
      schedulerName: scheduler,
      input: { scheduler: match.object({ name: scheduler }) },
    });
    expect(operation['executionHistory']).toEqual([
      { createdAt: match.timestamp(), event: 'Created' },
      { createdAt: match.timestamp(), event: 'Starting operation' },
      { createdAt: match.timestamp(), event: 'Operation finished' },
    ]);
    expect(unknown.status).toBe(404);
    expect((unknown.body as Json)['code']).toBe(5);
  });

  it('answers 400 with Maestro-style messages naming the fields when a scheduler is invalid or malformed', async () => {
    const invalid = camelBody('Not_Valid', {
      maxSurge: '0%',
      spec: {
        terminationGracePeriod: '5s',
        containers: [
          {
            ...(camelBody('x')['spec'] as { containers: Json[] }).containers[0],
            ports: [{ name: 'game', protocol: 'sctp', port: 7777 }],
          },
        ],
      },
    });

    const validation = await http('POST', '/schedulers', invalid);
    const wrongType = await http(
      'POST',
      '/schedulers',
      camelBody(name('x'), { roomsReplicas: 'many' }),
    );
    const nested = await http('POST', '/schedulers', {
      ...camelBody(name('x')),
      spec: { containers: [{ ports: [{}, { port: 'seven' }] }] },
    });
    const notJson = await http('POST', '/schedulers', '{"name": ');
    const notObject = await http('POST', '/schedulers', '[1, 2]');
    const tooDeep = await http(
      'POST',
      '/schedulers',
      `{"name": "x", "forwarders": [{"options": {"metadata": {"a": ${'['.repeat(500)}${']'.repeat(500)}}}}]}`,
    );

    expect(validation).toEqual({
      status: 400,
      body: {
        code: 3,
        message: [
          'Validation Error:',
          'name: must contain only lowercase letters, digits and "-", and start and end with a letter or digit (RFC 1123)',
          'spec.containers[0].ports[0].protocol: sctp is not supported: must be tcp or udp',
          'maxSurge: must be an integer of at least 1 or a percentage from 1% to 100%',
        ].join('\n'),
        details: [],
      },
    });
    expect(wrongType.body).toEqual({
      code: 3,
      message:
        'Validation Error:\nroomsReplicas: must be an integer from -2147483648 to 2147483647',
      details: [],
    });
    expect(nested.body).toEqual({
      code: 3,
      message:
        'Validation Error:\nspec.containers[0].ports[1].port: must be an integer from -2147483648 to 2147483647',
      details: [],
    });
    expect(notJson.status).toBe(400);
    expect((notJson.body as Json)['message']).toMatch(
      /^Validation Error:\nbody: must be valid JSON/,
    );
    expect((tooDeep.body as Json)['message']).toMatch(
      /^Validation Error:\nforwarders\[0\]\.options\.metadata: must be a JSON object \(.*maximum recursion/,
    );
    expect(notObject.body).toEqual({
      code: 3,
      message: 'Validation Error:\nbody: must be a JSON object',
      details: [],
    });
  });

  it('answers 409 ALREADY_EXISTS when a scheduler with the name exists', async () => {
    const scheduler = await createdScheduler('duplicate');

    const again = await http('POST', '/schedulers', camelBody(scheduler));

    expect(again).toEqual({
      status: 409,
      body: { code: 6, message: `scheduler ${scheduler} already exists`, details: [] },
    });
  });

  it("answers grpc-gateway's 404 for unknown paths and 501 for a known path with another method", async () => {
    expect(await http('GET', '/nothing/here')).toEqual({
      status: 404,
      body: { code: 5, message: 'Not Found', details: [] },
    });
    expect(await http('GET', '/schedulers/a/b/c')).toEqual({
      status: 404,
      body: { code: 5, message: 'Not Found', details: [] },
    });
    for (const [method, route] of [
      ['DELETE', '/schedulers'],
      ['PUT', '/schedulers/x/versions'],
      ['POST', '/schedulers/x/operations/y'],
    ] as const) {
      expect(await http(method, route)).toEqual({
        status: 501,
        body: { code: 12, message: 'Method Not Allowed', details: [] },
      });
    }
  });

  it('serves an OpenAPI 3.1 document listing exactly the routes the server registers', async () => {
    const app = createHttpApp(managementApiDeps(harness).log);
    const registered: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push(`${method} ${route.url}`);
    });
    registerManagementRoutes(app, managementApiDeps(harness));
    await app.ready();

    const { status, body } = await http('GET', '/openapi.json');

    expect(status).toBe(200);
    const document = body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${route.replace(/\{([^}]+)\}/g, ':$1')}`,
      ),
    );
    expect(documented.sort()).toEqual(registered.sort());
    expect(registered).toHaveLength(13);
    await app.close();
  });

  it('answers a scheduler with every property its OpenAPI schema requires and no other', async () => {
    const scheduler = await createdScheduler('openapi');
    const { body } = await http('GET', '/openapi.json');
    const schema = (
      body as {
        components: { schemas: Record<string, { properties: Json; required: string[] }> };
      }
    ).components.schemas['api.v1.Scheduler']!;

    const got = await http('GET', `/schedulers/${scheduler}`);

    const keys = Object.keys((got.body as { scheduler: Json }).scheduler);
    expect(keys).toEqual(expect.arrayContaining(schema.required));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(keys));
    expect(schema.required).toContain('portRange');
  });
});
