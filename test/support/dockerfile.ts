import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions (continuation lines joined, comments dropped), by stage. */
export function dockerfileStages(): Instruction[][] {
  const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const result: Instruction[][] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') result.push([]);
    result.at(-1)?.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
  }
  return result;
}

/** The last stage: what the image runs. */
export const runtimeStage = () => dockerfileStages().at(-1)!;

export const argsOf = (stage: Instruction[], keyword: string) =>
  stage.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `ENV A=1 B=2` lines as one record (the form the Dockerfile uses). */
export function environmentOf(stage: Instruction[]): Record<string, string> {
  const pairs = argsOf(stage, 'ENV').flatMap((args) => args.split(/\s+/));
  return Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
}
