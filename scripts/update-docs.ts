/**
 * `npm run docs`: regenerates the README's configuration table from the config schema, the
 * Helm chart README's values table from the chart's values.yaml, and docs/routes.md from the
 * protos' HTTP options and the RPC implementations.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceConfigTable } from '../src/config/readme';
import { replaceChartValuesTable } from './chart-values-table';
import { renderRoutesDocument, ROUTES_DOCUMENT } from './routes-table';

const root = path.resolve(__dirname, '..');
const readme = path.join(root, 'README.md');
writeFileSync(readme, replaceConfigTable(readFileSync(readme, 'utf8')));
console.log('README.md configuration table regenerated');

const chart = path.join(root, 'deploy/helm/maestro');
const chartReadme = path.join(chart, 'README.md');
const values = readFileSync(path.join(chart, 'values.yaml'), 'utf8');
writeFileSync(chartReadme, replaceChartValuesTable(readFileSync(chartReadme, 'utf8'), values));
console.log('deploy/helm/maestro/README.md values table regenerated');

writeFileSync(ROUTES_DOCUMENT, renderRoutesDocument());
console.log('docs/routes.md regenerated');
