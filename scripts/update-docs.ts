/** `npm run docs`: regenerates the README's configuration table from the config schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceConfigTable } from '../src/config/readme';

const readme = path.resolve(__dirname, '..', 'README.md');
writeFileSync(readme, replaceConfigTable(readFileSync(readme, 'utf8')));
console.log('README.md configuration table regenerated');
