import { readFileSync } from 'node:fs';
import path from 'node:path';
import { replaceConfigTable } from '../../src/config/readme';

describe('README.md', () => {
  it('documents exactly the settings the config schema defines (run `npm run docs` to refresh)', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

    expect(readme).toBe(replaceConfigTable(readme));
  });
});
