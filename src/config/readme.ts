import { renderSettingsTable } from './reference';

const START = /<!-- config-table:start[^>]*-->\n/;
const END = '<!-- config-table:end -->';

/** The README with its configuration table (between the config-table markers) regenerated. */
export function replaceConfigTable(readme: string): string {
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < start.index) throw new Error('README.md lacks the config-table markers');
  const tableStart = start.index + start[0].length;
  return `${readme.slice(0, tableStart)}${renderSettingsTable()}\n${readme.slice(end)}`;
}
