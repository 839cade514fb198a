import { InvalidArgumentError } from 'commander';

const UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90s`, `10m`, `1h`, `500ms` or plain milliseconds → milliseconds; a usage error otherwise. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) {
    throw new InvalidArgumentError(`${flag} "${text}": expected a duration such as 90s, 10m or 1h`);
  }
  return Math.round(Number(match[1]) * UNITS_MS[match[2] ?? 'ms']!);
}
