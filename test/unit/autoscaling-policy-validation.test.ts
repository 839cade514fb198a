import { validateAutoscaling } from '../../src/domain/autoscaling/policy-validation';
import { SchedulerValidationError } from '../../src/domain/scheduler/validation';

const buffer = { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 2 } } };
const window = { start: '0 18 * * MON-FRI', duration: '5h', timeZone: 'Europe/Berlin' };
const webhook = (parameters: object) => ({ type: 'webhook', parameters: { webhook: parameters } });
const block = (policy: object, bounds = { min: 0, max: 10 }) => ({
  enabled: true,
  ...bounds,
  policy,
});

/** The problems as `field: message` lines, or [] when valid. */
function problems(candidate: unknown): string[] {
  try {
    validateAutoscaling(candidate);
    return [];
  } catch (error) {
    if (!(error instanceof SchedulerValidationError)) throw error;
    return error.problems.map(({ field, message }) => `${field}: ${message}`);
  }
}

describe('validateAutoscaling', () => {
  it('fills in the webhook defaults: timeout 2s, interval 15s, fallback keep', () => {
    const parsed = validateAutoscaling(block(webhook({ url: 'https://scaler.example/v1' })));

    expect(parsed.policy.parameters.webhook).toEqual({
      url: 'https://scaler.example/v1',
      timeout: '2s',
      interval: '15s',
      fallback: { type: 'keep' },
    });
  });

  it.each([
    ['min 0 (scale to zero)', block(buffer, { min: 0, max: -1 })],
    [
      'a schedule',
      block({
        type: 'schedule',
        parameters: {
          schedule: { windows: [{ ...window, leadTime: '30m', policy: buffer }], default: buffer },
        },
      }),
    ],
    [
      'a chain ending in an entry without a window',
      block({
        type: 'chain',
        parameters: {
          chain: {
            entries: [
              { window, policy: buffer },
              {
                policy: webhook({
                  url: 'https://a.example',
                  fallback: { type: 'policy', policy: buffer },
                }),
              },
            ],
            default: buffer,
          },
        },
      }),
    ],
    [
      'a webhook with a CA bundle',
      block(
        webhook({
          url: 'https://a.example',
          timeout: '500ms',
          caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        }),
      ),
    ],
  ])('accepts %s', (_, candidate) => {
    expect(problems(candidate)).toEqual([]);
  });

  it.each([
    [
      'bounds',
      block(buffer, { min: -1, max: -2 }),
      ['autoscaling.min: must be at least 0', 'autoscaling.max: must be at least -1'],
    ],
    [
      'max below min',
      block(buffer, { min: 5, max: 3 }),
      ['autoscaling.max: must be at least min (5), or -1 for no limit'],
    ],
    [
      'an unknown type',
      block({ type: 'magic' }),
      [
        'autoscaling.policy.type: must be one of roomOccupancy, fixedBuffer, webhook, schedule, chain',
      ],
    ],
    [
      'missing parameters',
      block({ type: 'schedule' }),
      ['autoscaling.policy.parameters.schedule: is required when type is schedule'],
    ],
    [
      'every broken window field at once',
      block({
        type: 'schedule',
        parameters: {
          schedule: {
            windows: [
              {
                start: '61 25 * * *',
                duration: '5 hours',
                timeZone: 'Europe/Atlantis',
                policy: buffer,
              },
              { ...window, duration: '30s', leadTime: '1h', policy: buffer },
            ],
            default: buffer,
          },
        },
      }),
      [
        'autoscaling.policy.parameters.schedule.windows[0].start: minute 61 is out of range 0-59',
        'autoscaling.policy.parameters.schedule.windows[0].start: hour 25 is out of range 0-23',
        'autoscaling.policy.parameters.schedule.windows[0].duration: must be a duration such as 90m, 5h, 1h30m or 500ms',
        'autoscaling.policy.parameters.schedule.windows[0].timeZone: must be an IANA time zone such as Europe/Berlin',
        'autoscaling.policy.parameters.schedule.windows[1].duration: must be from 1m to 31d',
        "autoscaling.policy.parameters.schedule.windows[1].leadTime: must be at most the window's duration (30s)",
      ],
    ],
    [
      'a window longer than 31 days',
      block({
        type: 'schedule',
        parameters: {
          schedule: { windows: [{ ...window, duration: '32d', policy: buffer }], default: buffer },
        },
      }),
      ['autoscaling.policy.parameters.schedule.windows[0].duration: must be from 1m to 31d'],
    ],
    [
      'a lead time longer than the window',
      block({
        type: 'chain',
        parameters: {
          chain: {
            entries: [{ window: { ...window, leadTime: '6h' }, policy: buffer }],
            default: buffer,
          },
        },
      }),
      [
        "autoscaling.policy.parameters.chain.entries[0].window.leadTime: must be at most the window's duration (5h)",
      ],
    ],
    [
      'a schedule without windows or default',
      block({ type: 'schedule', parameters: { schedule: { windows: [] } } }),
      [
        'autoscaling.policy.parameters.schedule.windows: must have at least 1 entry',
        'autoscaling.policy.parameters.schedule.default: is required',
      ],
    ],
    [
      'a nested chain',
      block({
        type: 'chain',
        parameters: { chain: { entries: [{ policy: { type: 'schedule' } }], default: buffer } },
      }),
      [
        'autoscaling.policy.parameters.chain.entries[0].policy.type: must be one of roomOccupancy, fixedBuffer, webhook (schedules and chains do not nest)',
      ],
    ],
    [
      'entries after an always-active one',
      block({
        type: 'chain',
        parameters: {
          chain: {
            entries: [{ policy: buffer }, { window, policy: buffer }, { policy: buffer }],
            default: buffer,
          },
        },
      }),
      [
        'autoscaling.policy.parameters.chain.entries[1]: is never reached: entries[0] has no window and is always active',
        'autoscaling.policy.parameters.chain.entries[2]: is never reached: entries[0] has no window and is always active',
      ],
    ],
    [
      'inner parameters with the existing rules',
      block({
        type: 'chain',
        parameters: {
          chain: {
            entries: [
              {
                window,
                policy: {
                  type: 'roomOccupancy',
                  parameters: { roomOccupancy: { readyTarget: 1.5 } },
                },
              },
            ],
            default: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 0 } } },
          },
        },
      }),
      [
        'autoscaling.policy.parameters.chain.entries[0].policy.parameters.roomOccupancy.readyTarget: must be between 0 and 1 (exclusive)',
        'autoscaling.policy.parameters.chain.default.parameters.fixedBuffer.amount: must be greater than 0',
      ],
    ],
    [
      'a plain-HTTP webhook, a short timeout and a bad CA bundle',
      block(webhook({ url: 'http://a.example', timeout: '50ms', caBundle: 'not a pem' })),
      [
        'autoscaling.policy.parameters.webhook.url: must be an https:// URL',
        'autoscaling.policy.parameters.webhook.timeout: must be from 100ms to 10s',
        'autoscaling.policy.parameters.webhook.caBundle: must be PEM certificates (-----BEGIN CERTIFICATE-----)',
      ],
    ],
    [
      'a webhook without a URL',
      block(webhook({})),
      ['autoscaling.policy.parameters.webhook.url: is required'],
    ],
    [
      'a webhook falling back on a webhook',
      block(
        webhook({
          url: 'https://a.example',
          fallback: { type: 'policy', policy: webhook({ url: 'https://b.example' }) },
        }),
      ),
      [
        'autoscaling.policy.parameters.webhook.fallback.policy.type: must be roomOccupancy or fixedBuffer (a failing webhook cannot fall back on a webhook)',
      ],
    ],
    [
      'a policy fallback without a policy',
      block(webhook({ url: 'https://a.example', fallback: { type: 'policy' } })),
      ['autoscaling.policy.parameters.webhook.fallback.policy: is required when type is policy'],
    ],
    [
      'a keep fallback with a policy',
      block(webhook({ url: 'https://a.example', fallback: { type: 'keep', policy: buffer } })),
      ['autoscaling.policy.parameters.webhook.fallback.policy: must not be set when type is keep'],
    ],
    [
      'an unknown fallback',
      block(webhook({ url: 'https://a.example', fallback: { type: 'retry' } })),
      ['autoscaling.policy.parameters.webhook.fallback.type: must be keep or policy'],
    ],
    ['a block that is not an object', 'chain', ['autoscaling: must be an object']],
  ])('reports %s', (_, candidate, expected) => {
    expect(problems(candidate)).toEqual(expected);
  });
});
