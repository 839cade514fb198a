/**
 * The autoscaling policies beyond Maestro's (webhook, schedule, chain) and scale to zero, through
 * the scheduler codecs: HTTP JSON and binary gRPC in, gateway JSON and binary gRPC out.
 */
import { fromBinary, fromJson, toBinary, type JsonObject } from '@bufbuild/protobuf';
import { SchedulerSchema } from '../../src/gen/api/v1/messages_pb';
import {
  CreateSchedulerRequestSchema,
  NewSchedulerVersionRequestSchema,
  PatchSchedulerRequestSchema,
} from '../../src/gen/api/v1/schedulers_pb';
import { toGatewayJson } from '../../src/api/shared/gateway-json';
import { decodeJsonMessage } from '../../src/api/shared/json-request';
import { MalformedRequestError } from '../../src/api/shared/malformed-request-error';
import { toSchedulerPatch } from '../../src/api/shared/scheduler-patch-codec';
import {
  fromCreateSchedulerRequest,
  fromNewSchedulerVersionRequest,
} from '../../src/api/shared/scheduler-request-codec';
import { toProtoScheduler } from '../../src/api/shared/scheduler-response-codec';
import { applySchedulerPatch } from '../../src/domain/scheduler/patch';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { SchedulerValidationError } from '../../src/domain/scheduler/validation-rules';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const roomOccupancy = {
  type: 'roomOccupancy',
  parameters: { roomOccupancy: { readyTarget: 0.5 } },
};
const fixedBuffer = { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 4 } } };
const webhook = {
  type: 'webhook',
  parameters: {
    webhook: {
      url: 'https://scaler.example.com/desired',
      caBundle: PEM,
      fallback: { type: 'policy', policy: fixedBuffer },
    },
  },
};
const window = { start: '0 18 * * 1-5', duration: '5h', timeZone: 'Europe/Berlin' };

const base = {
  name: 'tennis-eu',
  game: 'tennis',
  portRange: { start: 40000, end: 60000 },
  maxSurge: '10%',
  roomsReplicas: 1,
  spec: {
    terminationGracePeriod: '100s',
    containers: [
      {
        name: 'game',
        image: 'game:1',
        imagePullPolicy: 'IfNotPresent',
        requests: { memory: '20Mi', cpu: '100m' },
        limits: { memory: '200Mi', cpu: '200m' },
        ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
      },
    ],
  },
};

const withAutoscaling = (autoscaling: JsonObject): JsonObject => ({ ...base, autoscaling });
const autoscaling = (policy: JsonObject, more: JsonObject = {}): JsonObject => ({
  enabled: true,
  min: 1,
  max: 50,
  cooldown: 30,
  policy,
  ...more,
});

/** What the webhook above reads as once its defaults are filled in. */
const webhookWithDefaults = {
  type: 'webhook',
  parameters: {
    webhook: { ...webhook.parameters.webhook, timeout: '2s', interval: '15s' },
  },
};

const bareWebhook = { type: 'webhook', parameters: { webhook: { url: 'https://scaler.test/' } } };

const cases: [string, JsonObject, JsonObject][] = [
  ['webhook', autoscaling(webhook), autoscaling(webhookWithDefaults)],
  [
    'webhook without fallback',
    autoscaling(bareWebhook),
    autoscaling({
      type: 'webhook',
      parameters: {
        webhook: {
          url: 'https://scaler.test/',
          timeout: '2s',
          interval: '15s',
          fallback: { type: 'keep' },
        },
      },
    }),
  ],
  [
    'schedule',
    autoscaling({
      type: 'schedule',
      parameters: {
        schedule: {
          windows: [{ ...window, leadTime: '30m', policy: webhook }],
          default: fixedBuffer,
        },
      },
    }),
    autoscaling({
      type: 'schedule',
      parameters: {
        schedule: {
          windows: [{ ...window, leadTime: '30m', policy: webhookWithDefaults }],
          default: fixedBuffer,
        },
      },
    }),
  ],
  [
    'chain',
    autoscaling({
      type: 'chain',
      parameters: {
        chain: {
          entries: [{ window, policy: fixedBuffer }, { policy: webhook }],
          default: roomOccupancy,
        },
      },
    }),
    autoscaling({
      type: 'chain',
      parameters: {
        chain: {
          entries: [{ window, policy: fixedBuffer }, { policy: webhookWithDefaults }],
          default: {
            type: 'roomOccupancy',
            parameters: { roomOccupancy: { readyTarget: 0.5, downThreshold: 0.99 } },
          },
        },
      },
    }),
  ],
  [
    'scaleToZero',
    autoscaling(fixedBuffer, { min: 0, scaleToZero: { idleAfter: '30m' } }),
    autoscaling(fixedBuffer, { min: 0, scaleToZero: { idleAfter: '30m', allocateWait: '30s' } }),
  ],
];

const createdAt = '2024-05-01T10:00:00.000Z';

/** POST /schedulers over HTTP: JSON body → validated scheduler → the response's JSON. */
function overHttp(json: JsonObject) {
  const request = decodeJsonMessage(CreateSchedulerRequestSchema, json);
  const scheduler = validateScheduler({ ...fromCreateSchedulerRequest(request), createdAt });
  const message = toProtoScheduler(scheduler);
  return { scheduler, message, response: toGatewayJson(SchedulerSchema, message) };
}

/** CreateScheduler over gRPC: binary request → validated scheduler → binary response. */
function overGrpc(json: JsonObject) {
  const wire = toBinary(CreateSchedulerRequestSchema, fromJson(CreateSchedulerRequestSchema, json));
  const request = fromBinary(CreateSchedulerRequestSchema, wire);
  const scheduler = validateScheduler({ ...fromCreateSchedulerRequest(request), createdAt });
  return { scheduler, response: toBinary(SchedulerSchema, toProtoScheduler(scheduler)) };
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SchedulerValidationError || error instanceof MalformedRequestError)
      return error.problems.map(({ field, message }) => `${field}: ${message}`);
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('new autoscaling policies through the scheduler codecs', () => {
  it.each(cases)(
    'returns the %s block with its defaults when created over HTTP',
    (_n, sent, expected) => {
      const { response } = overHttp(withAutoscaling(sent));

      expect(response).toHaveProperty('autoscaling', expected);
    },
  );

  it.each(cases)('reads the %s block the same over binary gRPC as over HTTP', (_n, sent) => {
    const http = overHttp(withAutoscaling(sent));
    const grpc = overGrpc(withAutoscaling(sent));

    expect(grpc.scheduler).toEqual(http.scheduler);
    expect(grpc.response).toEqual(toBinary(SchedulerSchema, http.message));
  });

  it.each(cases)(
    'keeps the %s block when the response is posted back as a new version',
    (_n, sent) => {
      const { scheduler, response } = overHttp(withAutoscaling(sent));
      const request = decodeJsonMessage(NewSchedulerVersionRequestSchema, response);

      const again = validateScheduler({
        ...fromNewSchedulerVersionRequest(request),
        state: scheduler.state,
        createdAt,
      });

      expect(again).toEqual(scheduler);
    },
  );

  it('writes a Maestro-shaped autoscaling block with Maestro’s keys only', () => {
    const { response } = overHttp(withAutoscaling(autoscaling(roomOccupancy)));

    expect(response).toHaveProperty('autoscaling', {
      enabled: true,
      min: 1,
      max: 50,
      cooldown: 30,
      policy: {
        type: 'roomOccupancy',
        parameters: { roomOccupancy: { readyTarget: 0.5, downThreshold: 0.99 } },
      },
    });
  });

  it('names every bad field by the JSON path the user wrote', () => {
    const bad = autoscaling(
      {
        type: 'schedule',
        parameters: {
          schedule: {
            windows: [
              { start: '0 25 * * *', duration: '5h', timeZone: 'Mars/Olympus', policy: webhook },
            ],
            default: { type: 'chain', parameters: {} },
          },
        },
      },
      { min: 2, scaleToZero: { idleAfter: 'soon' } },
    );

    const problems = problemsOf(() => overHttp(withAutoscaling(bad)));

    expect(problems).toEqual([
      'autoscaling.policy.parameters.schedule.windows[0].start: hour 25 is out of range 0-23',
      'autoscaling.policy.parameters.schedule.windows[0].timeZone: must be an IANA time zone such as Europe/Berlin',
      'autoscaling.policy.parameters.schedule.default.type: must be one of roomOccupancy, fixedBuffer, webhook (schedules and chains do not nest)',
      'autoscaling.scaleToZero.idleAfter: must be a duration such as 90m, 5h, 1h30m or 500ms',
      'autoscaling.scaleToZero: applies only when min is 0 (min is 2)',
    ]);
  });

  it('refuses an absent min over HTTP and gRPC instead of reading it as 0 (scale to zero)', () => {
    const { min: _min, ...withoutMin } = autoscaling(roomOccupancy);

    expect(problemsOf(() => overHttp(withAutoscaling(withoutMin)))).toEqual([
      'autoscaling.min: is required',
    ]);
    expect(problemsOf(() => overGrpc(withAutoscaling(withoutMin)))).toEqual([
      'autoscaling.min: is required',
    ]);
    expect(
      overGrpc(withAutoscaling(autoscaling(roomOccupancy, { min: 0 }))).scheduler.autoscaling?.min,
    ).toBe(0);
  });

  it('names the JSON path of a value of the wrong type', () => {
    const bad = autoscaling({
      type: 'chain',
      parameters: { chain: { entries: [{ window: { ...window, timeZone: 5 } }] } },
    });

    expect(problemsOf(() => overHttp(withAutoscaling(bad)))).toEqual([
      'autoscaling.policy.parameters.chain.entries[0].window.timeZone: must be a string',
    ]);
  });
});

describe('PATCH with the new autoscaling fields', () => {
  const stored = (): Scheduler => overHttp(withAutoscaling(autoscaling(roomOccupancy))).scheduler;
  const patchWith = (json: JsonObject) =>
    toSchedulerPatch(decodeJsonMessage(PatchSchedulerRequestSchema, json));

  it('replaces the whole policy and sets scaleToZero when the patch names them', () => {
    const patch = patchWith({
      autoscaling: { min: 0, policy: webhook, scaleToZero: { allocateWait: '10s' } },
    });

    const patched = applySchedulerPatch(stored(), patch);

    expect(patched.autoscaling).toEqual({
      ...autoscaling(webhookWithDefaults),
      min: 0,
      scaleToZero: { idleAfter: '15m', allocateWait: '10s' },
    });
  });

  it('keeps the stored scaleToZero when the patch does not name it', () => {
    const zero = applySchedulerPatch(
      stored(),
      patchWith({ autoscaling: { min: 0, scaleToZero: { idleAfter: '1h' } } }),
    );

    const patched = applySchedulerPatch(zero, patchWith({ autoscaling: { max: 10 } }));

    expect(patched.autoscaling?.scaleToZero).toEqual({ idleAfter: '1h', allocateWait: '30s' });
    expect(patched.autoscaling?.max).toBe(10);
  });
});
