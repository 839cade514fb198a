import { dump } from 'js-yaml';

/** `--output` of the client commands. */
export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where a command writes: results to `out` (stdout), problems and progress to `err` (stderr). */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress lines are rewritten in place). */
  isInteractive: boolean;
}

/** A table column: its heading and how a row shows in it. */
export interface Column<Row> {
  heading: string;
  value: (row: Row) => string | number | boolean | undefined | null;
}

/**
 * Writes `data` as JSON or YAML as the API returned it, or `rows` as an aligned table of
 * `columns` (no rows: the headings alone).
 */
export function render<Row>(
  format: OutputFormat,
  data: unknown,
  rows: readonly Row[],
  columns: readonly Column<Row>[],
): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'yaml') return toYaml(data);
  return table(rows, columns);
}

export function toYaml(data: unknown): string {
  return dump(data, { noRefs: true, lineWidth: 100, sortKeys: false }).trimEnd();
}

export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => text(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(column.heading.length, ...cells.map((line) => line[index]!.length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.heading)), ...cells.map(line)].join('\n');
}

function text(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  return String(value);
}

/** `2026-12-05T08:31:33.123Z` → `2026-12-05 08:31:33`. */
export const shortTime = (timestamp: string | undefined) =>
  timestamp ? timestamp.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : undefined;
