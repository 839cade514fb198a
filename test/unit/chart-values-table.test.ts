import { loadYaml } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  listChartValueKeys,
  replaceChartValuesTable,
  undocumentedChartValues,
} from '../../scripts/chart-values-table';

const chart = path.resolve(__dirname, '../../deploy/helm/maestro');
const valuesYaml = readFileSync(path.join(chart, 'values.yaml'), 'utf8');

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
}

/** Whether values.schema.json describes `key` (a dotted path) as a property, or allows any key there. */
function schemaAllows(schema: JsonSchema, key: string): boolean {
  let node: JsonSchema | undefined = schema;
  for (const part of key.split('.')) {
    if (!node) return false;
    const next: JsonSchema | undefined = node.properties?.[part];
    if (next) node = next;
    else if (node.additionalProperties === false || node.properties) return false;
    else return true;
  }
  return true;
}

describe('the Helm chart values', () => {
  it('are listed in the chart README exactly as values.yaml documents them (run `npm run docs` to refresh)', () => {
    const readme = readFileSync(path.join(chart, 'README.md'), 'utf8');

    expect(readme).toBe(replaceChartValuesTable(readme, valuesYaml));
  });

  it('are each documented by a `# --` comment on the value or on an enclosing one', () => {
    expect(undocumentedChartValues(valuesYaml)).toEqual([]);
  });

  it('finds a value without a `# --` comment', () => {
    const sample = ['# -- Documented.', 'a: 1', 'b:', '  # -- Documented too.', '  c: 2', '  d: 3'];

    expect(undocumentedChartValues(sample.join('\n'))).toEqual(['b.d']);
  });

  it('are each described by values.schema.json, which rejects unknown keys', () => {
    const schema = JSON.parse(
      readFileSync(path.join(chart, 'values.schema.json'), 'utf8'),
    ) as JsonSchema;
    const keys = listChartValueKeys(valuesYaml).map((k) => k.key);

    expect(keys.filter((key) => !schemaAllows(schema, key))).toEqual([]);
    expect(schemaAllows(schema, 'modules.worker.replicaCount')).toBe(false);
    expect(loadYaml<Record<string, unknown>>(valuesYaml)).toHaveProperty('modules.worker.enabled');
  });
});
