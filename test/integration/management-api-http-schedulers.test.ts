/**
 * The Management API as a Maestro client sees it (see test/support/management-api-http-fixture.ts):
 * creating, listing, getting and describing schedulers. Expected JSON is written from Maestro's wire
 * conventions (grpc-gateway), not read back.
 */
import {
  GAME_ROOM,
  managementApiOverHttp,
  match,
  type Json,
} from '../support/management-api-http-fixture';
import { eventually } from '../support/runtime-contract';

describe('Management API over HTTP', () => {
  const { harness, name, game, http, camelBody, finished, createdScheduler } =
    managementApiOverHttp();

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

  it('answers 409 ALREADY_EXISTS when a scheduler with the name exists', async () => {
    const scheduler = await createdScheduler('duplicate');

    const again = await http('POST', '/schedulers', camelBody(scheduler));

    expect(again).toEqual({
      status: 409,
      body: { code: 6, message: `scheduler ${scheduler} already exists`, details: [] },
    });
  });
});
