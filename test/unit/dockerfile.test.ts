import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { argsOf, dockerfileStages, environmentOf, runtimeStage } from '../support/dockerfile';

const root = path.resolve(__dirname, '../..');

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

  it('has bash for the room keepers and the example game room', () => {
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
    const build = dockerfileStages()[0]!;

    expect(argsOf(build, 'RUN').join(' ')).toMatch(/npm run build && npm prune --omit=dev/);
    expect(argsOf(runtimeStage(), 'COPY')).toContain('--from=build /app/node_modules node_modules');
  });
});
