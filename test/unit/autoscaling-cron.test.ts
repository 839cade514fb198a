import { matchesDay, parseCron, type CronSchedule } from '../../src/domain/autoscaling/cron';

function schedule(expression: string): CronSchedule {
  const parsed = parseCron(expression);
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.schedule;
}

describe('parseCron', () => {
  it.each([
    ['0 18 * * *', 'minutes', [0]],
    ['*/15 * * * *', 'minutes', [0, 15, 30, 45]],
    ['5,10-12 * * * *', 'minutes', [5, 10, 11, 12]],
    ['0 1-9/2 * * *', 'hours', [1, 3, 5, 7, 9]],
    ['0 0 */10 * *', 'daysOfMonth', [1, 11, 21, 31]],
    ['0 0 * JAN,mar,Dec *', 'months', [1, 3, 12]],
    ['0 0 * jun-AUG *', 'months', [6, 7, 8]],
    ['0 0 * * MON-FRI', 'daysOfWeek', [1, 2, 3, 4, 5]],
    ['0 0 * * 7', 'daysOfWeek', [0]],
    ['0 0 * * 0,7', 'daysOfWeek', [0]],
    ['0 0 * * FRI-7', 'daysOfWeek', [0, 5, 6]],
    ['0 0 * * 1-5/2', 'daysOfWeek', [1, 3, 5]],
    ['  0   18 * *  *  ', 'hours', [18]],
  ])('reads %s as %s %j', (expression, field, values) => {
    expect(schedule(expression)[field as keyof CronSchedule]).toEqual(values);
  });

  it.each([
    ['0 18 * *', ['must have 5 fields (minute hour day-of-month month day-of-week), got 4']],
    ['', ['must have 5 fields (minute hour day-of-month month day-of-week), got 0']],
    ['61 * * * *', ['minute 61 is out of range 0-59']],
    ['0 24 0 * *', ['hour 24 is out of range 0-23', 'day-of-month 0 is out of range 1-31']],
    ['0 0 * 13 8', ['month 13 is out of range 1-12', 'day-of-week 8 is out of range 0-7']],
    ['*/0 * * * *', ['minute step "0" must be a positive integer']],
    ['*/x * * * *', ['minute step "x" must be a positive integer']],
    ['5/15 * * * *', ['minute "5/15": a step needs * or a range before it']],
    ['0 5-1 * * *', ['hour range 5-1 must not end before it starts']],
    ['0 0 * * FRI-MON', ['day-of-week range FRI-MON must not end before it starts']],
    ['0 0 * * MONDAY', ['day-of-week "MONDAY" is not a number or name']],
    ['0 0 * FOO *', ['month "FOO" is not a number or name']],
    ['MON * * * *', ['minute "MON" is not a number']],
    ['1,,2 * * * *', ['minute "" is not a value, range or step']],
    ['1-2-3 * * * *', ['minute "1-2-3" is not a value or range']],
    ['-1 * * * *', ['minute "" is not a number']],
  ])('reports the problems of %j', (expression, problems) => {
    expect(parseCron(expression)).toEqual({ problems });
  });
});

describe('matchesDay', () => {
  // 2024-05-06 is a Monday, 2024-05-15 a Wednesday.
  it.each([
    ['0 0 * * MON', { month: 5, day: 6, weekday: 1 }, true],
    ['0 0 * * MON', { month: 5, day: 15, weekday: 3 }, false],
    ['0 0 15 * *', { month: 5, day: 15, weekday: 3 }, true],
    ['0 0 * JUN *', { month: 5, day: 15, weekday: 3 }, false],
    // Both restricted: either matches.
    ['0 0 15 * MON', { month: 5, day: 6, weekday: 1 }, true],
    ['0 0 15 * MON', { month: 5, day: 15, weekday: 3 }, true],
    ['0 0 15 * MON', { month: 5, day: 16, weekday: 4 }, false],
    ['0 0 15 JUN MON', { month: 5, day: 6, weekday: 1 }, false],
    // A field starting with * is unrestricted (Vixie cron): both must match.
    ['0 0 */2 * MON', { month: 5, day: 6, weekday: 1 }, false],
    ['0 0 */2 * MON', { month: 5, day: 13, weekday: 1 }, true],
    ['0 0 1-31 * MON', { month: 5, day: 15, weekday: 3 }, true],
  ])('%s on %j matches: %s', (expression, date, expected) => {
    expect(matchesDay(schedule(expression), date)).toBe(expected);
  });
});
