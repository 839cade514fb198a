/**
 * Standard 5-field cron expressions (`minute hour day-of-month month day-of-week`) for the start
 * of autoscaling windows: `*`, lists, ranges, steps (`*\/15`, `1-5/2`), month names JAN–DEC and
 * weekday names SUN–SAT (case-insensitive), 0 and 7 both Sunday.
 */

/** A parsed expression: the allowed values of each field, ascending. Plain JSON. */
export interface CronSchedule {
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 (Sunday) to 6. */
  daysOfWeek: number[];
  /**
   * Whether the day fields do not start with `*` (Vixie cron's rule). When both are restricted a
   * day matches if EITHER matches; otherwise both must match.
   */
  isDayOfMonthRestricted: boolean;
  isDayOfWeekRestricted: boolean;
}

/** The result of `parseCron`: the schedule, or every problem found (each names its field). */
export type CronParse = { schedule: CronSchedule } | { problems: string[] };

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES },
];

/** Parses `expression`; reports the problems of every field at once. */
export function parseCron(expression: string): CronParse {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== FIELDS.length)
    return {
      problems: [
        `must have 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`,
      ],
    };
  const problems: string[] = [];
  const values = FIELDS.map((rule, i) => {
    const field = parseField(parts[i] ?? '', rule);
    if ('problem' in field) problems.push(`${rule.name} ${field.problem}`);
    return 'values' in field ? field.values : [];
  });
  if (problems.length > 0) return { problems };
  const [minutes = [], hours = [], daysOfMonth = [], months = [], weekdays = []] = values;
  return {
    schedule: {
      minutes,
      hours,
      daysOfMonth,
      months,
      daysOfWeek: unique(weekdays.map((day) => day % 7)),
      isDayOfMonthRestricted: !parts[2]?.startsWith('*'),
      isDayOfWeekRestricted: !parts[4]?.startsWith('*'),
    },
  };
}

/** Whether `schedule` runs on a date (`month` 1–12, `weekday` 0–6 with 0 Sunday). */
export function matchesDay(
  schedule: CronSchedule,
  date: { month: number; day: number; weekday: number },
): boolean {
  if (!schedule.months.includes(date.month)) return false;
  const isDayOfMonth = schedule.daysOfMonth.includes(date.day);
  const isDayOfWeek = schedule.daysOfWeek.includes(date.weekday);
  if (schedule.isDayOfMonthRestricted && schedule.isDayOfWeekRestricted)
    return isDayOfMonth || isDayOfWeek;
  return isDayOfMonth && isDayOfWeek;
}

type FieldParse = { values: number[] } | { problem: string };

function parseField(text: string, rule: FieldRule): FieldParse {
  const values: number[] = [];
  for (const item of text.split(',')) {
    const parsed = parseItem(item, rule);
    if ('problem' in parsed) return parsed;
    values.push(...parsed.values);
  }
  return { values: unique(values) };
}

/** One list item: `*`, `N`, `A-B`, each optionally with `/STEP` (`N/STEP` is not standard). */
function parseItem(item: string, rule: FieldRule): FieldParse {
  const [range = '', step, ...rest] = item.split('/');
  if (rest.length > 0 || range === '')
    return { problem: `"${item}" is not a value, range or step` };
  const every = step === undefined ? 1 : Number(step);
  if (step !== undefined && !(/^\d+$/.test(step) && every >= 1))
    return { problem: `step "${step}" must be a positive integer` };
  const bounds = range === '*' ? [rule.min, rule.max] : range.split('-').map((v) => value(v, rule));
  if (bounds.length > 2) return { problem: `"${range}" is not a value or range` };
  if (step !== undefined && bounds.length === 1)
    return { problem: `"${item}": a step needs * or a range before it` };
  const [first, last = first] = bounds;
  if (typeof first === 'string') return { problem: first };
  if (typeof last === 'string') return { problem: last };
  if (first === undefined || last === undefined) return { problem: `"${item}" is empty` };
  if (first > last) return { problem: `range ${range} must not end before it starts` };
  const values: number[] = [];
  for (let v = first; v <= last; v += every) values.push(v);
  return { values };
}

/** A number or name within the field's range, or the problem with it. */
function value(text: string, rule: FieldRule): number | string {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return rule.names === MONTH_NAMES ? named + 1 : named;
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${rule.names ? ' or name' : ''}`;
  const number = Number(text);
  if (number < rule.min || number > rule.max)
    return `${number} is out of range ${rule.min}-${rule.max}`;
  return number;
}

function unique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
