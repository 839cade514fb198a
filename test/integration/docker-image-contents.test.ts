import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '../support/compose-project';
import {
  argsOf,
  dockerfileStages,
  environmentOf,
  runtimeStage,
  type Instruction,
} from '../support/dockerfile';
import { sharedInfra } from '../support/infra';

/**
 * The image's files without Docker: the Dockerfile's build stage replayed in a temporary directory
 * (its COPY and RUN instructions, as written), then its runtime stage's COPYs into another one,
 * which runs the ENTRYPOINT with the stage's ENV. It proves the pruned tree (no devDependencies)
 * runs maestro and loads every runtime module. Not checked: the base image and file ownership.
 */
const run = promisify(execFile);

/** `COPY [--from=…] src… dest` as its sources and destination. */
function copyOf(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
  const dest = words.pop()!;
  return { from, sources: words, dest };
}

/** Each COPY of `stage` into `into`; `locate` finds a source in the context or another stage. */
function replayCopies(
  stage: Instruction[],
  into: string,
  locate: (source: string, from?: string) => string,
) {
  for (const args of argsOf(stage, 'COPY')) {
    const { from, sources, dest } = copyOf(args);
    for (const source of sources) {
      const target = dest.endsWith('/')
        ? path.join(into, dest, path.basename(source))
        : path.join(into, dest);
      mkdirSync(path.dirname(target), { recursive: true });
      cpSync(locate(source, from), target, { recursive: true });
    }
  }
}

describe('the Docker image, its files assembled as the Dockerfile says', () => {
  const workDir = mkdtempSync(path.join(sharedInfra().workDir, 'image-'));
  const build = path.join(workDir, 'build');
  const app = path.join(workDir, 'app');
  const [buildStage] = dockerfileStages();
  const stage = runtimeStage();
  const base = { PATH: process.env['PATH'], HOME: process.env['HOME'] }; // npm's cache
  const env = { ...base, ...environmentOf(stage) };
  const fromContext = (source: string) => path.join(repositoryRoot, source);

  beforeAll(async () => {
    expect(argsOf(buildStage!, 'WORKDIR')).toEqual(['/app']);
    replayCopies(buildStage!, build, fromContext);
    for (const command of argsOf(buildStage!, 'RUN')) {
      await run('sh', ['-c', command], {
        cwd: build,
        env: { ...base, ...environmentOf(buildStage!) },
        timeout: 240_000,
      });
    }
    replayCopies(stage, app, (source, from) =>
      from === 'build' ? path.join(build, path.relative('/app', source)) : fromContext(source),
    );
  }, 300_000);

  it('keeps no devDependency and has the example game room', () => {
    const modules = readdirSync(path.join(app, 'node_modules'));

    for (const devOnly of ['typescript', 'jest', 'eslint', 'prettier', 'tsx', 'fast-check']) {
      expect(modules).not.toContain(devOnly);
    }
    expect(existsSync(path.join(app, 'examples/game-room/index.js'))).toBe(true);
    expect(existsSync(path.join(app, 'dist/workflow-bundle.js'))).toBe(true);
  });

  it('has the built game-room SDK the example game room requires', async () => {
    const script = `const { GameRoom } = require('@maestro/game-room-sdk');
      process.stdout.write(require.resolve('@maestro/game-room-sdk') + ' ' + typeof GameRoom);`;

    const { stdout } = await run(process.execPath, ['-e', script], {
      cwd: path.join(app, 'examples/game-room'),
      env,
    });

    expect(stdout).toMatch(/packages\/game-room-sdk\/dist\/index\.js function$/);
  });

  it('runs its entrypoint with the stage environment', async () => {
    const entrypoint = JSON.parse(argsOf(stage, 'ENTRYPOINT').at(-1)!) as string[];
    const [command, ...args] = entrypoint;

    const { stdout } = await run(
      command === 'node' ? process.execPath : command!,
      [...args, 'config'],
      { cwd: app, env },
    );

    expect(stdout).toContain('| `MAESTRO_LOCAL_RUNTIME_DIR` |');
  });

  it('loads every runtime module from the pruned tree', async () => {
    const script = `
      const fs = require('node:fs'), path = require('node:path');
      const failures = [];
      const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, e.name);
        if (e.isDirectory()) walk(file);
        else if (file.endsWith('.js') && !file.endsWith('forwarder-worker.js')) {
          try { require(path.resolve(file)); } catch (error) { failures.push(file + ': ' + error.message); }
        }
      } };
      ['dist/src', 'dist/activities'].forEach(walk);
      process.stdout.write(JSON.stringify(failures));`;

    const { stdout } = await run(process.execPath, ['-e', script], { cwd: app, env });

    expect(JSON.parse(stdout)).toEqual([]);
  });
});
