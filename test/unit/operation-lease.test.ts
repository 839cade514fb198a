import { operationLeaseTtl } from '../../src/adapters/temporal/operation-lease';

type Activities = Parameters<typeof operationLeaseTtl>[0];
/** Seconds as plain numbers (a decoded JSON history's form; the function reads Long and number). */
const activities = (list: object[]) => list as unknown as Activities;

const at = (iso: string) => {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
};
const seconds = (s: number) => ({ seconds: s, nanos: 0 });

describe('operationLeaseTtl', () => {
  it('is the last heartbeat plus the heartbeat timeout, rounded up to the second', () => {
    const pending = activities([
      {
        lastHeartbeatTime: at('2026-12-06T10:00:00.100Z'),
        activityOptions: { heartbeatTimeout: seconds(5) },
      },
    ]);

    // 10:00:05.100 is not expired at 10:00:05: the lease says 10:00:06, never earlier.
    expect(operationLeaseTtl(pending)).toBe('2026-12-06T10:00:06Z');
  });

  it('keeps a deadline on a whole second as it is', () => {
    const pending = activities([
      { lastStartedTime: at('2026-12-06T10:00:00.000Z') }, // no heartbeat yet: from the start
    ]);

    expect(operationLeaseTtl(pending)).toBe('2026-12-06T10:00:05Z'); // the 5 s default
  });

  it('takes the latest deadline of the pending activities, and none without one', () => {
    const pending = activities([
      { scheduledTime: at('2026-12-06T10:00:00.000Z') },
      {
        lastHeartbeatTime: at('2026-12-06T10:00:20.000Z'),
        activityOptions: { heartbeatTimeout: seconds(30) },
      },
    ]);

    expect(operationLeaseTtl(pending)).toBe('2026-12-06T10:00:50Z');
    expect(operationLeaseTtl(activities([{}]))).toBeUndefined();
    expect(operationLeaseTtl([])).toBeUndefined();
  });
});
