/**
 * The values table of the Helm chart's README, generated from the `# --` comments of its
 * values.yaml (helm-docs' convention), so the README cannot drift from the values.
 */
import { loadYaml } from '@kubernetes/client-node';

export interface ChartValue {
  /** Dotted path, e.g. `modules.roomsApi.replicas`. */
  key: string;
  description: string;
  defaultValue: unknown;
}

const KEY_LINE = /^(\s*)([A-Za-z0-9_.-]+):(\s|$)/;
const DOC_COMMENT = /^\s*# -- (.*)$/;

/** Every key of values.yaml with its dotted path and the `# --` comment right above it, if any. */
export function listChartValueKeys(valuesYaml: string): { key: string; description?: string }[] {
  const keys: { key: string; description?: string }[] = [];
  const stack: { indent: number; name: string }[] = [];
  let description: string | undefined;
  for (const line of valuesYaml.split('\n')) {
    const doc = DOC_COMMENT.exec(line);
    if (doc) {
      description = doc[1];
      continue;
    }
    const match = KEY_LINE.exec(line);
    if (!match || line.trimStart().startsWith('#') || line.trimStart().startsWith('-')) {
      if (line.trim() === '' || !line.trimStart().startsWith('#')) description = undefined;
      continue;
    }
    const indent = match[1]?.length ?? 0;
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    stack.push({ indent, name: match[2] ?? '' });
    keys.push({ key: stack.map((s) => s.name).join('.'), description });
    description = undefined;
  }
  return keys;
}

/** The documented values, in file order, with their defaults. */
export function listChartValues(valuesYaml: string): ChartValue[] {
  const values = loadYaml<Record<string, unknown>>(valuesYaml);
  return listChartValueKeys(valuesYaml).flatMap(({ key, description }) =>
    description === undefined ? [] : [{ key, description, defaultValue: valueAt(values, key) }],
  );
}

/** Keys that are documented neither themselves nor through an ancestor (leaves only). */
export function undocumentedChartValues(valuesYaml: string): string[] {
  const keys = listChartValueKeys(valuesYaml);
  const documented = new Set(keys.filter((k) => k.description !== undefined).map((k) => k.key));
  const isLeaf = (key: string) => !keys.some((k) => k.key.startsWith(`${key}.`));
  const ancestors = (key: string) =>
    key.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  return keys
    .map((k) => k.key)
    .filter((key) => isLeaf(key) && !ancestors(key).some((a) => documented.has(a)));
}

export function renderChartValuesTable(valuesYaml: string): string {
  const rows = listChartValues(valuesYaml).map(
    (v) =>
      `| \`${v.key}\` | ${formatDefault(v.defaultValue)} | ${v.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| Key | Default | Description |', '|---|---|---|', ...rows].join('\n');
}

const START = /<!-- values-table:start[^>]*-->\n/;
const END = '<!-- values-table:end -->';

/** The chart README with its values table (between the values-table markers) regenerated. */
export function replaceChartValuesTable(readme: string, valuesYaml: string): string {
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < start.index)
    throw new Error('the chart README lacks the values-table markers');
  const tableStart = start.index + start[0].length;
  return `${readme.slice(0, tableStart)}${renderChartValuesTable(valuesYaml)}\n${readme.slice(end)}`;
}

function valueAt(values: Record<string, unknown>, key: string): unknown {
  let current: unknown = values;
  for (const part of key.split('.')) current = (current as Record<string, unknown>)?.[part];
  return current;
}

function formatDefault(value: unknown): string {
  const text = value === undefined ? 'null' : JSON.stringify(value);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}
