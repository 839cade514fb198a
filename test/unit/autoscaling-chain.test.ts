import {
  evaluateChain,
  evaluateSchedule,
  scheduleAsChain,
} from '../../src/domain/autoscaling/chain';
import type { ChainParameters, InnerPolicy } from '../../src/domain/autoscaling/policies';
import type { Window } from '../../src/domain/autoscaling/window';

const buffer = (amount: number): InnerPolicy => ({
  type: 'fixedBuffer',
  parameters: { fixedBuffer: { amount } },
});
const berlin = (start: string, duration: string, leadTime?: string): Window => ({
  start,
  duration,
  timeZone: 'Europe/Berlin',
  ...(leadTime === undefined ? {} : { leadTime }),
});

// 2024-12-24 is a Tuesday; Berlin is UTC+1 in December.
const launch = berlin('0 0 24 DEC *', '2d', '2h');
const evenings = berlin('0 18 * * MON-FRI', '5h');

const chain: ChainParameters = {
  entries: [
    { window: launch, policy: buffer(50) },
    { window: evenings, policy: buffer(20) },
  ],
  default: buffer(5),
};

describe('evaluateChain', () => {
  it.each([
    ['the default when no window is active', '2024-12-20T10:00:00.000Z', undefined, 5],
    ['the only active entry', '2024-12-20T17:30:00.000Z', 1, 20],
    ['the first active entry when several are', '2024-12-24T17:30:00.000Z', 0, 50],
    ['an entry within its lead time', '2024-12-23T22:00:00.000Z', 0, 50],
  ])('chooses %s', (_, now, entry, amount) => {
    const choice = evaluateChain(chain, new Date(now));

    expect(choice.entry).toBe(entry);
    expect(choice.policy).toEqual(buffer(amount));
  });

  it('says which entry applies, its occurrence and the lead time', () => {
    const atLead = evaluateChain(chain, new Date('2024-12-23T22:30:00.000Z'));
    const inEvening = evaluateChain(chain, new Date('2024-12-20T17:30:00.000Z'));
    const none = evaluateChain(chain, new Date('2024-12-20T10:00:00.000Z'));

    expect(atLead.reason).toBe(
      'entries[0] active: window 0 0 24 DEC * Europe/Berlin ' +
        '2024-12-23T23:00:00.000Z–2024-12-25T23:00:00.000Z (lead time 2h before it)',
    );
    expect(inEvening.reason).toBe(
      'entries[1] active: window 0 18 * * MON-FRI Europe/Berlin ' +
        '2024-12-20T17:00:00.000Z–2024-12-20T22:00:00.000Z',
    );
    expect(none.reason).toBe('no entries active: default');
  });

  it('takes an entry without a window whenever no earlier entry is active', () => {
    const withCatchAll: ChainParameters = {
      entries: [{ window: evenings, policy: buffer(20) }, { policy: buffer(8) }],
      default: buffer(5),
    };

    const choice = evaluateChain(withCatchAll, new Date('2024-12-20T10:00:00.000Z'));

    expect(choice).toEqual({
      policy: buffer(8),
      entry: 1,
      reason: 'entries[1] has no window: always active',
    });
  });
});

describe('evaluateSchedule', () => {
  const schedule = {
    windows: [
      { ...launch, policy: buffer(50) },
      { ...evenings, policy: buffer(20) },
    ],
    default: buffer(5),
  };

  it('is the chain of its windows, in order', () => {
    expect(scheduleAsChain(schedule)).toEqual(chain);
  });

  it.each([
    ['2024-12-20T10:00:00.000Z', undefined, 5, 'no windows active: default'],
    ['2024-12-24T17:30:00.000Z', 0, 50, 'windows[0] active'],
    ['2024-12-20T17:30:00.000Z', 1, 20, 'windows[1] active'],
  ])('at %s applies window %s (fixedBuffer %d)', (now, entry, amount, reason) => {
    const choice = evaluateSchedule(schedule, new Date(now));

    expect(choice.entry).toBe(entry);
    expect(choice.policy).toEqual(buffer(amount));
    expect(choice.reason).toContain(reason);
  });
});
