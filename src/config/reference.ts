import { environmentSchema } from './schema';

export interface SettingReference {
  variable: string;
  defaultValue: string;
  description: string;
}

/** The documented settings, derived from the schema so the docs cannot drift from the code. */
export function listSettings(): SettingReference[] {
  return Object.entries(environmentSchema.shape).map(([variable, schema]) => ({
    variable,
    defaultValue: String(schema.parse(undefined)),
    description: schema.description ?? '',
  }));
}

/** The README's configuration table (Markdown). */
export function renderSettingsTable(): string {
  const rows = listSettings().map(
    (s) =>
      `| \`${s.variable}\` | ${s.defaultValue === '' ? '(empty)' : `\`${s.defaultValue}\``} | ${s.description} |`,
  );
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
