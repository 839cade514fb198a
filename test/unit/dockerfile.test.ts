import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';

const root = path.resolve(__dirname, '../..');

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions (continuation lines joined, comments dropped), by stage. */
function stages(): Instruction[][] {
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

const runtimeStage = () => stages().at(-1)!;
const argsOf = (stage: Instruction[], keyword: string) =>
  stage.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `ENV A=1 B=2` lines as one record (the form the Dockerfile uses). */
function environmentOf(stage: Instruction[]): Record<string, string> {
  const pairs = argsOf(stage, 'ENV').flatMap((args) => args.split(/\s+/));
  return Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
}

describe('Dockerfile runtime stage', () => {
  it('runs as a non-root user', () => {
    const user = argsOf(runtimeStage(), 'USER').at(-1);

    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('gives that user the local runtime state directory it points maestro at', () => {
    const stage = runtimeStage();
    const user = argsOf(stage, 'USER').at(-1)!;
    const stateDir = environmentOf(stage)['MAESTRO_LOCAL_RUNTIME_DIR'];
    const run = argsOf(stage, 'RUN').join(' && ');

    expect(stateDir).toMatch(/^\//);
    expect(run).toContain(`mkdir -p ${stateDir}`);
    expect(run).toMatch(new RegExp(`chown (-R )?${user}(:${user})? ${stateDir}(\\s|$)`));
    expect(stage.findIndex((i) => i.keyword === 'USER')).toBeGreaterThan(
      stage.findIndex((i) => i.keyword === 'RUN' && i.args.includes(stateDir!)),
    );
  });

  it('has bash for the room supervisors and the example game room', () => {
    const stage = runtimeStage();

    expect(argsOf(stage, 'RUN').join(' ')).toMatch(/\bbash --version\b/);
    expect(argsOf(stage, 'WORKDIR').at(-1)).toBe('/app');
    expect(argsOf(stage, 'COPY')).toContain('examples examples');
    expect(readFileSync(path.join(root, '.dockerignore'), 'utf8')).not.toMatch(/^examples/m);
  });

  it('sets only MAESTRO_* variables that maestro accepts', () => {
    const environment = environmentOf(runtimeStage());

    expect(Object.keys(environment)).toContain('MAESTRO_LOCAL_RUNTIME_DIR');
    expect(loadConfig(environment).runtime).toMatchObject({
      kind: 'local',
      stateDir: environment['MAESTRO_LOCAL_RUNTIME_DIR'],
    });
  });

  it('ships only production dependencies, pruned after the build', () => {
    const build = stages()[0]!;

    expect(argsOf(build, 'RUN').join(' ')).toMatch(/npm run build && npm prune --omit=dev/);
    expect(argsOf(runtimeStage(), 'COPY')).toContain('--from=build /app/node_modules node_modules');
  });
});
