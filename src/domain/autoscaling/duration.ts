/**
 * Durations as users write them in autoscaling policies: one or more `<integer><unit>` terms,
 * largest unit first, units `d`, `h`, `m`, `s`, `ms` — `5h`, `90m`, `1h30m`, `2s`, `500ms`.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = Object.keys(UNIT_MS) as Unit[];

/** The duration in ms, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const term = /(\d+)(ms|d|h|m|s)/y;
  let total = 0;
  let previous = -1;
  while (term.lastIndex < text.length) {
    const match = term.exec(text);
    if (!match) return undefined;
    const unit = UNITS.indexOf(match[2] as Unit);
    if (unit <= previous) return undefined;
    previous = unit;
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  return previous === -1 ? undefined : total;
}

/** The message for a string that `parseDuration` rejects. */
export const DURATION_FORMAT = 'must be a duration such as 90m, 5h, 1h30m or 500ms';
