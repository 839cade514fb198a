import { fromBinary, fromJson, toBinary, toJson, type JsonObject } from '@bufbuild/protobuf';
import {
  SchedulerInfoSchema,
  SchedulerSchema,
  SchedulerVersionSchema,
  SchedulerWithoutSpecSchema,
} from '../../src/gen/api/v1/messages_pb';
import {
  CreateSchedulerRequestSchema,
  NewSchedulerVersionRequestSchema,
  PatchSchedulerRequestSchema,
} from '../../src/gen/api/v1/schedulers_pb';
import { explicitPatchFields, toSchedulerPatch } from '../../src/api/shared/scheduler-patch-codec';
import {
  fromCreateSchedulerRequest,
  fromNewSchedulerVersionRequest,
} from '../../src/api/shared/scheduler-request-codec';
import {
  toProtoScheduler,
  toProtoSchedulerInfo,
  toProtoSchedulerVersion,
  toProtoSchedulerWithoutSpec,
} from '../../src/api/shared/scheduler-response-codec';
import { validateScheduler } from '../../src/domain/scheduler/validation';

const emitAll = { alwaysEmitImplicit: true } as const;

const environment: JsonObject[] = [
  { name: 'env-var-name', value: 'env-var-value' },
  { name: 'env-var-field-ref', valueFrom: { fieldRef: { fieldPath: 'path' } } },
  {
    name: 'secret-var-name',
    valueFrom: { secretKeyRef: { name: 'secret-name', key: 'secret-key' } },
  },
];

/** A CreateScheduler body as Maestro's docs write one. */
const body = {
  name: 'tennis-eu',
  game: 'tennis',
  portRange: { start: 40000, end: 60000 },
  maxSurge: '30%',
  rooms_replicas: 2,
  spec: {
    terminationGracePeriod: '100s',
    containers: [
      {
        name: 'alpine',
        image: 'alpine',
        imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', '-c', 'while true; do sleep 1; done'],
        environment,
        requests: { memory: '20Mi', cpu: '100m' },
        limits: { memory: '200Mi', cpu: '200m' },
        ports: [{ name: 'port-name', protocol: 'tcp', port: 12345 }],
      },
    ],
    toleration: 'maestro',
    affinity: 'maestro-dedicated',
  },
  forwarders: [
    {
      name: 'test',
      enable: true,
      type: 'gRPC',
      address: 'matchmaker:9000',
      options: { timeout: '5000', metadata: { region: 'eu', tier: 2 } },
    },
  ],
  autoscaling: {
    enabled: true,
    min: 10,
    max: 300,
    cooldown: 30,
    policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.3 } } },
  },
  annotations: { 'maestro/owner': 'tennis-team' },
  labels: { tier: 'prod' },
  matchAllocation: { maxMatches: 3 },
};

const created = () =>
  validateScheduler({
    ...fromCreateSchedulerRequest(fromJson(CreateSchedulerRequestSchema, body)),
    createdAt: '2024-05-01T10:00:00.000Z',
  });

describe('fromCreateSchedulerRequest', () => {
  it('maps every field of a Maestro-style body when it is decoded from JSON', () => {
    const scheduler = created();

    expect(scheduler).toMatchObject({ name: 'tennis-eu', game: 'tennis', state: 'creating' });
    expect(scheduler).toMatchObject({ maxSurge: '30%', roomsReplicas: 2 });
    expect(scheduler.portRange).toEqual({ start: 40000, end: 60000 });
    expect(scheduler.spec).toMatchObject({
      version: 'v1.0.0',
      terminationGracePeriodMs: 100_000,
      toleration: 'maestro',
      affinity: 'maestro-dedicated',
      restartPolicy: 'Never',
    });
    const [container] = scheduler.spec.containers;
    expect(container).toMatchObject({ name: 'alpine', image: 'alpine' });
    expect(container?.command).toEqual(body.spec.containers[0]!.command);
    expect(container?.environment).toEqual(environment);
    expect(container).toMatchObject({ requests: { memory: '20Mi', cpu: '100m' } });
    expect(container?.ports).toEqual([{ name: 'port-name', protocol: 'tcp', port: 12345 }]);
    expect(scheduler.forwarders).toEqual([
      {
        name: 'test',
        enable: true,
        type: 'gRPC',
        address: 'matchmaker:9000',
        options: { timeoutMs: 5000, metadata: { region: 'eu', tier: 2 } },
      },
    ]);
    expect(scheduler.autoscaling).toEqual({
      enabled: true,
      min: 10,
      max: 300,
      cooldown: 30,
      policy: {
        type: 'roomOccupancy',
        parameters: { roomOccupancy: { readyTarget: 0.3, downThreshold: 0.99 } },
      },
    });
    expect(scheduler).toMatchObject({ annotations: body.annotations, labels: body.labels });
    expect(scheduler.matchAllocation).toEqual({ maxMatches: 3 });
  });

  it('keeps float32 fields readable when the request arrives over binary gRPC', () => {
    const message = fromJson(CreateSchedulerRequestSchema, body);
    const decoded = fromBinary(
      CreateSchedulerRequestSchema,
      toBinary(CreateSchedulerRequestSchema, message),
    );

    const readyTarget =
      fromCreateSchedulerRequest(decoded).autoscaling?.policy.parameters?.roomOccupancy
        ?.readyTarget;

    expect(decoded.autoscaling?.policy?.parameters?.roomOccupancy?.readyTarget).not.toBe(0.3);
    expect(readyTarget).toBe(0.3);
  });
});

describe('toProtoScheduler', () => {
  it('writes the scheduler back as the JSON Maestro returns', () => {
    const json = toJson(SchedulerSchema, toProtoScheduler(created()), emitAll);

    expect(json).toMatchObject({
      name: 'tennis-eu',
      state: 'creating',
      createdAt: '2024-05-01T10:00:00Z',
      maxSurge: '30%',
      roomsReplicas: 2,
      portRange: { start: 40000, end: 60000 },
      forwarders: [
        {
          ...body.forwarders[0],
          options: { timeout: '5000', metadata: { region: 'eu', tier: 2 } },
        },
      ],
      matchAllocation: { maxMatches: 3 },
    });
    expect(json).toHaveProperty('spec.terminationGracePeriod', '100s');
    expect(json).toHaveProperty('spec.version', 'v1.0.0');
    expect(json).toHaveProperty('spec.restartPolicy', 'Never');
    expect(json).toHaveProperty('spec.containers[0].ports[0]', {
      name: 'port-name',
      protocol: 'tcp',
      port: 12345,
      hostPort: 0,
    });
    expect(json).toHaveProperty('autoscaling.policy.parameters.roomOccupancy', {
      readyTarget: 0.3,
      downThreshold: 0.99,
    });
  });

  it('round-trips every field when the response is posted back as a new version', () => {
    const scheduler = created();
    const json = toJson(SchedulerSchema, toProtoScheduler(scheduler));
    const request = fromJson(NewSchedulerVersionRequestSchema, json, { ignoreUnknownFields: true });

    const again = validateScheduler({
      ...fromNewSchedulerVersionRequest(request),
      state: scheduler.state,
      createdAt: scheduler.createdAt,
    });

    expect(again).toEqual(scheduler);
  });
});

describe('fromNewSchedulerVersionRequest', () => {
  it('accepts a definition without portRange when every port has a hostPortRange', () => {
    const port = { name: 'game', protocol: 'udp', port: 7000, hostPortRange: { start: 1, end: 9 } };
    const container = { ...body.spec.containers[0], ports: [port] };
    const { portRange: _portRange, ...withoutPortRange } = body;
    const request = fromJson(NewSchedulerVersionRequestSchema, {
      ...withoutPortRange,
      spec: { ...body.spec, containers: [container] },
    });

    const scheduler = validateScheduler(fromNewSchedulerVersionRequest(request));

    expect(scheduler.portRange).toBeUndefined();
    expect(scheduler.spec.containers[0]?.ports).toEqual([port]);
  });
});

describe('toSchedulerPatch', () => {
  it('holds exactly the fields the PATCH body names', () => {
    const json = { maxSurge: '5', spec: { containers: [{ image: 'alpine:3' }] } };
    const request = fromJson(PatchSchedulerRequestSchema, json);

    expect(toSchedulerPatch(request, explicitPatchFields(json))).toEqual({
      maxSurge: '5',
      spec: { containers: [{ image: 'alpine:3' }] },
    });
  });

  it('clears forwarders and labels when the JSON body sends them empty', () => {
    const json = { forwarders: [], labels: {} };
    const request = fromJson(PatchSchedulerRequestSchema, json);

    expect(toSchedulerPatch(request, explicitPatchFields(json))).toEqual({
      forwarders: [],
      labels: {},
    });
    expect(toSchedulerPatch(request)).toEqual({});
    expect(explicitPatchFields({ forwarders: null, labels: [] })).toEqual({
      forwarders: false,
      annotations: false,
      labels: false,
    });
  });

  it('maps grace period, autoscaling and forwarder options to domain units', () => {
    const json = {
      spec: { terminationGracePeriod: '0.5s' },
      autoscaling: { max: 20 },
      forwarders: [
        { name: 'f', enable: true, type: 'gRPC', address: 'f:1', options: { timeout: 250 } },
      ],
    };
    const patch = toSchedulerPatch(fromJson(PatchSchedulerRequestSchema, json));

    expect(patch.spec).toEqual({ terminationGracePeriodMs: 500 });
    expect(patch.autoscaling).toEqual({ max: 20 });
    expect(patch.forwarders?.[0]?.options).toEqual({ timeoutMs: 250, metadata: {} });
  });
});

describe('listing, info and versions', () => {
  it('writes the listing item with the active version', () => {
    expect(
      toJson(SchedulerWithoutSpecSchema, toProtoSchedulerWithoutSpec(created()), emitAll),
    ).toEqual({
      name: 'tennis-eu',
      game: 'tennis',
      state: 'creating',
      version: 'v1.0.0',
      portRange: { start: 40000, end: 60000 },
      createdAt: '2024-05-01T10:00:00Z',
      maxSurge: '30%',
      roomsReplicas: 2,
      matchAllocation: { maxMatches: 3 },
    });
  });

  it('fills the autoscaling cooldown and matchAllocation that Maestro leaves out of the info', () => {
    const counts = { ready: 4, occupied: 3, pending: 2, terminating: 1 };
    const info = toJson(SchedulerInfoSchema, toProtoSchedulerInfo(created(), counts), emitAll);

    expect(info).toEqual({
      name: 'tennis-eu',
      game: 'tennis',
      state: 'creating',
      roomsReplicas: 2,
      roomsReady: 4,
      roomsOccupied: 3,
      roomsPending: 2,
      roomsTerminating: 1,
      autoscaling: { enabled: true, min: 10, max: 300, cooldown: 30 },
      matchAllocation: { maxMatches: 3 },
    });
  });

  it('writes a version summary', () => {
    const summary = { version: 'v1.1.0', isActive: true, createdAt: '2024-05-02T00:00:00.000Z' };
    const json = toJson(SchedulerVersionSchema, toProtoSchedulerVersion(summary));

    expect(json).toEqual({ version: 'v1.1.0', isActive: true, createdAt: '2024-05-02T00:00:00Z' });
  });
});
