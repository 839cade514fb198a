/**
 * Applies the Maestro v1 settings table (`maestro-v1-settings.ts`) to a configuration: what
 * `maestro config convert` prints. Pure.
 */
import {
  canonicalKey,
  IMPLIED_SETTINGS,
  MAESTRO_V1_SETTINGS,
  type Converted,
  type MaestroV1Value,
} from './maestro-v1-settings';
import { environmentSchema, type EnvironmentVariable } from './schema';

/** One Maestro v1 setting as given: a dotted key and its value, and where it came from. */
export interface MaestroV1Entry {
  key: string;
  value: MaestroV1Value;
  /** `config.yaml`, or the variable's name. */
  origin: string;
}

export interface ConvertedSetting {
  variable: EnvironmentVariable;
  value: string;
  /** The Maestro keys it came from, and any note. */
  comment: string;
}

export interface MaestroV1Conversion {
  settings: ConvertedSetting[];
  /** Known Maestro keys with no equivalent here, and why. */
  notConverted: { key: string; why: string }[];
  /** Keys Maestro v1 does not read, values our schema refuses, conflicting values. */
  problems: { key: string; message: string }[];
}

/**
 * Applies the table to `entries` (later entries win, as viper's environment wins over its file),
 * checks every value against our schema, and reports keys without equivalent and problems.
 */
export function convertMaestroV1Config(entries: readonly MaestroV1Entry[]): MaestroV1Conversion {
  const latest = new Map<string, MaestroV1Entry>();
  const problems: MaestroV1Conversion['problems'] = [];
  for (const entry of entries) {
    const key = canonicalKey(entry.key);
    if (key) latest.set(key, { ...entry, key });
    else problems.push({ key: entry.key, message: `not a Maestro v1 setting (${entry.origin})` });
  }
  const notConverted: MaestroV1Conversion['notConverted'] = [];
  const byVariable = new Map<
    EnvironmentVariable,
    { value: string; keys: string[]; notes: string[] }
  >();
  for (const [key, entry] of latest) {
    const setting = MAESTRO_V1_SETTINGS[key]!;
    if ('why' in setting) {
      notConverted.push({ key, why: setting.why });
      continue;
    }
    const value = convertValue(setting, entry, problems);
    if (value === undefined) continue;
    for (const variable of setting.variables) {
      const known = byVariable.get(variable);
      if (known && known.value !== value) {
        const message = `sets ${variable} to ${value} but ${known.keys.join(', ')} set it to ${known.value}${setting.note ? `: ${setting.note}` : ''}`;
        problems.push({ key, message });
        continue;
      }
      const notes = setting.note && !known?.notes.includes(setting.note) ? [setting.note] : [];
      byVariable.set(variable, {
        value,
        keys: [...(known?.keys ?? []), key],
        notes: [...(known?.notes ?? []), ...notes],
      });
    }
  }
  const settings: ConvertedSetting[] = [
    ...Object.entries(IMPLIED_SETTINGS).map(([variable, value]) => ({
      variable: variable as EnvironmentVariable,
      value: value,
      comment: 'Maestro v1 runs rooms on Kubernetes only',
    })),
    ...[...byVariable].map(([variable, { value, keys, notes }]) => ({
      variable,
      value,
      comment: [keys.join(', '), ...notes].join(': '),
    })),
  ];
  return { settings, notConverted, problems };
}

/** The converted value, checked by our schema; undefined (and a problem) when it does not fit. */
function convertValue(
  setting: Converted,
  entry: MaestroV1Entry,
  problems: MaestroV1Conversion['problems'],
): string | undefined {
  try {
    const value = setting.convert(entry.value);
    for (const variable of setting.variables) {
      const result = environmentSchema.shape[variable].safeParse(value);
      if (!result.success) {
        const message = result.error.issues[0]?.message ?? 'is invalid';
        problems.push({ key: entry.key, message: `${variable}=${value} ${message}` });
        return undefined;
      }
    }
    return value;
  } catch (error) {
    problems.push({
      key: entry.key,
      message: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}
