import { DomainError } from '../../src/domain/errors';
import { parseDuration } from '../../src/domain/autoscaling/duration';
import { windowActivity, type Window } from '../../src/domain/autoscaling/window';

const berlin = (start: string, duration: string, leadTime?: string): Window => ({
  start,
  duration,
  timeZone: 'Europe/Berlin',
  ...(leadTime === undefined ? {} : { leadTime }),
});
const newYork = (start: string, duration: string): Window => ({
  start,
  duration,
  timeZone: 'America/New_York',
});

/** The occurrence active at `now` as `start–end`, or `inactive`. */
function activeAt(window: Window, now: string): string {
  const activity = windowActivity(window, new Date(now));
  if (!activity.isActive) return 'inactive';
  return `${activity.start}–${activity.end}${activity.isLeading ? ' leading' : ''}`;
}

describe('parseDuration', () => {
  it.each([
    ['5h', 5 * 3_600_000],
    ['90m', 90 * 60_000],
    ['1h30m', 90 * 60_000],
    ['1d12h', 36 * 3_600_000],
    ['2s', 2_000],
    ['500ms', 500],
    ['0m', 0],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 'h', '30m1h', '5h5h', '1.5h', '5 h', '-5m', '5H', '10x'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('windowActivity', () => {
  const weekdayEvenings = berlin('0 18 * * MON-FRI', '5h');

  it.each([
    // 2024-05-06 is a Monday; Berlin is UTC+2 in May.
    ['inactive before the start', weekdayEvenings, '2024-05-06T15:59:59.999Z', 'inactive'],
    [
      'active at the start',
      weekdayEvenings,
      '2024-05-06T16:00:00.000Z',
      '2024-05-06T16:00:00.000Z–2024-05-06T21:00:00.000Z',
    ],
    [
      'active until just before the end',
      weekdayEvenings,
      '2024-05-06T20:59:59.999Z',
      '2024-05-06T16:00:00.000Z–2024-05-06T21:00:00.000Z',
    ],
    ['inactive at the end', weekdayEvenings, '2024-05-06T21:00:00.000Z', 'inactive'],
    ['inactive on a Saturday', weekdayEvenings, '2024-05-11T17:00:00.000Z', 'inactive'],
    // Across midnight: Friday 22:00 for 4 h is still active at 01:30 on Saturday.
    [
      'active past midnight into a day the cron excludes',
      berlin('0 22 * * FRI', '4h'),
      '2024-05-10T23:30:00.000Z',
      '2024-05-10T20:00:00.000Z–2024-05-11T00:00:00.000Z',
    ],
    [
      'inactive after a window that crossed midnight',
      berlin('0 22 * * FRI', '4h'),
      '2024-05-11T00:00:00.000Z',
      'inactive',
    ],
    [
      'active days after a long window started',
      berlin('0 0 1 * *', '3d'),
      '2024-05-03T12:00:00.000Z',
      '2024-04-30T22:00:00.000Z–2024-05-03T22:00:00.000Z',
    ],
    [
      'the latest of overlapping occurrences',
      berlin('*/15 * * * *', '1h'),
      '2024-05-06T10:20:00.000Z',
      '2024-05-06T10:15:00.000Z–2024-05-06T11:15:00.000Z',
    ],
    [
      'in UTC',
      { start: '30 9 * * *', duration: '1h', timeZone: 'UTC' },
      '2024-05-06T10:00:00.000Z',
      '2024-05-06T09:30:00.000Z–2024-05-06T10:30:00.000Z',
    ],
    [
      'on the either-matches rule (15th, a Wednesday)',
      berlin('0 12 15 * MON', '1h'),
      '2024-05-15T10:30:00.000Z',
      '2024-05-15T10:00:00.000Z–2024-05-15T11:00:00.000Z',
    ],
  ])('is %s', (_, window, now, expected) => {
    expect(activeAt(window, now)).toBe(expected);
  });

  it.each([
    ['inactive before the lead time', '2024-05-06T15:29:59.999Z', 'inactive'],
    [
      'active within the lead time, ahead of the start',
      '2024-05-06T15:30:00.000Z',
      '2024-05-06T16:00:00.000Z–2024-05-06T21:00:00.000Z leading',
    ],
    [
      'active, no longer leading, once started',
      '2024-05-06T16:00:00.000Z',
      '2024-05-06T16:00:00.000Z–2024-05-06T21:00:00.000Z',
    ],
    ['inactive at the end, lead time or not', '2024-05-06T21:00:00.000Z', 'inactive'],
  ])('with a 30m lead time is %s', (_, now, expected) => {
    expect(activeAt(berlin('0 18 * * MON-FRI', '5h', '30m'), now)).toBe(expected);
  });

  it('starts the next occurrence within the lead time while the previous one is still on', () => {
    const hourly = berlin('0 * * * *', '1h', '10m');

    expect(activeAt(hourly, '2024-05-06T10:55:00.000Z')).toBe(
      '2024-05-06T11:00:00.000Z–2024-05-06T12:00:00.000Z leading',
    );
  });

  describe('across DST changes', () => {
    it.each([
      // Berlin springs forward on 2024-03-31 at 02:00 CET (01:00Z) to 03:00 CEST: 02:30 never happens.
      [
        'a Berlin start in the spring gap does not exist that day',
        berlin('30 2 * * *', '1h'),
        '2024-03-31T01:45:00.000Z',
        'inactive',
      ],
      [
        'the day before it does',
        berlin('30 2 * * *', '1h'),
        '2024-03-30T01:45:00.000Z',
        '2024-03-30T01:30:00.000Z–2024-03-30T02:30:00.000Z',
      ],
      [
        'the day after it does, at the summer offset',
        berlin('30 2 * * *', '1h'),
        '2024-04-01T00:45:00.000Z',
        '2024-04-01T00:30:00.000Z–2024-04-01T01:30:00.000Z',
      ],
      [
        'a window across the spring change lasts its elapsed duration',
        berlin('0 1 * * *', '3h'),
        '2024-03-31T02:30:00.000Z',
        '2024-03-31T00:00:00.000Z–2024-03-31T03:00:00.000Z',
      ],
      // Berlin falls back on 2024-10-27 at 03:00 CEST (01:00Z) to 02:00 CET: 02:30 happens twice.
      [
        'a Berlin start in the autumn overlap opens at its first occurrence',
        berlin('30 2 * * *', '30m'),
        '2024-10-27T00:40:00.000Z',
        '2024-10-27T00:30:00.000Z–2024-10-27T01:00:00.000Z',
      ],
      [
        'and not again at its second occurrence',
        berlin('30 2 * * *', '30m'),
        '2024-10-27T01:40:00.000Z',
        'inactive',
      ],
      [
        'a lead time reaches the first occurrence of an overlapped start',
        berlin('30 2 * * *', '30m', '15m'),
        '2024-10-27T00:20:00.000Z',
        '2024-10-27T00:30:00.000Z–2024-10-27T01:00:00.000Z leading',
      ],
      [
        'an evening window after the autumn change uses the winter offset',
        berlin('0 18 * * *', '1h'),
        '2024-10-27T17:30:00.000Z',
        '2024-10-27T17:00:00.000Z–2024-10-27T18:00:00.000Z',
      ],
      // New York springs forward on 2024-03-10 at 02:00 EST (07:00Z) to 03:00 EDT.
      [
        'a New York start in the spring gap does not exist that day',
        newYork('30 2 * * *', '2h'),
        '2024-03-10T07:45:00.000Z',
        'inactive',
      ],
      [
        'a New York start just after the gap exists',
        newYork('0 3 * * *', '1h'),
        '2024-03-10T07:15:00.000Z',
        '2024-03-10T07:00:00.000Z–2024-03-10T08:00:00.000Z',
      ],
      // New York falls back on 2024-11-03 at 02:00 EDT (06:00Z) to 01:00 EST: 01:30 happens twice.
      [
        'a New York start in the autumn overlap opens at its first occurrence',
        newYork('30 1 * * *', '20m'),
        '2024-11-03T05:35:00.000Z',
        '2024-11-03T05:30:00.000Z–2024-11-03T05:50:00.000Z',
      ],
      [
        'and not again at its second occurrence',
        newYork('30 1 * * *', '20m'),
        '2024-11-03T06:35:00.000Z',
        'inactive',
      ],
      [
        'a New York midnight window across the change lasts its elapsed duration',
        newYork('0 0 * * *', '3h'),
        '2024-11-03T06:30:00.000Z',
        '2024-11-03T04:00:00.000Z–2024-11-03T07:00:00.000Z',
      ],
    ])('%s', (_, window, now, expected) => {
      expect(activeAt(window, now)).toBe(expected);
    });
  });

  it('finds a start a month back without scanning minute by minute', () => {
    const monthly = berlin('* * 1 * *', '31d');
    const started = Date.now();

    const result = activeAt(monthly, '2024-05-31T12:00:00.000Z');

    expect(result).toBe('2024-05-01T21:59:00.000Z–2024-06-01T21:59:00.000Z');
    expect(Date.now() - started).toBeLessThan(200);
  });

  it.each([
    ['a broken cron', berlin('61 * * * *', '1h')],
    ['a broken duration', berlin('0 * * * *', '1 hour')],
    ['an unknown time zone', { start: '0 * * * *', duration: '1h', timeZone: 'Mars/Olympus' }],
  ])('throws INVALID_ARGUMENT on %s', (_, window) => {
    let thrown: unknown;
    try {
      windowActivity(window, new Date('2024-05-06T12:00:00.000Z'));
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('INVALID_ARGUMENT');
  });
});
