/**
 * The rules of a scheduler's `autoscaling` block: Maestro's two policies plus webhook, schedule
 * and chain, and min 0 with scale to zero. `validateScheduler` embeds `autoscalingSchema`; every
 * problem is reported at once, each naming the path the API user wrote.
 */
import { z } from 'zod';
import type { Autoscaling } from '../scheduler/scheduler';
import {
  SchedulerValidationError,
  acrossFields,
  fieldPath,
  fixedBufferParametersSchema,
  integer,
  roomOccupancyParametersSchema,
  typeProblem,
} from '../scheduler/validation-rules';
import { parseCron } from './cron';
import { DURATION_FORMAT, parseDuration } from './duration';
import {
  InnerPolicyType,
  LocalPolicyType,
  PolicyType,
  SCALE_TO_ZERO_DEFAULTS,
  WEBHOOK_DEFAULTS,
} from './policies';
import { isTimeZone } from './zoned-time';

/** Limits of the new blocks. */
export const POLICY_LIMITS = {
  /** Longer windows are better written as the default. */
  maxWindowMs: 31 * 86_400_000,
  minWindowMs: 60_000,
  maxEntries: 20,
  minWebhookTimeoutMs: 100,
  /** A slow webhook must not hold up the health controller. */
  maxWebhookTimeoutMs: 10_000,
  minWebhookIntervalMs: 1_000,
  maxWebhookIntervalMs: 3_600_000,
  minIdleAfterMs: 60_000,
  maxIdleAfterMs: 7 * 86_400_000,
  /** An allocation never waits longer for a room to wake (a matchmaker's request is waiting). */
  maxAllocateWaitMs: 120_000,
} as const;

const issue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

const cronText = z.string().superRefine((value, ctx) => {
  const parsed = parseCron(value);
  if ('problems' in parsed) for (const problem of parsed.problems) issue(ctx, [], problem);
});

/** A duration string within [min, max] ms. */
const durationText = (min: number, max: number, range: string) =>
  z.string().superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) issue(ctx, [], DURATION_FORMAT);
    else if (ms < min || ms > max) issue(ctx, [], `must be ${range}`);
  });

const windowShape = {
  start: cronText,
  duration: durationText(POLICY_LIMITS.minWindowMs, POLICY_LIMITS.maxWindowMs, 'from 1m to 31d'),
  timeZone: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
  leadTime: durationText(0, POLICY_LIMITS.maxWindowMs, 'at most 31d').optional(),
};

/** leadTime ≤ duration: a longer lead is almost always a unit mistake (90h for 90m). */
const leadWithinDuration = acrossFields(
  z.object({ duration: z.string(), leadTime: z.string() }),
  ({ duration, leadTime }, ctx) => {
    const [durationMs, leadMs] = [parseDuration(duration), parseDuration(leadTime)];
    if (durationMs !== undefined && leadMs !== undefined && leadMs > durationMs)
      issue(ctx, ['leadTime'], `must be at most the window's duration (${duration})`);
  },
);

const windowSchema = z.object(windowShape).superRefine(...leadWithinDuration);

/** `{type, parameters}` whose `parameters[type]` is required. */
function typedPolicy<const T extends Record<string, string>, S extends z.ZodRawShape>(
  types: T,
  parameters: S,
  typeError: string,
) {
  const type = z.string().pipe(z.enum(types, { error: typeError }));
  return z
    .object({ type, parameters: z.object(parameters).default(() => ({}) as never) })
    .superRefine(
      ...acrossFields(
        z.object({ type, parameters: z.record(z.string(), z.unknown()) }),
        ({ type, parameters }, ctx) => {
          if (parameters[type] === undefined)
            issue(ctx, ['parameters', type], `is required when type is ${type}`);
        },
      ),
    );
}

const localParameters = {
  roomOccupancy: roomOccupancyParametersSchema.optional(),
  fixedBuffer: fixedBufferParametersSchema.optional(),
};
const localPolicySchema = typedPolicy(
  LocalPolicyType,
  localParameters,
  'must be roomOccupancy or fixedBuffer (a failing webhook cannot fall back on a webhook)',
);

const fallbackSchema = z
  .object({
    type: z.string().pipe(z.enum(['keep', 'policy'], { error: 'must be keep or policy' })),
    policy: localPolicySchema.optional(),
  })
  .superRefine(
    ...acrossFields(
      z.object({ type: z.string(), policy: z.unknown().optional() }),
      ({ type, policy }, ctx) => {
        if (type === 'policy' && policy === undefined)
          issue(ctx, ['policy'], 'is required when type is policy');
        if (type === 'keep' && policy !== undefined)
          issue(ctx, ['policy'], 'must not be set when type is keep');
      },
    ),
  )
  .transform((fallback) =>
    fallback.type === 'policy' && fallback.policy
      ? { type: 'policy' as const, policy: fallback.policy }
      : { type: 'keep' as const },
  );

const webhookSchema = z.object({
  url: z.string().refine(isHttpsUrl, { error: 'must be an https:// URL' }),
  timeout: durationText(
    POLICY_LIMITS.minWebhookTimeoutMs,
    POLICY_LIMITS.maxWebhookTimeoutMs,
    'from 100ms to 10s',
  ).default(WEBHOOK_DEFAULTS.timeout),
  caBundle: z
    .string()
    .refine((pem) => pem.includes('-----BEGIN CERTIFICATE-----'), {
      error: 'must be PEM certificates (-----BEGIN CERTIFICATE-----)',
    })
    .optional(),
  interval: durationText(
    POLICY_LIMITS.minWebhookIntervalMs,
    POLICY_LIMITS.maxWebhookIntervalMs,
    'from 1s to 1h',
  ).default(WEBHOOK_DEFAULTS.interval),
  fallback: fallbackSchema.default({ type: 'keep' }),
});

const innerPolicySchema = typedPolicy(
  InnerPolicyType,
  { ...localParameters, webhook: webhookSchema.optional() },
  'must be one of roomOccupancy, fixedBuffer, webhook (schedules and chains do not nest)',
);

const entries = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, { error: 'must have at least 1 entry' })
    .max(POLICY_LIMITS.maxEntries, {
      error: `must have at most ${POLICY_LIMITS.maxEntries} entries`,
    });

const scheduleSchema = z.object({
  windows: entries(
    z.object({ ...windowShape, policy: innerPolicySchema }).superRefine(...leadWithinDuration),
  ),
  default: innerPolicySchema,
});

const chainSchema = z
  .object({
    entries: entries(z.object({ window: windowSchema.optional(), policy: innerPolicySchema })),
    default: innerPolicySchema,
  })
  .superRefine(
    ...acrossFields(
      z.object({ entries: z.array(z.object({ window: z.unknown().optional() })) }),
      ({ entries }, ctx) => {
        const always = entries.findIndex((entry) => entry.window === undefined);
        for (let later = always + 1; always >= 0 && later < entries.length; later++)
          issue(
            ctx,
            ['entries', later],
            `is never reached: entries[${always}] has no window and is always active`,
          );
      },
    ),
  );

/** The policy block with every type, as `autoscaling.policy`. */
export const autoscalingPolicySchema = typedPolicy(
  PolicyType,
  {
    ...localParameters,
    webhook: webhookSchema.optional(),
    schedule: scheduleSchema.optional(),
    chain: chainSchema.optional(),
  },
  `must be one of ${Object.values(PolicyType).join(', ')}`,
);

const scaleToZeroSchema = z.object({
  idleAfter: durationText(
    POLICY_LIMITS.minIdleAfterMs,
    POLICY_LIMITS.maxIdleAfterMs,
    'from 1m to 7d',
  ).default(SCALE_TO_ZERO_DEFAULTS.idleAfter),
  allocateWait: durationText(0, POLICY_LIMITS.maxAllocateWaitMs, 'at most 2m').default(
    SCALE_TO_ZERO_DEFAULTS.allocateWait,
  ),
});

const bounds = z.object({ min: integer().min(0), max: integer().min(-1) });

/** A scheduler's `autoscaling` block. */
export const autoscalingSchema = z
  .object({
    enabled: z.boolean(),
    min: integer().min(0, { error: 'must be at least 0' }),
    max: integer().min(-1, { error: 'must be at least -1' }),
    cooldown: integer().min(0, { error: 'must be at least 0' }).default(0),
    policy: autoscalingPolicySchema,
    scaleToZero: scaleToZeroSchema.optional(),
  })
  .superRefine(
    ...acrossFields(bounds, ({ min, max }, ctx) => {
      if (max === 0) issue(ctx, ['max'], 'must be at least 1, or -1 for no limit');
      else if (max !== -1 && min > max)
        issue(ctx, ['max'], `must be at least min (${min}), or -1 for no limit`);
    }),
  )
  .superRefine(
    ...acrossFields(
      bounds.extend({ scaleToZero: z.unknown().optional() }),
      ({ min, scaleToZero }, ctx) => {
        if (scaleToZero !== undefined && min !== 0)
          issue(ctx, ['scaleToZero'], `applies only when min is 0 (min is ${min})`);
      },
    ),
  );

/**
 * Checks an `autoscaling` block alone and fills in its defaults (cooldown 0, webhook timeout 2s,
 * interval 15s and fallback keep, scale-to-zero idleAfter 15m and allocateWait 30s). Throws
 * `SchedulerValidationError` listing every problem under `autoscaling.`.
 */
export function validateAutoscaling(candidate: unknown): Autoscaling {
  const result = autoscalingSchema.safeParse(candidate, { error: typeProblem });
  if (result.success) return result.data;
  throw new SchedulerValidationError(
    result.error.issues.map((problem) => ({
      field: fieldPath(['autoscaling', ...problem.path]),
      message: problem.message,
    })),
  );
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}
