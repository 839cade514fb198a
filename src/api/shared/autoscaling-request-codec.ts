/**
 * Maps an autoscaling policy of `api.v1` (messages.proto: `AutoscalingPolicy`, `ScaleToZero`) to
 * the scheduler domain, unvalidated: Maestro's roomOccupancy and fixedBuffer, and the webhook,
 * schedule and chain policies. Absent optional fields stay absent so the domain fills in its
 * defaults. Pure; used by the create, new-version and patch codecs.
 */
import type {
  AutoscalingPolicy as ProtoPolicy,
  PolicyWindow as ProtoWindow,
  ScaleToZero as ProtoScaleToZero,
  ScheduleWindow as ProtoScheduleWindow,
} from '../../gen/api/v1/messages_pb';
import type { SchedulerCandidate } from '../../domain/scheduler/validation';

type PolicyCandidate = NonNullable<SchedulerCandidate['autoscaling']>['policy'];

/** float32 fields arrive as 0.30000001192092896 over gRPC: keep the digits float32 can hold. */
const fromFloat32 = (value: number): number => Number(value.toPrecision(7));

type ProtoParameters = NonNullable<ProtoPolicy['parameters']>;

const fromWindow = (window: ProtoWindow | ProtoScheduleWindow) => ({
  start: window.start,
  duration: window.duration,
  timeZone: window.timeZone,
  leadTime: window.leadTime,
});

const fromWebhook = (webhook: NonNullable<ProtoParameters['webhook']>) => ({
  url: webhook.url,
  timeout: webhook.timeout,
  caBundle: webhook.caBundle,
  interval: webhook.interval,
  fallback: webhook.fallback && {
    type: webhook.fallback.type,
    policy: webhook.fallback.policy && fromPolicy(webhook.fallback.policy),
  },
});

const fromSchedule = (schedule: NonNullable<ProtoParameters['schedule']>) => ({
  windows: schedule.windows.map((window) => ({
    ...fromWindow(window),
    policy: fromPolicy(window.policy),
  })),
  default: fromPolicy(schedule.default),
});

const fromChain = (chain: NonNullable<ProtoParameters['chain']>) => ({
  entries: chain.entries.map((entry) => ({
    window: entry.window && fromWindow(entry.window),
    policy: fromPolicy(entry.policy),
  })),
  default: fromPolicy(chain.default),
});

/**
 * Any policy, nested ones included (a window's, a chain entry's, a default, a webhook's
 * fallback): every parameters block is carried over and the domain validation decides which
 * types may appear where.
 */
export function fromPolicy(policy: ProtoPolicy | undefined): PolicyCandidate {
  const { roomOccupancy, fixedBuffer, webhook, schedule, chain } = policy?.parameters ?? {};
  return {
    type: policy?.type ?? '',
    parameters: {
      roomOccupancy: roomOccupancy && {
        readyTarget: fromFloat32(roomOccupancy.readyTarget),
        downThreshold:
          roomOccupancy.downThreshold === undefined
            ? undefined
            : fromFloat32(roomOccupancy.downThreshold),
      },
      fixedBuffer: fixedBuffer && { amount: fixedBuffer.amount ?? 0 },
      webhook: webhook && fromWebhook(webhook),
      schedule: schedule && fromSchedule(schedule),
      chain: chain && fromChain(chain),
    },
  };
}

/** Absent durations stay absent: the domain fills in its defaults. */
export const fromScaleToZero = (scaleToZero: ProtoScaleToZero) => ({
  idleAfter: scaleToZero.idleAfter,
  allocateWait: scaleToZero.allocateWait,
});
