/**
 * The building blocks of the scheduler's rules, shared by `validation.ts` (the whole definition)
 * and `autoscaling/policy-validation.ts` (the autoscaling policies it embeds): the error listing
 * every problem, the API's words for zod's type errors, field paths as the user wrote them.
 */
import { z } from 'zod';
import { DomainError, ErrorCode } from '../errors';
import { FIRST_VERSION, SchedulerState } from './scheduler';
import { RestartPolicy } from './spec';

/** One broken rule: `field` is a JSON path such as `spec.containers[0].ports[1].name`. */
export interface ValidationProblem {
  field: string;
  message: string;
}

/** A scheduler definition broke one or more rules; `problems` lists all of them. */
export class SchedulerValidationError extends DomainError {
  constructor(readonly problems: readonly ValidationProblem[]) {
    const lines = problems.map((problem) => `${problem.field}: ${problem.message}`);
    super(ErrorCode.INVALID_ARGUMENT, ['Validation Error:', ...lines].join('\n'));
  }
}

/** What an absent field becomes (Maestro's defaults; stored rows without maxMatches read as 1). */
export const SCHEDULER_DEFAULTS = {
  state: SchedulerState.CREATING,
  version: FIRST_VERSION,
  restartPolicy: RestartPolicy.NEVER,
  maxMatches: 1,
  forwarderTimeoutMs: 1_000,
  downThreshold: 0.99,
} as const;

export const addIssue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

export const integer = () => z.number().int({ error: 'must be an integer' });

export const positive = () => integer().min(1, { error: 'must be greater than 0' });

export const fraction = () => {
  const error = 'must be between 0 and 1 (exclusive)';
  return z.number().gt(0, { error }).lt(1, { error });
};

/**
 * A rule across fields: it reads `shape` out of the value, so it runs whenever those fields are
 * well-formed, even if others are not (zod skips plain refinements after any field fails).
 */
export function acrossFields<T>(
  shape: z.ZodType<T>,
  rule: (value: T, ctx: z.RefinementCtx) => void,
) {
  return [
    (value: unknown, ctx: z.RefinementCtx) => {
      const parsed = shape.safeParse(value);
      if (parsed.success) rule(parsed.data, ctx);
    },
    { when: () => true },
  ] as const;
}

/** The rules of `roomOccupancy` parameters, wherever a policy names them. */
export const roomOccupancyParametersSchema = z.object({
  readyTarget: fraction(),
  downThreshold: fraction().default(SCHEDULER_DEFAULTS.downThreshold),
});

/** The rules of `fixedBuffer` parameters, wherever a policy names them. */
export const fixedBufferParametersSchema = z.object({ amount: positive() });

/** Domain field names that the API spells differently. */
const WIRE_NAMES: Record<string, string> = {
  terminationGracePeriodMs: 'terminationGracePeriod',
  timeoutMs: 'timeout',
};

/** The JSON path the API user wrote, e.g. `spec.containers[0].name`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'scheduler';
  return path
    .map((key, i) =>
      typeof key === 'number'
        ? `[${key}]`
        : `${i === 0 ? '' : '.'}${WIRE_NAMES[String(key)] ?? String(key)}`,
    )
    .join('');
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

/** zod's type errors in the API's words (`is required`, `must be a list`). */
export function typeProblem(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}`;
}
